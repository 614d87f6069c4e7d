package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// A selection asks about every association of its call at once, more keys than one query
// carries: the answer is the one a single query would give, on both sides of a chunk's end
// (a key with missed years or owed reports, and one without), and an association named twice
// (two dossiers of the call: sorted, its second key would open the next chunk) is read once.
func TestMissedYearsAndMissingReportsAcrossChunks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		keys := make([]string, 2*store.KeysPerQuery+1)
		for i := range keys {
			keys[i] = fmt.Sprintf("rna:W%09d", i)
		}
		lastOfFirst, firstOfSecond := keys[store.KeysPerQuery-1], keys[store.KeysPerQuery]
		answered, lastKey := keys[store.KeysPerQuery+1], keys[len(keys)-1]
		asked := append(slices.Clone(keys), lastOfFirst)

		results := store.NewPNEResults(db)
		at := time.Date(2026, 7, 1, 10, 0, 0, 0, time.UTC)
		require.NoError(t, results.Record(ctx, lastOfFirst, 2025, false, nil))
		require.NoError(t, results.Record(ctx, firstOfSecond, 2026, false, nil))
		require.NoError(t, results.Record(ctx, firstOfSecond, 2024, false, nil))
		require.NoError(t, results.Record(ctx, answered, 2026, true, &at))
		require.NoError(t, results.Record(ctx, lastKey, 2026, false, nil))
		missed, err := results.MissedYears(ctx, asked)
		require.NoError(t, err)
		assert.Equal(t, map[string][]int{lastOfFirst: {2025}, firstOfSecond: {2024, 2026}, lastKey: {2026}}, missed)

		due := time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC)
		report := func(key, convention string, dueAt time.Time, received *time.Time) {
			require.NoError(t, db.Create(&models.FinancialReport{ConventionID: convention, ApplicationID: "app-" + convention,
				AssociationKey: key, FiscalYear: 2026, DueAt: dueAt, Overdue: true, OverdueAt: &dueAt, ReceivedAt: received}).Error)
		}
		report(lastOfFirst, "c-1", due, nil)
		report(firstOfSecond, "c-2", due, nil)
		report(firstOfSecond, "c-3", due.AddDate(-1, 0, 0), nil)
		report(answered, "c-4", due, &at) // received late: no longer owed
		owed, err := store.NewFinancialReports(db).Missing(ctx, asked)
		require.NoError(t, err)
		conventions := map[string][]string{}
		for key, rs := range owed {
			for _, r := range rs {
				conventions[key] = append(conventions[key], r.ConventionID)
			}
		}
		assert.Equal(t, map[string][]string{lastOfFirst: {"c-1"}, firstOfSecond: {"c-3", "c-2"}}, conventions, "oldest due first")
	})
}
