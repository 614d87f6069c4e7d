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

func TestAgentFormTokenIsBoundToItsPathAndItsAgent(t *testing.T) {
	s, err := auth.NewLinkSigner([]byte("0123456789abcdef0123456789abcdef"))
	require.NoError(t, err)
	now := time.Date(2027, 7, 1, 10, 0, 0, 0, time.UTC)
	marie := auth.Principal{AgentID: 7, Role: auth.RoleCorrespondent, Level: "departmental", Territory: "69"}
	token, err := AgentFormToken(s, marie, "/campagnes/nouvelle", now)
	require.NoError(t, err)

	require.True(t, checkAgentForm(s, marie, "/campagnes/nouvelle", token, now.Add(CSRFLife-time.Second)), "just before expiry")
	require.False(t, checkAgentForm(s, marie, "/campagnes/nouvelle", token, now.Add(CSRFLife)), "expired")
	require.False(t, checkAgentForm(s, marie, "/agents", token, now), "another path")
	other := marie
	other.AgentID = 8
	require.False(t, checkAgentForm(s, other, "/campagnes/nouvelle", token, now), "another agent")
	plain, err := CSRFToken(s, "/campagnes/nouvelle", now)
	require.NoError(t, err)
	require.False(t, checkAgentForm(s, marie, "/campagnes/nouvelle", plain, now), "a token bound to the path alone")
}
