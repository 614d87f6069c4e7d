package store_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// The dossiers filed before references existed get theirs in filing order, per
// year and territory, and the next filing continues each scope's count.
func TestReferenceMigrationBackfillsInFilingOrder(t *testing.T) {
	db, err := store.Open("", t.TempDir(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close(db) })
	require.NoError(t, store.MigrateTo(db, "2026120641_ds_connector")) // the last migration before the references

	rhone, region := newCampaign("69", nil), newCampaign("84", nil)
	region.Level = models.LevelRegional
	// The columns added after the references are not there yet.
	later := []string{"CalendarJustification", "PublishLate", "CloseLate", "ObjectivesJustification", "ObjectivesDeviations", "DecisionReference", "StateRecordedAt"}
	require.NoError(t, db.Omit(later...).Create(rhone).Error)
	require.NoError(t, db.Omit(later...).Create(region).Error)
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	old := func(id, campaign string, at time.Time) {
		require.NoError(t, db.Table("applications").Create(map[string]any{"id": id, "campaign_id": campaign,
			"workflow_id": "wf-" + id, "year": 2027, "association_key": "siret:" + id, "title_key": id,
			"state": models.ApplicationDeposited, "created_at": at, "updated_at": at}).Error)
	}
	old("b-second", rhone.ID, t0.Add(time.Hour))
	old("z-first", rhone.ID, t0)
	old("a-region", region.ID, t0.Add(2*time.Hour))

	require.NoError(t, store.Migrate(db))
	refs := map[string]string{}
	var rows []models.Application
	require.NoError(t, db.Find(&rows).Error)
	for _, r := range rows {
		refs[r.ID] = r.Reference
	}
	require.Equal(t, map[string]string{"z-first": "AAP-2027-69-0001", "b-second": "AAP-2027-69-0002", "a-region": "AAP-2027-R84-0001"}, refs)

	next := newApplication(rhone.ID, "nouveau", nil)
	require.NoError(t, db.Create(next).Error)
	require.Equal(t, "AAP-2027-69-0003", next.Reference)
}
