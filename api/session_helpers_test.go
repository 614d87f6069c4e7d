package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
)

// agentSession adds an active agent and opens a session for it, as a sign-in
// does; it returns the "aap_session=…" cookie a signed-in browser sends.
func (e *testEnv) agentSession(t *testing.T, n auth.NewAgent) string {
	t.Helper()
	a, err := auth.AddAgent(t.Context(), store.NewAgents(e.db), n)
	require.NoError(t, err)
	secret, err := web.OpenSession(t.Context(), store.NewAgentSessions(e.db), a, "", fixedNow)
	require.NoError(t, err)
	return (&http.Cookie{Name: web.SessionCookie, Value: secret}).String()
}
