package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

func TestFinancialReportOverdueBlocksUntilReceived(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewFinancialReports(db)
		due := time.Date(2028, time.June, 30, 21, 59, 59, 0, time.UTC)
		expected := func() *models.FinancialReport {
			return &models.FinancialReport{ConventionID: "conv-1", ApplicationID: "app-1", AssociationKey: "siret:1", FiscalYear: 2027, DueAt: due}
		}
		r, err := s.Expect(ctx, expected())
		require.NoError(t, err)
		again, err := s.Expect(ctx, expected())
		require.NoError(t, err)
		require.Equal(t, r.ID, again.ID, "expected once")

		missing, err := s.Missing(ctx, []string{"siret:1"})
		require.NoError(t, err)
		require.Empty(t, missing, "not overdue before the last reminder")

		isMissing, err := s.RecordMissing(ctx, "conv-1", due.Add(30*24*time.Hour))
		require.NoError(t, err)
		require.True(t, isMissing)
		missing, err = s.Missing(ctx, []string{"siret:1", "siret:2"})
		require.NoError(t, err)
		require.Len(t, missing["siret:1"], 1)
		require.Empty(t, missing["siret:2"])

		block := &models.RenewalBlock{ApplicationID: "app-2", AssociationKey: "siret:1", Rule: models.BlockFinancialReport,
			Source: "convention:conv-1", SourceYear: 2027, SourceConventionID: "conv-1", Reason: "manque", Lift: "envoyer"}
		_, err = s.Block(ctx, block)
		require.NoError(t, err)
		dup := *block
		dup.ID = 0
		_, err = s.Block(ctx, &dup)
		require.NoError(t, err)
		blocks, err := s.Blocks(ctx, "app-2")
		require.NoError(t, err)
		require.Len(t, blocks, 1, "one block per dossier, rule and source")
		require.Nil(t, blocks[0].LiftedAt)

		receipt := store.Receipt{At: due.Add(40 * 24 * time.Hour), SpentCents: 1_200_000, SubsidyUsedCents: 1_000_000, DocumentReference: "CRF-2027-1"}
		got, first, err := s.Receive(ctx, expected(), receipt)
		require.NoError(t, err)
		require.True(t, first)
		require.NotNil(t, got.ReceivedAt)
		require.True(t, got.Overdue, "received late: the history keeps it overdue")
		blocks, err = s.Blocks(ctx, "app-2")
		require.NoError(t, err)
		require.NotNil(t, blocks[0].LiftedAt, "sending the report lifts its block")
		missing, err = s.Missing(ctx, []string{"siret:1"})
		require.NoError(t, err)
		require.Empty(t, missing)

		_, first, err = s.Receive(ctx, expected(), receipt)
		require.NoError(t, err)
		require.False(t, first, "the same report again changes nothing")
		other := receipt
		other.SpentCents++
		_, _, err = s.Receive(ctx, expected(), other)
		require.ErrorIs(t, err, store.ErrReportDiffers)

		isMissing, err = s.RecordMissing(ctx, "conv-1", due)
		require.NoError(t, err)
		require.False(t, isMissing, "a received report is never recorded missing")
	})
}

func TestFinancialReportReceivedBeforeItIsExpected(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewFinancialReports(db)
		exp := &models.FinancialReport{ConventionID: "conv-9", ApplicationID: "app-9", AssociationKey: "siret:9", FiscalYear: 2027,
			DueAt: time.Date(2028, time.June, 30, 22, 0, 0, 0, time.UTC)}
		_, first, err := s.Receive(ctx, exp, store.Receipt{At: time.Now(), SpentCents: 5, SubsidyUsedCents: 5})
		require.NoError(t, err)
		require.True(t, first)
		r, err := s.Expect(ctx, &models.FinancialReport{ConventionID: "conv-9", ApplicationID: "app-9"})
		require.NoError(t, err)
		require.NotNil(t, r.ReceivedAt, "the workflow's expectation finds the report already received")
		isMissing, err := s.RecordMissing(ctx, "conv-9", time.Now())
		require.NoError(t, err)
		require.False(t, isMissing)
	})
}
