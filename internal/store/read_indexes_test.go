package store_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
)

// capturedQuery is one SELECT gorm ran, with its arguments.
type capturedQuery struct {
	sql  string
	vars []any
}

// captureQueries records the SELECTs on the applications table that db runs.
func captureQueries(t *testing.T, db *gorm.DB) func() []capturedQuery {
	t.Helper()
	var mu sync.Mutex
	var got []capturedQuery
	capture := func(d *gorm.DB) {
		if d.Statement.Table != "applications" {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		got = append(got, capturedQuery{sql: d.Statement.SQL.String(), vars: append([]any(nil), d.Statement.Vars...)})
	}
	// Find and Take run the query callbacks, Rows (the list's summaries) the row ones.
	require.NoError(t, db.Callback().Query().After("gorm:query").Register("test:capture", capture))
	require.NoError(t, db.Callback().Row().After("gorm:row").Register("test:capture", capture))
	t.Cleanup(func() {
		_ = db.Callback().Query().Remove("test:capture")
		_ = db.Callback().Row().Remove("test:capture")
	})
	return func() []capturedQuery {
		mu.Lock()
		defer mu.Unlock()
		return append([]capturedQuery(nil), got...)
	}
}

// queryPlan is SQLite's EXPLAIN QUERY PLAN of q, its steps joined.
func queryPlan(t *testing.T, db *gorm.DB, q capturedQuery) string {
	t.Helper()
	var steps []struct {
		ID, Parent, Notused int
		Detail              string
	}
	require.NoError(t, db.Raw("EXPLAIN QUERY PLAN "+q.sql, q.vars...).Scan(&steps).Error)
	var details []string
	for _, s := range steps {
		details = append(details, s.Detail)
	}
	return strings.Join(details, " | ")
}

// findQuery returns the captured query whose SQL contains every fragment.
func findQuery(t *testing.T, queries []capturedQuery, fragments ...string) capturedQuery {
	t.Helper()
	for _, q := range queries {
		matches := true
		for _, f := range fragments {
			matches = matches && strings.Contains(q.sql, f)
		}
		if matches {
			return q
		}
	}
	t.Fatalf("no query with %q among %d", fragments, len(queries))
	return capturedQuery{}
}

// The double-funding lookup of a filing and a call's dossier list use their
// indexes (idx_applications_twins, idx_applications_call_order): the lookup no
// longer reads the whole year, the list no longer sorts the whole call; without
// the indexes the same queries scan the year's index and sort.
func TestReadIndexesServeTheFilingAndTheList(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	apps := store.NewApplications(db)
	campaign := callID(t, db)
	queries := captureQueries(t, db)
	_, _, err := apps.Create(ctx, newApplication(campaign, "ateliers", nil))
	require.NoError(t, err)
	_, _, err = apps.List(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 20})
	require.NoError(t, err)

	twins := findQuery(t, queries(), "year = ", "campaign_id <> ")
	list := findQuery(t, queries(), "ORDER BY created_at, id")
	require.Contains(t, queryPlan(t, db, twins), "idx_applications_twins")
	listPlan := queryPlan(t, db, list)
	require.Contains(t, listPlan, "idx_applications_call_order")
	require.NotContains(t, listPlan, "TEMP B-TREE", "the page is read in index order, not sorted")
	first, _, err := apps.List(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 20})
	require.NoError(t, err)
	_, _, err = apps.List(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 20, After: first[0].ID})
	require.NoError(t, err)
	keysetPlan := queryPlan(t, db, findQuery(t, queries(), "created_at >= ", "ORDER BY created_at, id"))
	require.Contains(t, keysetPlan, "idx_applications_call_order (campaign_id=? AND created_at>?)",
		"a page after a cursor enters the index at the cursor")
	require.NotContains(t, keysetPlan, "TEMP B-TREE")
	// The API's list page (Summaries) reads the same index, and probes each row's
	// renewal blocks through their identity index instead of scanning them.
	_, err = apps.Summaries(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 20})
	require.NoError(t, err)
	summariesPlan := queryPlan(t, db, findQuery(t, queries(), "EXISTS (SELECT 1 FROM renewal_blocks", "ORDER BY created_at, id"))
	require.Contains(t, summariesPlan, "idx_applications_call_order")
	require.Contains(t, summariesPlan, "idx_renewal_blocks_identity")
	require.NotContains(t, summariesPlan, "TEMP B-TREE")

	require.NoError(t, store.RollbackReadIndexes(db))
	require.NotContains(t, queryPlan(t, db, twins), "idx_applications_twins")
	require.Contains(t, queryPlan(t, db, list), "TEMP B-TREE", "without the index the call's dossiers are sorted")
}

// The indexes are created on PostgreSQL too (the same migration), and the filing
// and the list still answer there.
func TestReadIndexesExistOnEveryDatabase(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		for _, idx := range []string{"idx_applications_twins", "idx_applications_call_order"} {
			require.True(t, db.Migrator().HasIndex("applications", idx), idx)
		}
		ctx := context.Background()
		apps := store.NewApplications(db)
		campaign := callID(t, db)
		_, created, err := apps.Create(ctx, newApplication(campaign, "ateliers", nil))
		require.NoError(t, err)
		require.True(t, created)
		page, total, err := apps.List(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 20})
		require.NoError(t, err)
		require.Len(t, page, 1)
		require.Equal(t, int64(1), total)
	})
}

// genericPlan is PostgreSQL's generic plan of query (what a prepared statement runs after
// five executions, whatever its arguments), made now.
func genericPlan(t *testing.T, db *gorm.DB, query string, args ...any) string {
	t.Helper()
	var lines []string
	err := db.Transaction(func(tx *gorm.DB) error {
		if err := tx.Exec("SET LOCAL plan_cache_mode = force_generic_plan").Error; err != nil {
			return err
		}
		return tx.Raw("EXPLAIN "+query, args...).Scan(&lines).Error
	})
	require.NoError(t, err)
	return strings.Join(lines, "\n")
}

// On PostgreSQL the filing's double-funding lookup is planned on idx_applications_twins
// even on a table without statistics (a new database, or a server whose autovacuum is
// off): with the year's own index there, the plan reads the whole year at each filing.
func TestTheDoubleFundingLookupNeedsNoStatistics(t *testing.T) {
	db := storetest.Postgres(t)
	const twins = "SELECT * FROM applications WHERE year = $1 AND association_key = $2 AND title_key = $3 AND campaign_id <> $4 ORDER BY id"
	args := []any{2027, "siret:73282932000074", "ateliers", "c"}
	require.Contains(t, genericPlan(t, db, twins, args...), "idx_applications_twins")

	require.NoError(t, store.RestoreYearIndex(db))
	require.Contains(t, genericPlan(t, db, twins, args...), "idx_applications_year")
}
