package web

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"
)

// devSignInPath is `aap dev`'s sign-in: no provider, the agent is chosen from
// the list. Only `aap dev` without AAP_OIDC_ISSUER registers it; `aap api`
// refuses to start without a provider.
const devSignInPath = "/connexion/dev"

// devSignIn answers POST /connexion/dev: the chosen active agent gets a session, as after the provider.
func (p *pages) devSignIn(c *gin.Context) {
	if !CheckCSRF(p.links, devSignInPath, c.PostForm(CSRFField), p.d.Now()) {
		p.signInRefused(c, http.StatusForbidden, "Ce formulaire a expiré : recommencez.")
		return
	}
	id, err := strconv.ParseUint(c.PostForm("agent"), 10, 64)
	if err != nil {
		p.signInRefused(c, http.StatusUnprocessableEntity, "Agent : choisissez un agent dans la liste.")
		return
	}
	agent, err := p.agents.Get(c.Request.Context(), id)
	if err != nil || !agent.Active {
		p.signInRefused(c, http.StatusUnprocessableEntity, "Agent : cet agent n'existe pas ou est désactivé.")
		return
	}
	if err := p.startSession(c, agent, "", "", "dev"); err != nil {
		p.d.Logger.Error("dev sign-in", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La connexion n'a pas pu aboutir ; l'incident est journalisé.")
		return
	}
	c.Redirect(http.StatusSeeOther, "/")
}
