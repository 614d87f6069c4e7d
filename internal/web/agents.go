package web

import (
	"time"

	"github.com/gin-gonic/gin"
)

// The PNE, controls, CTAI and audit pages' forms (api's pages_agent.go) carry a
// CSRF token bound to the signed-in agent as well as to the path: a token shown
// to one agent is refused from another's session.

// AgentCSRF is the token of a form posting to path, shown to the signed-in agent.
func (k AgentKit) AgentCSRF(c *gin.Context, path string) (string, error) {
	return CSRFToken(k.p.links, agentCSRFItem(c, path), k.p.d.Now())
}

// CheckAgentCSRF reports whether the posted form carries a valid token of path for the signed-in agent.
func (k AgentKit) CheckAgentCSRF(c *gin.Context, path string) bool {
	return CheckCSRF(k.p.links, agentCSRFItem(c, path), c.PostForm(CSRFField), k.p.d.Now())
}

// Now is the dashboard's clock.
func (k AgentKit) Now() time.Time { return k.p.d.Now() }

func agentCSRFItem(c *gin.Context, path string) string { return path + "|" + viewer(c).String() }
