package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// dossierCount is the count kept with the call.
func dossierCount(t *testing.T, db *gorm.DB, campaignID string) int64 {
	t.Helper()
	c, err := store.NewCampaigns(db).Get(context.Background(), campaignID)
	require.NoError(t, err)
	return c.DossierCount
}

// Each dossier inserted adds one to its call's count, however it is inserted; the same
// dossier filed again, an insert rolled back, another call's dossier and a Save of a
// call read before add nothing; a filing undone (Delete) takes one off.
func TestCallDossierCountFollowsTheInserts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		campaign, other := callID(t, db), callID(t, db)
		require.Zero(t, dossierCount(t, db, campaign))
		stale, err := store.NewCampaigns(db).Get(ctx, campaign)
		require.NoError(t, err)

		_, created, err := s.Create(ctx, newApplication(campaign, "ateliers", nil))
		require.NoError(t, err)
		require.True(t, created)
		_, created, err = s.Create(ctx, newApplication(campaign, "ateliers", nil))
		require.NoError(t, err)
		require.False(t, created, "the same dossier")
		require.EqualValues(t, 1, dossierCount(t, db, campaign))

		batch := []models.Application{*newApplication(campaign, "un", nil), *newApplication(campaign, "deux", nil),
			*newApplication(other, "ailleurs", nil)}
		require.NoError(t, db.CreateInBatches(batch, 2).Error)
		require.EqualValues(t, 3, dossierCount(t, db, campaign))
		require.EqualValues(t, 1, dossierCount(t, db, other))

		rollback := errors.New("rolled back")
		require.ErrorIs(t, db.Transaction(func(tx *gorm.DB) error {
			require.NoError(t, tx.Create(newApplication(campaign, "annulé", nil)).Error)
			return rollback
		}), rollback)
		require.EqualValues(t, 3, dossierCount(t, db, campaign), "the count moves with the rows or not at all")

		undone, _, err := s.Create(ctx, newApplication(campaign, "défait", nil))
		require.NoError(t, err)
		require.EqualValues(t, 4, dossierCount(t, db, campaign))
		require.NoError(t, s.Delete(ctx, undone.ID))
		require.EqualValues(t, 3, dossierCount(t, db, campaign), "a filing undone leaves the count")

		stale.Title = "AAP intégration 2027"
		require.NoError(t, db.Save(stale).Error)
		require.EqualValues(t, 3, dossierCount(t, db, campaign), "a call saved from an older read keeps the count")
		var n int64
		require.NoError(t, db.Model(&models.Application{}).Where("campaign_id = ?", campaign).Count(&n).Error)
		require.Equal(t, n, dossierCount(t, db, campaign))
	})
}

// The migration counts the dossiers each call already holds; the next filing adds to it.
func TestDossierCountMigrationCountsTheCallsDossiers(t *testing.T) {
	db, err := store.Open("", t.TempDir(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close(db) })
	require.NoError(t, store.MigrateTo(db, "2026121020_state_recorded_at")) // the last migration before the count
	full, empty := newCampaign("69", nil), newCampaign("13", nil)
	require.NoError(t, db.Create(full).Error)
	require.NoError(t, db.Create(empty).Error)
	for i := range 3 {
		at := time.Date(2027, 3, 1, 9, i, 0, 0, time.UTC)
		require.NoError(t, db.Table("applications").Create(map[string]any{"id": fmt.Sprint("old-", i), "campaign_id": full.ID,
			"workflow_id": fmt.Sprint("wf-", i), "year": 2027, "association_key": fmt.Sprint("siret:", i), "title_key": "t",
			"reference": fmt.Sprint("OLD-", i), "state": models.ApplicationDeposited, "created_at": at, "updated_at": at}).Error)
	}

	require.NoError(t, store.Migrate(db))
	require.EqualValues(t, 3, dossierCount(t, db, full.ID))
	require.Zero(t, dossierCount(t, db, empty.ID))
	_, _, err = store.NewApplications(db).Create(context.Background(), newApplication(full.ID, "nouveau", nil))
	require.NoError(t, err)
	require.EqualValues(t, 4, dossierCount(t, db, full.ID))
}

// A page of summaries says which dossiers a renewal block in force holds, final or
// provisional; a lifted block holds none.
func TestSummariesFlagTheBlocksInForce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s, reports := store.NewApplications(db), store.NewFinancialReports(db)
		campaign := callID(t, db)
		var ids []string
		for _, title := range []string{"libre", "bloqué", "provisoire", "levé"} {
			a, _, err := s.Create(ctx, newApplication(campaign, title, nil))
			require.NoError(t, err)
			ids = append(ids, a.ID)
		}
		lifted := time.Date(2027, 4, 1, 0, 0, 0, 0, time.UTC)
		for i, b := range []models.RenewalBlock{
			{ApplicationID: ids[1], Rule: "pne_missed", Source: "pne:2026"},
			{ApplicationID: ids[2], Rule: "pne_missed", Source: "pne:2027", Provisional: true},
			{ApplicationID: ids[3], Rule: "pne_missed", Source: "pne:2026", LiftedAt: &lifted},
		} {
			b.AssociationKey, b.Reason, b.Lift = "siret:73282932000074", "raison", "levée"
			_, err := reports.Block(ctx, &b)
			require.NoError(t, err, i)
		}
		page, err := s.Summaries(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 10})
		require.NoError(t, err)
		require.Len(t, page, 4)
		got := map[string][2]bool{}
		for _, a := range page {
			got[a.ID] = [2]bool{a.Blocked, a.BlockedProvisionally}
		}
		require.Equal(t, map[string][2]bool{ids[0]: {}, ids[1]: {true, false}, ids[2]: {false, true}, ids[3]: {}}, got)
	})
}
