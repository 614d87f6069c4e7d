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
	"github.com/dian-p104/aap/models"
)

// TestPurgeDeletesDeadSessionsOnly: a session expired at now, or revoked, is deleted; one
// expiring a second after now, and its agent's other live session, are kept.
func TestPurgeDeletesDeadSessionsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		a := &models.Agent{Email: "purge@interieur.gouv.fr", Role: "dian"}
		require.NoError(t, store.NewAgents(db).Create(ctx, a))
		sessions := store.NewAgentSessions(db)
		revokedAt := now.Add(-time.Hour)
		for _, s := range []models.AgentSession{
			{Hash: "expired-at-now", ExpiresAt: now},
			{Hash: "expired-before", ExpiresAt: now.Add(-8 * time.Hour)},
			{Hash: "revoked", ExpiresAt: now.Add(time.Hour), RevokedAt: &revokedAt},
			{Hash: "live-one-second", ExpiresAt: now.Add(time.Second)},
			{Hash: "live", ExpiresAt: now.Add(8 * time.Hour)},
		} {
			s.AgentID, s.CreatedAt = a.ID, now.Add(-9*time.Hour)
			require.NoError(t, sessions.Create(ctx, &s))
		}
		n, err := sessions.Purge(ctx, now)
		require.NoError(t, err)
		assert.EqualValues(t, 3, n)
		var kept []string
		require.NoError(t, db.Model(&models.AgentSession{}).Order("hash").Pluck("hash", &kept).Error)
		assert.Equal(t, []string{"live", "live-one-second"}, kept)
		_, _, err = sessions.Live(ctx, "live-one-second", now)
		assert.NoError(t, err, "a kept session still opens the pages")

		n, err = sessions.Purge(ctx, now)
		require.NoError(t, err)
		assert.Zero(t, n, "nothing more to purge")
	})
}
