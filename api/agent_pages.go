package api

import (
	"errors"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// agentForms are the agents' forms that act on a call: create it, record the
// committee's selection, cancel it. They call the same services as the API, so
// the same rules, the same audit (the signed-in person is the request's actor,
// web.AgentKit) and the same refusals, shown in French next to their field.
// They live here, not in internal/web, because they call this package's services.
type agentForms struct {
	kit         web.AgentKit
	campaigns   *CampaignService
	selection   *SelectionService
	conventions *store.Conventions
}

// registerAgentForms adds the forms behind the dashboard's sign-in (web.Deps.AgentPages).
func registerAgentForms(g *gin.RouterGroup, kit web.AgentKit, d Deps) {
	f := agentForms{kit: kit, campaigns: d.Campaigns, selection: d.Selection, conventions: store.NewConventions(d.DB)}
	forms := g.Group("", kit.RequireCSRF)
	forms.GET(web.PathNewCall, f.newCall)
	forms.POST(web.PathNewCall, f.createCall)
	forms.GET("/campagnes/:id/selection", f.selectionForm)
	forms.POST("/campagnes/:id/selection", f.recordSelection)
	forms.GET("/campagnes/:id/annulation", f.cancelForm)
	forms.POST("/campagnes/:id/annulation", f.cancelCall)
}

// managedCall is the call of the path's :id when the viewer runs it; elsewhere (or
// unknown) a 404, as the API answers a call outside the caller's manage scope.
func (f agentForms) managedCall(c *gin.Context) (*models.Campaign, bool) {
	camp, err := f.campaigns.Campaigns.Get(c.Request.Context(), c.Param("id"))
	if err == nil && !f.kit.Viewer(c).ManageScope().Covers(camp.Level, camp.Territory) {
		f.campaigns.Logger.Warn("call form outside the viewer's scope: answered 404", "campaign", camp.ID,
			"viewer", f.kit.Viewer(c).String(), "request_id", c.GetString(requestIDKey))
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		f.kit.Fail(c, http.StatusNotFound, "Cet appel à projets n'existe pas.")
		return nil, false
	}
	if err != nil {
		f.fail(c, err)
		return nil, false
	}
	return camp, true
}

// fail answers a refusal the form cannot show next to a field: the service's French
// message with its status (404, 409, 503…), or a logged 500.
func (f agentForms) fail(c *gin.Context, err error) {
	var p *Problem
	if !errors.As(err, &p) || p.Status >= http.StatusInternalServerError && p.Status != http.StatusServiceUnavailable {
		f.campaigns.Logger.Error("agent form", "error", err, "request_id", c.GetString(requestIDKey))
		f.kit.Fail(c, http.StatusInternalServerError, "L'opération n'a pas abouti ; l'incident est journalisé.")
		return
	}
	f.kit.Fail(c, p.Status, p.Message)
}

// fieldErrors groups a refusal's messages by field, "a ; b" when a field breaks two rules.
type fieldErrors map[string]string

func (fe fieldErrors) add(field, message string) {
	if fe[field] == "" {
		fe[field] = message
	} else {
		fe[field] += " ; " + message
	}
}

// problemFields are the refusal's field errors when err is a 422 carrying them.
func problemFields(err error) ([]FieldError, bool) {
	var p *Problem
	if errors.As(err, &p) && p.Status == http.StatusUnprocessableEntity && len(p.Fields) > 0 {
		return p.Fields, true
	}
	return nil, false
}

// capitalised starts a rule's message with a capital, as a sentence shown alone.
func capitalised(s string) string {
	for i, r := range s {
		return strings.ToUpper(string(r)) + s[i+len(string(r)):]
	}
	return s
}

func asProblem(err error, p **Problem) bool { return errors.As(err, p) }
