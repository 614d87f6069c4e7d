package web

import (
	"time"

	"github.com/dian-p104/aap/internal/auth"
)

// Every form of the pages carries a CSRF token (CSRFField): a signed, expiring
// token (auth.LinkSigner, the links' secret) naming the path the form posts to.
// A page the association reached by its link posts back to that same path, so
// the token is bound to the link's own secret: another site that does not know
// the link cannot make one, and a token of one link is refused on another.
const (
	// CSRFField is the name of the forms' hidden token field.
	CSRFField  = "csrf"
	csrfAction = "form"
	// CSRFLife is how long a page's form stays valid after it was shown.
	CSRFLife = 4 * time.Hour
)

// CSRFToken is the token of a form posting to path, shown at now.
func CSRFToken(s *auth.LinkSigner, path string, now time.Time) (string, error) {
	return s.Sign(csrfAction, path, now.Add(CSRFLife))
}

// CheckCSRF reports whether token is a valid, unexpired token of a form posting to path.
func CheckCSRF(s *auth.LinkSigner, path, token string, now time.Time) bool {
	l, err := s.Verify(token, now)
	return err == nil && l.Action == csrfAction && l.Item == path
}

// An agent's form (AgentKit: the call, selection, cancellation, PNE, controls, CTAI,
// audit and agents pages) carries the same token, bound to the signed-in agent as
// well as to the path: a token shown to one agent is refused from another's session.

// AgentFormToken is the token of a form posting to path, shown to agent at now.
func AgentFormToken(s *auth.LinkSigner, agent auth.Principal, path string, now time.Time) (string, error) {
	return CSRFToken(s, agentFormItem(agent, path), now)
}

// checkAgentForm reports whether token is a valid, unexpired token of agent's form posting to path.
func checkAgentForm(s *auth.LinkSigner, agent auth.Principal, path, token string, now time.Time) bool {
	return CheckCSRF(s, agentFormItem(agent, path), token, now)
}

func agentFormItem(agent auth.Principal, path string) string { return path + "|" + agent.String() }
