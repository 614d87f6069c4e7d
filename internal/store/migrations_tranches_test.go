package store_test

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// The reports expected before CPO tranches were followed keep their row, take their
// convention's amount, and their kept file takes their year; a CPO's next tranche
// can then be expected beside the first.
func TestTrancheMigrationKeepsTheReportsAndTheirFiles(t *testing.T) {
	db, err := store.Open("", t.TempDir(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close(db) })
	require.NoError(t, store.MigrateTo(db, "2026120850_selection_drafts")) // the last migration before the tranches

	at := time.Date(2028, 3, 1, 9, 0, 0, 0, time.UTC)
	require.NoError(t, db.Table("conventions").Create(map[string]any{"id": "conv-1", "application_id": "app-1", "campaign_id": "c-1",
		"reference": "CONV-2027-69-0001", "kind": "pluriannuelle", "granted_cents": 1_500_000, "state": models.ConventionSigned,
		"created_at": at, "updated_at": at}).Error)
	require.NoError(t, db.Table("financial_reports").Create(map[string]any{"convention_id": "conv-1", "application_id": "app-1",
		"association_key": "siren:1", "fiscal_year": 2027, "due_at": at, "created_at": at, "updated_at": at}).Error)
	require.NoError(t, db.Table("report_documents").Create(map[string]any{"convention_id": "conv-1", "file_name": "cerfa.pdf",
		"content_type": "application/pdf", "size": 3, "sha256": "abc", "data": []byte("pdf"), "created_at": at}).Error)

	require.NoError(t, store.Migrate(db))
	ctx := context.Background()
	reports := store.NewFinancialReports(db)
	r, err := reports.ByConvention(ctx, "conv-1", 2027)
	require.NoError(t, err)
	require.EqualValues(t, 1_500_000, r.AmountCents, "the convention's amount")
	require.Zero(t, r.Tranche)
	doc, err := store.NewReportDocuments(db).Content(ctx, "conv-1", 2027)
	require.NoError(t, err)
	require.Equal(t, "pdf", string(doc.Data))

	_, err = reports.Expect(ctx, &models.FinancialReport{ConventionID: "conv-1", ApplicationID: "app-1", AssociationKey: "siren:1",
		FiscalYear: 2028, Tranche: 2, AmountCents: 1_000_000, DueAt: at.AddDate(1, 0, 0)})
	require.NoError(t, err)
	all, err := reports.OfConvention(ctx, "conv-1")
	require.NoError(t, err)
	require.Len(t, all, 2, "the next tranche beside the first")
}
