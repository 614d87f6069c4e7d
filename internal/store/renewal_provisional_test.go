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

// A year is pending for an association on its list without an answer until the
// closure records its result; the closure's recheck settles a provisional block
// once, with its audit entry.
func TestProvisionalPNEBlocksPendingThenSettledOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		results, structures, reports := store.NewPNEResults(db), store.NewPNEStructures(db), store.NewFinancialReports(db)
		key := "siret:" + time.Now().Format("150405.000000")
		other := key + "-b"
		for _, k := range []string{key, other} {
			require.NoError(t, db.Create(&models.PNEStructure{Year: 2027, AssociationKey: k, AssociationName: k, Region: "84", Token: "tok-" + k}).Error)
		}
		pending, err := results.PendingYears(ctx, key, []int{2026, 2027})
		require.NoError(t, err)
		require.Equal(t, []int{2027}, pending, "on the 2027 list, no answer, not closed; 2026: not listed")

		var s models.PNEStructure
		require.NoError(t, db.Where("year = ? AND association_key = ?", 2027, other).Take(&s).Error)
		at := time.Date(2027, 5, 2, 10, 0, 0, 0, time.UTC)
		_, err = structures.RecordAnswer(ctx, 2027, s.ID, &at)
		require.NoError(t, err)
		pending, err = results.PendingYears(ctx, other, []int{2027})
		require.NoError(t, err)
		require.Empty(t, pending, "answered before the closure")

		review := time.Date(2027, 5, 31, 21, 59, 59, 0, time.UTC)
		stored, err := reports.Block(ctx, &models.RenewalBlock{ApplicationID: "app-" + key, AssociationKey: key, Rule: models.BlockPNE,
			Source: "pne:2027", SourceYear: 2027, Reason: "provisoire", Lift: "répondre", Provisional: true, ReviewAt: &review})
		require.NoError(t, err)
		require.True(t, stored.Provisional)
		blocks, err := reports.ProvisionalPNEBlocks(ctx, 2027)
		require.NoError(t, err)
		require.Len(t, blocks, 1)
		blocks, err = reports.ProvisionalPNEBlocks(ctx, 2026)
		require.NoError(t, err)
		require.Empty(t, blocks, "not on the 2026 list")

		_, _, err = structures.Close(ctx, 2027)
		require.NoError(t, err)
		pending, err = results.PendingYears(ctx, key, []int{2027})
		require.NoError(t, err)
		require.Empty(t, pending, "closed: the result is recorded")

		settled, err := reports.SettleProvisional(ctx, stored.ID, store.RecheckConfirmed, "définitif", review.Add(time.Second))
		require.NoError(t, err)
		require.True(t, settled)
		settled, err = reports.SettleProvisional(ctx, stored.ID, store.RecheckLifted, "", review.Add(time.Minute))
		require.NoError(t, err)
		require.False(t, settled, "settled once")
		got, err := reports.Blocks(ctx, "app-"+key)
		require.NoError(t, err)
		require.False(t, got[0].Provisional)
		require.Nil(t, got[0].LiftedAt)
		require.Equal(t, "définitif", got[0].Reason)
		require.NotNil(t, got[0].RecheckedAt)
		var n int64
		require.NoError(t, db.Model(&models.AuditEntry{}).Where("entity_id = ? AND action = ?", "app-"+key, "renewal_block_confirmed").Count(&n).Error)
		require.Equal(t, int64(1), n)
		_, err = reports.SettleProvisional(ctx, stored.ID, "maybe", "", review)
		require.Error(t, err)
	})
}
