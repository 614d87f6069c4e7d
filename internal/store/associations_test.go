package store_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// identified is a dossier of the association named by siret and/or rna.
func identified(campaignID, title, siret, rna string) *models.Application {
	a := newApplication(campaignID, title, nil)
	a.SIRET, a.RNA, a.AssociationKey = siret, rna, ""
	return a
}

// An association known by its RNA alone, which missed the PNE and owes a
// compte-rendu financier, files with its SIRET and RNA: its history moves to its
// SIREN's key (audited), and a later dossier by its RNA alone is the SIREN's.
// Another association's RNA keeps its own history.
func TestLinkingSIRETAndRNAKeepsTheAssociationsHistory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		apps, results, reports := store.NewApplications(db), store.NewPNEResults(db), store.NewFinancialReports(db)
		call := callID(t, db)
		first, _, err := apps.Create(ctx, identified(call, "ateliers", "", "W691234567"))
		require.NoError(t, err)
		require.Equal(t, "rna:W691234567", first.AssociationKey)
		require.NoError(t, results.Record(ctx, "rna:W691234567", 2026, false, nil))
		require.NoError(t, results.Record(ctx, "rna:W699999999", 2026, false, nil)) // another association
		due := time.Date(2026, 6, 30, 22, 0, 0, 0, time.UTC)
		require.NoError(t, db.Create(&models.FinancialReport{ConventionID: "c-1", ApplicationID: first.ID,
			AssociationKey: "rna:W691234567", FiscalYear: 2026, DueAt: due, Overdue: true, OverdueAt: &due}).Error)

		both, _, err := apps.Create(ctx, identified(call, "cours de français", "73282932000074", "W691234567"))
		require.NoError(t, err)
		require.Equal(t, "siren:732829320", both.AssociationKey)

		missed, err := results.MissedYears(ctx, []string{"siren:732829320", "rna:W691234567", "rna:W699999999"})
		require.NoError(t, err)
		assert.Equal(t, map[string][]int{"siren:732829320": {2026}, "rna:W699999999": {2026}}, missed)
		owed, err := reports.Missing(ctx, []string{"siren:732829320"})
		require.NoError(t, err)
		assert.Len(t, owed["siren:732829320"], 1)
		moved, err := apps.Get(ctx, first.ID)
		require.NoError(t, err)
		assert.Equal(t, "siren:732829320", moved.AssociationKey)

		var audit []models.AuditEntry
		require.NoError(t, db.Where("entity = ? AND action = ?", store.AuditAssociation, "identifiers_linked").Find(&audit).Error)
		require.Len(t, audit, 1)
		assert.Equal(t, "siren:732829320", audit[0].EntityID)
		assert.Contains(t, audit[0].Before, "rna:W691234567")

		later, created, err := apps.Create(ctx, identified(callID(t, db), "ateliers", "", "W691234567"))
		require.NoError(t, err)
		require.True(t, created)
		assert.Equal(t, "siren:732829320", later.AssociationKey)
		other, _, err := apps.Create(ctx, identified(call, "ateliers", "", "W699999999"))
		require.NoError(t, err)
		assert.Equal(t, "rna:W699999999", other.AssociationKey)
	})
}

// A SIRET then another establishment's SIRET of the same SIREN: one association.
func TestTwoEstablishmentsOfOneSIRENAreOneAssociation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		apps := store.NewApplications(db)
		call := callID(t, db)
		a, _, err := apps.Create(ctx, identified(call, "ateliers", "73282932000074", ""))
		require.NoError(t, err)
		b, created, err := apps.Create(ctx, identified(call, "ateliers", "73282932000082", ""))
		require.NoError(t, err)
		assert.False(t, created)
		assert.Equal(t, a.ID, b.ID)
	})
}

// The dossiers, PNE history and comptes-rendus recorded before association identity
// move to one key per association: a whole SIRET to its SIREN, an RNA a dossier
// gave with a SIRET to that SIREN; two results of one year merge (answered wins);
// titles are folded anew and a dossier duplicating another in its call is kept,
// distinct and audited.
func TestAssociationIdentityMigrationBackfills(t *testing.T) {
	db, err := store.Open("", t.TempDir(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close(db) })
	require.NoError(t, store.MigrateTo(db, "2026120761_application_agir_assessment")) // the last migration before association identity
	call := newCampaign("69", nil)
	require.NoError(t, db.Omit("StateRecordedAt").Create(call).Error)
	t0 := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	n := 0
	old := func(id, key, siret, rna, title string) {
		n++
		require.NoError(t, db.Table("applications").Create(map[string]any{"id": id, "campaign_id": call.ID,
			"workflow_id": "wf-" + id, "year": 2027, "association_key": key, "siret": siret, "rna": rna,
			"title": title, "title_key": title, "reference": "OLD-" + id,
			"state": models.ApplicationDeposited, "created_at": t0.Add(time.Duration(n) * time.Hour), "updated_at": t0}).Error)
	}
	old("plain", "siret:73282932000074", "73282932000074", "", "Ateliers à Lyon")
	old("nfd", "siret:73282932000074", "73282932000074", "", "Ateliers a\u0300 Lyon")
	old("rna-only", "rna:W691234567", "", "W691234567", "Cours")
	old("both", "siret:73282932000082", "73282932000082", "W691234567", "Autre projet")
	old("stranger", "rna:W699999999", "", "W699999999", "Cours")
	answered := t0
	for _, r := range []map[string]any{
		{"association_key": "siret:73282932000074", "year": 2026, "answered": false},
		{"association_key": "rna:W691234567", "year": 2026, "answered": true, "answered_at": answered},
		{"association_key": "rna:W691234567", "year": 2025, "answered": false},
		{"association_key": "rna:W699999999", "year": 2026, "answered": false},
	} {
		require.NoError(t, db.Table("pne_results").Create(r).Error)
	}

	require.NoError(t, store.Migrate(db))
	keys := map[string]string{}
	titles := map[string]string{}
	var rows []models.Application
	require.NoError(t, db.Find(&rows).Error)
	for _, r := range rows {
		keys[r.ID], titles[r.ID] = r.AssociationKey, r.TitleKey
	}
	assert.Equal(t, map[string]string{"plain": "siren:732829320", "nfd": "siren:732829320", "rna-only": "siren:732829320",
		"both": "siren:732829320", "stranger": "rna:W699999999"}, keys)
	assert.Equal(t, "ateliers à lyon", titles["plain"])
	assert.Equal(t, "ateliers à lyon #nfd", titles["nfd"], "the duplicate is kept, distinct")

	missed, err := store.NewPNEResults(db).MissedYears(context.Background(), []string{"siren:732829320", "rna:W699999999"})
	require.NoError(t, err)
	assert.Equal(t, map[string][]int{"siren:732829320": {2025}, "rna:W699999999": {2026}}, missed,
		"2026: answered under the RNA, missed under the SIRET: one association that answered")
	var links []models.AssociationIdentifier
	require.NoError(t, db.Order("identifier").Find(&links).Error)
	got := map[string]string{}
	for _, l := range links {
		got[l.Identifier] = l.AssociationKey
	}
	assert.Equal(t, map[string]string{"siren:732829320": "siren:732829320", "rna:W691234567": "siren:732829320",
		"rna:W699999999": "rna:W699999999"}, got)
	var dup models.AuditEntry
	require.NoError(t, db.Where("entity = ? AND entity_id = ? AND action = ?", store.AuditApplication, "nfd", "identified_as_duplicate").Take(&dup).Error)
	assert.Contains(t, dup.After, "plain")

	// A dossier filed now by the RNA alone is the SIREN's.
	a, _, err := store.NewApplications(db).Create(context.Background(), identified(call.ID, "nouveau projet", "", "W691234567"))
	require.NoError(t, err)
	assert.Equal(t, "siren:732829320", a.AssociationKey)
}
