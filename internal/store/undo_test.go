package store_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
)

// A filing whose workflow could not be started (503) is undone whole: no row,
// no « filed » entry, no double-funding flag left on the other call's dossier.
func TestRefusedFilingLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		first, _, err := s.Create(ctx, newApplication(callID(t, db), "ateliers", nil))
		require.NoError(t, err)
		refused, created, err := s.Create(ctx, newApplication(callID(t, db), "ateliers", nil))
		require.NoError(t, err)
		require.True(t, created)
		flagged, err := s.Get(ctx, first.ID)
		require.NoError(t, err)
		require.Equal(t, []string{refused.ID}, flagged.DoubleFundingWith, "flagged while it stood")
		require.Len(t, auditOf(t, db, store.AuditApplication, refused.ID), 1)

		require.NoError(t, s.Delete(ctx, refused.ID))
		_, err = s.Get(ctx, refused.ID)
		require.ErrorIs(t, err, store.ErrNotFound)
		require.Empty(t, auditOf(t, db, store.AuditApplication, refused.ID), "no « filed » entry")
		kept, err := s.Get(ctx, first.ID)
		require.NoError(t, err)
		require.Empty(t, kept.DoubleFundingWith, "no flag pointing at a dossier that does not exist")
		require.Len(t, auditOf(t, db, store.AuditApplication, first.ID), 1, "the other dossier's own entry stays")
	})
}

func TestRefusedCampaignLeavesNothing(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := store.NewCampaigns(db)
		c, _, err := s.Create(context.Background(), newCampaign("69", nil))
		require.NoError(t, err)
		require.Len(t, auditOf(t, db, store.AuditCampaign, c.ID), 1)
		require.NoError(t, s.Delete(context.Background(), c.ID))
		require.Empty(t, auditOf(t, db, store.AuditCampaign, c.ID))
		_, err = s.Get(context.Background(), c.ID)
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}
