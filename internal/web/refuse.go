package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/textinput"
)

// refuseInput answers a page request whose parameters or form hold a refused
// text (textinput.Middleware): a French page, status 422, naming each field;
// the dev sign-in form comes back with the error.
func (p *pages) refuseInput(c *gin.Context, refusals []textinput.Refusal) {
	parts := make([]string, len(refusals))
	for i, r := range refusals {
		parts[i] = r.Field + " : " + r.Message
	}
	message := "Votre saisie n'est pas acceptée (" + strings.Join(parts, " ; ") + ")."
	if c.FullPath() == devSignInPath || c.FullPath() == "/connexion" || c.FullPath() == loginPath {
		p.signInRefused(c, http.StatusUnprocessableEntity, message)
		return
	}
	p.fail(c, http.StatusUnprocessableEntity, message)
}
