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
	"github.com/dian-p104/aap/models"
)

// A structure added by hand keeps its reason (1,000 characters fit) and who
// added it, audited; two concurrent additions of one association: one wins,
// the other gets the listed structure and ErrPNEStructureListed; a list drawn
// up later keeps the structure as added.
func TestPNEStructureAddedByHandOneWins(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := store.WithActor(context.Background(), store.Actor{Name: "Correspondant 69"})
		s := store.NewPNEStructures(db)
		add := store.PNEHandAddition{SIRET: "73282932000074", Name: "Café des langues", Email: "cafe@example.org",
			Department: "69", FundedActions: 2, Reason: strings.Repeat("é", 1000)}
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i := range errs {
			wg.Go(func() { _, errs[i] = s.AddByHand(ctx, 2027, add) })
		}
		wg.Wait()
		won := 0
		for _, err := range errs {
			if err == nil {
				won++
			} else {
				require.ErrorIs(t, err, store.ErrPNEStructureListed)
			}
		}
		require.Equal(t, 1, won, "one addition wins: %v", errs)
		row, err := s.AddByHand(ctx, 2027, add)
		require.ErrorIs(t, err, store.ErrPNEStructureListed)
		require.Equal(t, "siren:732829320", row.AssociationKey, "the listed structure comes with the refusal")
		require.Equal(t, "84", row.Region)
		require.Equal(t, "Correspondant 69", row.AddedBy)
		require.Len(t, []rune(row.AddedReason), 1000)

		var audits int64
		require.NoError(t, db.Model(&models.AuditEntry{}).Where("action = ?", "pne_structure_added").Count(&audits).Error)
		require.EqualValues(t, 1, audits)

		rows, err := s.BuildList(context.Background(), 2027)
		require.NoError(t, err)
		require.Len(t, rows, 1)
		require.Equal(t, 2, rows[0].FundedActions, "kept as added")
	})
}
