package auth_test

import (
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
)

// A read writes the token's last use at most once per auth.TouchEvery: a use just
// before the span ends issues no UPDATE, the use at its end records itself.
func TestAuthenticateRecordsLastUseOncePerSpan(t *testing.T) {
	db := storetest.SQLite(t)
	var updates atomic.Int32
	require.NoError(t, db.Callback().Update().Before("gorm:update").Register("test:count", func(d *gorm.DB) {
		if d.Statement.Table == "api_tokens" {
			updates.Add(1)
		}
	}))
	tokens := store.NewTokens(db)
	secret, tok, err := auth.Issue(t.Context(), tokens, auth.NewToken{Name: "DIAN", Role: auth.RoleDIAN}, now)
	require.NoError(t, err)
	lastUsed := func() time.Time {
		got, err := tokens.ByHash(t.Context(), tok.Hash)
		require.NoError(t, err)
		require.NotNil(t, got.LastUsedAt)
		return got.LastUsedAt.UTC()
	}

	_, err = auth.Authenticate(t.Context(), tokens, secret, now)
	require.NoError(t, err)
	assert.Equal(t, int32(1), updates.Load(), "the first use is recorded")
	assert.Equal(t, now, lastUsed())

	_, err = auth.Authenticate(t.Context(), tokens, secret, now.Add(auth.TouchEvery-time.Second))
	require.NoError(t, err)
	assert.Equal(t, int32(1), updates.Load(), "a use within the span writes nothing")
	assert.Equal(t, now, lastUsed())

	at := now.Add(auth.TouchEvery)
	_, err = auth.Authenticate(t.Context(), tokens, secret, at)
	require.NoError(t, err)
	assert.Equal(t, int32(2), updates.Load(), "the use at the span's end is recorded")
	assert.Equal(t, at, lastUsed())
}

// Two replicas that both read a stale last use write it once: the second UPDATE
// finds the row already recorded within the span and changes nothing.
func TestTouchKeepsTheFirstUseOfASpan(t *testing.T) {
	db := storetest.SQLite(t)
	tokens := store.NewTokens(db)
	_, tok, err := auth.Issue(t.Context(), tokens, auth.NewToken{Name: "DIAN", Role: auth.RoleDIAN}, now)
	require.NoError(t, err)
	require.NoError(t, tokens.Touch(t.Context(), tok.ID, now, auth.TouchEvery))
	require.NoError(t, tokens.Touch(t.Context(), tok.ID, now.Add(time.Second), auth.TouchEvery))
	got, err := tokens.ByHash(t.Context(), tok.Hash)
	require.NoError(t, err)
	assert.Equal(t, now, got.LastUsedAt.UTC())
}
