package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
)

// One write clears the start intents of the dossiers named, and only theirs: the others
// stay pending for the reconciler.
func TestApplicationsWorkflowsStartedClearsTheNamedIntentsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		campaign := callID(t, db)
		ids := make([]string, 3)
		for i, title := range []string{"ateliers", "permanences", "sorties"} {
			a := newApplication(campaign, title, nil)
			a.WorkflowPending = true
			a.CreatedAt = time.Now().Add(-time.Hour)
			_, created, err := s.Create(ctx, a)
			require.NoError(t, err)
			require.True(t, created)
			ids[i] = a.ID
		}
		require.NoError(t, s.WorkflowsStarted(ctx, nil), "no dossier: nothing written")
		require.NoError(t, s.WorkflowsStarted(ctx, ids[:2]))
		pending, err := s.StartPending(ctx, time.Now())
		require.NoError(t, err)
		require.Len(t, pending, 1)
		assert.Equal(t, ids[2], pending[0].ID)
	})
}
