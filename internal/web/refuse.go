package web

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/textinput"
)

// refuseInput answers a page request whose parameters or form hold a refused
// text (textinput.Middleware): a French page, status 422, naming each field;
// the sign-in form comes back with the error under its field.
func (p *pages) refuseInput(c *gin.Context, refusals []textinput.Refusal) {
	parts := make([]string, len(refusals))
	for i, r := range refusals {
		label := r.Field
		if r.Field == "jeton" {
			label = "Jeton d'accès"
		}
		parts[i] = label + " : " + r.Message
	}
	message := "Votre saisie n'est pas acceptée (" + strings.Join(parts, " ; ") + ")."
	if c.Request.Method == http.MethodPost && c.FullPath() == "/connexion" {
		p.render(c, http.StatusUnprocessableEntity, "signin.html", p.signInPageWith(message))
		return
	}
	p.fail(c, http.StatusUnprocessableEntity, message)
}
