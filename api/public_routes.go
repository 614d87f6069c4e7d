package api

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/internal/web"
)

// registerPublic adds the associations' public pages: the calls open now and soon
// (/appels), each call's page and its online filing form. No account: the form is
// guarded by its own token, a honeypot, a rate limit per address and size limits (filing.go).
func registerPublic(r *gin.Engine, d Deps, now func() time.Time) {
	calls := publicCalls{campaigns: store.NewCampaigns(d.DB), now: now, logger: d.Logger}
	g := r.Group(PathCalls, web.SecurityHeaders(), textinput.Middleware(refusePublicInput))
	g.GET("", calls.list)
	g.GET("/:id", calls.show)
	if d.Links != nil { // the form's token is signed with AAP_LINK_SECRET
		filing := filingHandlers{calls: calls, svc: d.Applications,
			guard: filingGuard{links: d.Links, limiter: auth.NewRateLimiter(filingsPerMinute), now: now}}
		g.GET("/:id/deposer", filing.form)
		g.POST("/:id/deposer", filing.file)
	}
}

// refusePublicInput answers a public page whose path or query holds a refused text
// (a control character, invalid UTF-8): a French page, status 422, nothing read.
func refusePublicInput(c *gin.Context, refusals []textinput.Refusal) {
	parts := make([]string, len(refusals))
	for i, r := range refusals {
		parts[i] = r.Field + " : " + r.Message
	}
	renderPublicError(c, http.StatusUnprocessableEntity, "Adresse refusée",
		"Votre demande n'est pas acceptée ("+strings.Join(parts, " ; ")+").")
}
