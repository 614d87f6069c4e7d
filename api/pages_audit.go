package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// The audit trail's page (DIAN only, as GET /api/v1/audit): every change, newest
// first, with the API's filters (entity, entity_id, actor, from, to) and pages.
type auditPages struct {
	agentPages
	audit *store.Audit
}

var auditTemplate = agentPageTemplate("audit.html")

func registerAuditPages(g *gin.RouterGroup, a agentPages, audit *store.Audit) {
	h := auditPages{agentPages: a, audit: audit}
	g.GET("/journal", a.as(apiRule("GET /api/v1/audit")), h.list)
}

// auditEntities name the trail's entities in French, in the filter's order.
var auditEntities = []pageOption{
	{"", "Toutes"},
	{store.AuditCampaign, "Appels à projets"},
	{store.AuditApplication, "Dossiers"},
	{store.AuditConvention, "Conventions"},
	{store.AuditPNEStructure, "Structures du PNE"},
	{store.AuditCTAIRequest, "Demandes CTAI"},
	{store.AuditControl, "Contrôles sur place"},
	{store.AuditControlSynthesis, "Synthèses régionales des contrôles"},
	{store.AuditToken, "Jetons d'accès"},
	{store.AuditAgent, "Agents"},
}

type auditPage struct {
	web.Chrome
	Fields         []*pageField
	Entries        []auditRow
	Total          int64
	Page, Pages    int
	Previous, Next string
	Error          string
	Others         []string
	Message        string
}

type auditRow struct {
	models.AuditEntry
	At, Entity string
}

func (h auditPages) list(c *gin.Context) {
	f, v := auditFilter(c)
	page := auditPage{Chrome: h.web.Chrome(c, "Journal d'audit", web.Crumb{Label: "Journal d'audit"})}
	page.Fields = []*pageField{
		{Kind: "select", ID: "entity", Name: "entity", Label: "Objet", Value: c.Query("entity"), Options: auditEntities},
		{Kind: "text", ID: "entity_id", Name: "entity_id", Label: "Identifiant de l'objet", Hint: "Par exemple l'identifiant d'un appel ou d'une convention.",
			Value: c.Query("entity_id"), MaxLength: 64},
		{Kind: "text", ID: "actor", Name: "actor", Label: "Auteur", Hint: "Le nom de l'agent ou du jeton, « workflow » pour le moteur.",
			Value: c.Query("actor"), MaxLength: 200},
		{Kind: "date", ID: "from", Name: "from", Label: "Du", Hint: "Au format AAAA-MM-JJ (heure de Paris).", Value: c.Query("from")},
		{Kind: "date", ID: "to", Name: "to", Label: "Au (inclus)", Hint: "Au format AAAA-MM-JJ (heure de Paris).", Value: c.Query("to")},
	}
	if v.failed() {
		page.Error = "Les filtres ne sont pas valides : corrigez les champs indiqués."
		page.Others = formErrors(page.Fields, v.errs, map[string]string{"page": "Page", "page_size": "Taille de page"})
		web.Render(c, http.StatusUnprocessableEntity, auditTemplate, page)
		return
	}
	entries, total, err := h.audit.List(c.Request.Context(), f)
	if err != nil {
		h.failWith(c, err)
		return
	}
	labels := map[string]string{}
	for _, o := range auditEntities {
		labels[o.Value] = o.Label
	}
	for _, e := range entries {
		label := labels[e.Entity]
		if label == "" {
			label = e.Entity
		}
		page.Entries = append(page.Entries, auditRow{AuditEntry: e, At: french.DateTime(e.At), Entity: label})
	}
	page.Total, page.Page = total, f.Offset/f.Limit+1
	page.Pages = int((total + int64(f.Limit) - 1) / int64(f.Limit))
	if page.Page > 1 {
		page.Previous = pageLink(c, page.Page-1)
	}
	if page.Page < page.Pages {
		page.Next = pageLink(c, page.Page+1)
	}
	web.Render(c, http.StatusOK, auditTemplate, page)
}

// pageLink is the trail's page n with the same filters.
func pageLink(c *gin.Context, n int) string {
	q := url.Values{}
	for k, vs := range c.Request.URL.Query() {
		if k != "page" && len(vs) > 0 && vs[0] != "" {
			q.Set(k, vs[0])
		}
	}
	q.Set("page", strconv.Itoa(n))
	return fmt.Sprintf("/journal?%s", q.Encode())
}
