package web

import (
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
)

// AgentKit is what the agent pages another package registers (Deps.AgentPages: api's
// forms, which call its services) share with this package's pages: who is signed in,
// the dashboard's chrome, the forms' CSRF tokens and the French error page.
type AgentKit struct{ p *pages }

// Viewer is the signed-in person (the session middleware put them in the context).
func (k AgentKit) Viewer(c *gin.Context) auth.Principal { return viewer(c) }

// Chrome is the dashboard's layout for a page titled title, below the overview when trail is given.
func (k AgentKit) Chrome(c *gin.Context, title string, trail ...Crumb) Chrome {
	return k.p.layoutFor(c, title, trail...)
}

// CSRF is the token of a form posting to path, shown to the signed-in agent, for the
// hidden field CSRFField (AgentFormToken: bound to the path and to the agent).
func (k AgentKit) CSRF(c *gin.Context, path string) (string, error) {
	return AgentFormToken(k.p.links, viewer(c), path, k.p.d.Now())
}

// CheckCSRF reports whether the posted form carries a valid token of the signed-in
// agent for the path it was posted to.
func (k AgentKit) CheckCSRF(c *gin.Context) bool {
	return checkAgentForm(k.p.links, viewer(c), c.Request.URL.Path, c.PostForm(CSRFField), k.p.d.Now())
}

// Now is the dashboard's clock.
func (k AgentKit) Now() time.Time { return k.p.d.Now() }

// Fail answers a French error page in the dashboard's layout.
func (k AgentKit) Fail(c *gin.Context, status int, message string) { k.p.fail(c, status, message) }

// actAsViewer makes the signed-in person the actor of what the request changes: the
// services read the principal and the audit trail's actor from the request's context,
// as they do for an API token (api's authenticate).
func actAsViewer(c *gin.Context) {
	v := viewer(c)
	ctx := auth.WithPrincipal(c.Request.Context(), v)
	ctx = store.WithActor(ctx, v.Actor(c.GetString("request_id")))
	c.Request = c.Request.WithContext(ctx)
	c.Next()
}

// refuseStaleForm answers a post whose CSRF token is missing, forged or expired: nothing is done.
func (k AgentKit) refuseStaleForm(c *gin.Context) {
	k.p.fail(c, http.StatusForbidden, "Ce formulaire a expiré ou ne vient pas de ce site : rien n'a été enregistré. "+
		"Rechargez la page et envoyez-le de nouveau.")
}

// RequireCSRF is the middleware of every agent form's POST: a post without a valid token is refused.
func (k AgentKit) RequireCSRF(c *gin.Context) {
	if c.Request.Method == http.MethodPost && !k.CheckCSRF(c) {
		k.refuseStaleForm(c)
		c.Abort()
		return
	}
	c.Next()
}
