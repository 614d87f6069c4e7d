package web

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
)

func TestCSRFTokenIsBoundToItsPathAndExpires(t *testing.T) {
	s, err := auth.NewLinkSigner([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	now := time.Date(2027, 7, 1, 10, 0, 0, 0, time.UTC)
	token, err := CSRFToken(s, "/liens/abc", now)
	require.NoError(t, err)

	require.True(t, CheckCSRF(s, "/liens/abc", token, now))
	require.True(t, CheckCSRF(s, "/liens/abc", token, now.Add(CSRFLife-time.Second)), "just before expiry")
	require.False(t, CheckCSRF(s, "/liens/abc", token, now.Add(CSRFLife)), "expired")
	require.False(t, CheckCSRF(s, "/liens/abd", token, now), "another path")
	require.False(t, CheckCSRF(s, "/liens/abc", "", now), "no token")
	require.False(t, CheckCSRF(s, "/liens/abc", token[:len(token)-2], now), "tampered")
	link, err := s.Sign(auth.LinkDossier, "/liens/abc", now.Add(time.Hour))
	require.NoError(t, err)
	require.False(t, CheckCSRF(s, "/liens/abc", link, now), "a link's token is not a form's")
}
