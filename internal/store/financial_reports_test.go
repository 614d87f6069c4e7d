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

		isMissing, err := s.RecordMissing(ctx, "conv-1", 2027, due.Add(30*24*time.Hour))
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

		isMissing, err = s.RecordMissing(ctx, "conv-1", 2027, due)
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
		r, err := s.Expect(ctx, &models.FinancialReport{ConventionID: "conv-9", ApplicationID: "app-9", FiscalYear: 2027})
		require.NoError(t, err)
		require.NotNil(t, r.ReceivedAt, "the workflow's expectation finds the report already received")
		isMissing, err := s.RecordMissing(ctx, "conv-9", 2027, time.Now())
		require.NoError(t, err)
		require.False(t, isMissing)
	})
}

// A CPO owes one report per yearly tranche (§8.2, §8.4): each is expected, recorded
// missing and received on its own, and receiving one lifts only its own block.
func TestFinancialReportTranchesBlockOneByOne(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewFinancialReports(db)
		tranche := func(n, year int) *models.FinancialReport {
			return &models.FinancialReport{ConventionID: "conv-cpo", ConventionReference: "CONV-2027-69-CPO00001", ApplicationID: "app-1",
				AssociationKey: "siren:1", FiscalYear: year, Tranche: n, AmountCents: int64(n) * 1_000_000,
				DueAt: time.Date(year+1, time.June, 30, 21, 59, 59, 0, time.UTC)}
		}
		for n, year := range []int{2027, 2028, 2029} {
			r, err := s.Expect(ctx, tranche(n+1, year))
			require.NoError(t, err)
			require.Equal(t, year, r.FiscalYear)
			require.Equal(t, n+1, r.Tranche)
		}
		all, err := s.OfConvention(ctx, "conv-cpo")
		require.NoError(t, err)
		require.Len(t, all, 3, "one report per tranche")
		again, err := s.Expect(ctx, tranche(2, 2028))
		require.NoError(t, err)
		require.Equal(t, all[1].ID, again.ID, "each tranche expected once")

		for _, year := range []int{2027, 2028} {
			isMissing, err := s.RecordMissing(ctx, "conv-cpo", year, time.Date(year+1, time.July, 30, 0, 0, 0, 0, time.UTC))
			require.NoError(t, err)
			require.True(t, isMissing)
		}
		missing, err := s.Missing(ctx, []string{"siren:1"})
		require.NoError(t, err)
		require.Len(t, missing["siren:1"], 2, "tranches 2027 and 2028 missing, 2029 not yet due")
		for _, r := range missing["siren:1"] {
			_, err := s.Block(ctx, &models.RenewalBlock{ApplicationID: "app-new", AssociationKey: "siren:1", Rule: models.BlockFinancialReport,
				Source: models.ReportSource(r), SourceYear: r.FiscalYear, SourceConventionID: r.ConventionID, Reason: "manque", Lift: "envoyer"})
			require.NoError(t, err)
		}
		blocks, err := s.Blocks(ctx, "app-new")
		require.NoError(t, err)
		require.Len(t, blocks, 2, "one block per missing tranche")
		require.Equal(t, "convention:conv-cpo/2027", blocks[0].Source)

		_, first, err := s.Receive(ctx, tranche(1, 2027), store.Receipt{At: time.Now(), SpentCents: 900_000, SubsidyUsedCents: 900_000, DocumentReference: "CRF-2027"})
		require.NoError(t, err)
		require.True(t, first)
		blocks, err = s.Blocks(ctx, "app-new")
		require.NoError(t, err)
		require.NotNil(t, blocks[0].LiftedAt, "tranche 2027's report lifts its block")
		require.Nil(t, blocks[1].LiftedAt, "not tranche 2028's")
		r, err := s.ByConvention(ctx, "conv-cpo", 2028)
		require.NoError(t, err)
		require.Nil(t, r.ReceivedAt, "receiving one tranche's report receives no other")

		_, _, err = s.Receive(ctx, tranche(2, 2028), store.Receipt{At: time.Now(), SpentCents: 2_000_000, SubsidyUsedCents: 2_000_000, DocumentReference: "CRF-2028"})
		require.NoError(t, err)
		blocks, err = s.Blocks(ctx, "app-new")
		require.NoError(t, err)
		require.NotNil(t, blocks[1].LiftedAt, "tranche 2028's report lifts its block")
		missing, err = s.Missing(ctx, []string{"siren:1"})
		require.NoError(t, err)
		require.Empty(t, missing)
	})
}
