package web

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// Paths of the agents' pages about calls; api registers the forms (AgentPages).
const (
	PathCalls   = "/campagnes"
	PathNewCall = "/campagnes/nouvelle"
)

// CallPath is a call's page.
func CallPath(id string) string { return PathCalls + "/" + id }

// DossierPath is a dossier's page (its reference or ID).
func DossierPath(id string) string { return "/dossiers/" + id }

type callsPage struct {
	layout
	Calls []campaignRow
	More  int64
	// CanCreate: the viewer runs calls (DIAN, or a correspondent of its territory).
	CanCreate bool
}

// calls answers GET /campagnes: the calls the viewer may read, every year, newest first.
func (p *pages) calls(c *gin.Context) {
	v := viewer(c)
	scope := v.ReadScope()
	list, total, err := store.NewCampaigns(p.d.DB).List(c.Request.Context(), store.CampaignFilter{Limit: maxListed, Scope: &scope})
	if err != nil {
		p.d.Logger.Error("calls page", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La liste des appels n'a pas pu être lue ; l'incident est journalisé.")
		return
	}
	page := callsPage{layout: p.layoutFor(c, "Appels à projets", Crumb{Label: "Appels à projets"}),
		More: total - int64(len(list)), CanCreate: v.IsDIAN() || v.Territory != ""}
	for _, camp := range list {
		page.Calls = append(page.Calls, campaignRow{ID: camp.ID, Title: camp.Title, Phase: camp.Phase, Year: camp.Year,
			Territory: territory.Label(camp.Territory, camp.Level == models.LevelRegional), Budget: camp.BudgetCents})
	}
	p.render(c, http.StatusOK, "calls.html", page)
}

// registerAgentPages adds this package's reading pages about calls and dossiers.
func (p *pages) registerAgentPages(private *gin.RouterGroup) {
	private.GET(PathCalls, p.calls)
	private.GET("/dossiers/:id", p.dossier)
	private.GET("/dossiers/:id/pieces/:kind", p.attachment)
}
