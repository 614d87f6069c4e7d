package api

import (
	"fmt"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// The CTAI pages (§3.4): the year's requests with the engine's proposed opinion,
// each request's page with every rule explained and the coherence figures, and
// DIAN's opinion form — POST /api/v1/ctai/{id}/opinion's service: the request
// workflow's Update, whose validator demands the motivation (ctai.CheckDecision),
// one opinion winning. A correspondent reads its department's requests, as on the
// API, and gives no opinion (403).
type ctaiPages struct {
	agentPages
	svc *CTAIService
}

var (
	ctaiListTemplate = agentPageTemplate("ctai_list.html")
	ctaiTemplate     = agentPageTemplate("ctai.html")
)

const (
	routeCTAIRequest = "GET /api/v1/ctai/:id"
	routeCTAIOpinion = "POST /api/v1/ctai/:id/opinion"
)

func registerCTAIPages(g *gin.RouterGroup, a agentPages, svc *CTAIService) {
	h := ctaiPages{agentPages: a, svc: svc}
	// The list reads the requests as the summary table (GET /api/v1/ctai/{year}.xlsx) does: narrowed to the agent's departments.
	g.GET("/ctai", a.as(listing), h.list)
	g.GET("/ctai/:id", a.as(apiRule(routeCTAIRequest)), h.request)
	g.POST("/ctai/:id/avis", a.as(apiRule(routeCTAIOpinion)), h.opinion)
}

type ctaiListPage struct {
	web.Chrome
	Year     int
	Years    []int
	Requests []ctaiRow
}

type ctaiRow struct {
	models.CTAIRequest
	Kind, Place, State, Proposed, Opinion string
}

func (h ctaiPages) list(c *gin.Context) {
	year := policy.DateOf(h.web.Now()).Year
	if s := c.Query("annee"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 9999 {
			h.fail(c, http.StatusUnprocessableEntity, "Année invalide : saisissez une année sur quatre chiffres, par exemple 2027.")
			return
		}
		year = y
	}
	rows, err := h.svc.Requests.ListYear(c.Request.Context(), year)
	if err != nil {
		h.failWith(c, err)
		return
	}
	page := ctaiListPage{Chrome: h.web.Chrome(c, fmt.Sprintf("Demandes CTAI %d", year), web.Crumb{Label: fmt.Sprintf("CTAI %d", year)}), Year: year}
	for y := year - 2; y <= year+1; y++ {
		page.Years = append(page.Years, y)
	}
	scope := readScope(c)
	for _, r := range rows {
		if scope.Covers(models.LevelDepartmental, r.Territory) {
			page.Requests = append(page.Requests, ctaiRowOf(r))
		}
	}
	web.Render(c, http.StatusOK, ctaiListTemplate, page)
}

func ctaiRowOf(r models.CTAIRequest) ctaiRow {
	return ctaiRow{CTAIRequest: r, Kind: ctai.KindLabel(r.Kind), Place: territory.Label(r.Territory, false),
		State: ctaiStateLabel(r.State), Proposed: opinionLabel(r.ProposedOpinion), Opinion: opinionLabel(r.Opinion)}
}

func ctaiStateLabel(s string) string {
	switch s {
	case models.CTAIFiled:
		return "déposée, en cours d'examen par le moteur"
	case models.CTAIProposed:
		return "avis proposé, en attente de l'avis de la DIAN"
	case models.CTAIReviewed:
		return "avis de la DIAN rendu"
	}
	return s
}

func opinionLabel(o string) string {
	switch o {
	case ctai.OpinionFavourable:
		return "favorable"
	case ctai.OpinionUnfavourable:
		return "défavorable"
	}
	return "—"
}

type ctaiPage struct {
	web.Chrome
	Request  ctaiRow
	Outcomes []ctaiOutcome
	Figures  []ctaiFigure
	Lines    []string
	// Form: DIAN's opinion form on a proposed request.
	Form           bool
	Action, CSRF   string
	Fields         []*pageField
	Message, Error string
	Others         []string
	// CeilingEUR is the new contract's ceiling above which a favourable opinion is motivated.
	Ceiling string
}

type ctaiOutcome struct {
	Label   string
	Passed  bool
	Message string
	Missing []string
}

type ctaiFigure struct{ Label, Value string }

var opinionLabels = map[string]string{"opinion": "Avis", "delegated_eur": "Montant délégué", "motivation": "Motivation"}

func (h ctaiPages) request(c *gin.Context) {
	h.show(c, http.StatusOK, pageOutcome{})
}

// show renders a request's page; out is a refused opinion's outcome, the typed values kept.
func (h ctaiPages) show(c *gin.Context, status int, out pageOutcome) {
	v, err := h.svc.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		h.failWith(c, err)
		return
	}
	r := v.CTAIRequest
	title := fmt.Sprintf("Demande CTAI de %s (%s %d)", r.CollectiviteName, ctai.KindLabel(r.Kind), r.Year)
	page := ctaiPage{Chrome: h.web.Chrome(c, title, web.Crumb{Label: fmt.Sprintf("CTAI %d", r.Year), Href: fmt.Sprintf("/ctai?annee=%d", r.Year)},
		web.Crumb{Label: r.CollectiviteName}),
		Request: ctaiRowOf(*r), Message: out.Message, Error: out.Error}
	if c.Query("enregistre") == "avis" && out.Error == "" {
		page.Message = "L'avis de la DIAN est enregistré ; la collectivité et le correspondant en sont informés par courriel."
	}
	for _, o := range r.Outcomes {
		page.Outcomes = append(page.Outcomes, ctaiOutcome{Label: ctai.RuleLabel(o.Rule), Passed: o.Passed, Message: o.Message, Missing: o.Missing})
	}
	if co := r.Coherence; co != nil {
		page.Lines = co.Lines
		page.Figures = coherenceFigures(*co)
	}
	if pol, err := h.svc.Policies.ForYear(r.Year); err == nil {
		page.Ceiling = french.Euros(pol.CTAI.NewContractMaxEUR * 100)
	}
	if r.State == models.CTAIProposed && mayCall(c, routeCTAIOpinion) {
		page.Form, page.Action = true, "/ctai/"+c.Param("id")+"/avis"
		page.CSRF = h.csrf(c, page.Action)
		page.Fields = opinionFields(c, out.Error != "", page.Ceiling)
		page.Others = formErrors(page.Fields, out.Fields, opinionLabels)
	}
	web.Render(c, status, ctaiTemplate, page)
}

func coherenceFigures(co ctai.Coherence) []ctaiFigure {
	figs := []ctaiFigure{
		{"Financement demandé à l'État", french.Euros(co.StateFundingCents)},
		{"dont part de l'État dans le poste de coordinateur", french.Euros(co.CoordinatorStateCents)},
		{"Signataires du CIR couverts", strconv.Itoa(co.CIRCount)},
		{"Financement par signataire du CIR", french.Euros(co.CentsPerCIR)},
	}
	if co.EnvelopeCents > 0 {
		figs = append(figs, ctaiFigure{"Enveloppe nationale des CTAI", french.Euros(co.EnvelopeCents)})
	}
	return append(figs, ctaiFigure{"Déjà délégué par les avis favorables de l'année", french.Euros(co.EnvelopeUsedCents)})
}

func opinionFields(c *gin.Context, refused bool, ceiling string) []*pageField {
	typed := func(name string) string {
		if !refused {
			return ""
		}
		return c.PostForm(name)
	}
	return []*pageField{
		{Kind: "radio", ID: "opinion", Name: "opinion", Label: "Avis de la DIAN", Value: typed("opinion"), Required: true,
			Options: []pageOption{{ctai.OpinionFavourable, "Favorable"}, {ctai.OpinionUnfavourable, "Défavorable"}}},
		{Kind: "text", ID: "delegated_eur", Name: "delegated_eur", Label: "Montant délégué, en euros (avis favorable)",
			Hint:  "Par exemple 90 000,00 ; au plus le financement demandé à l'État. Vide pour un avis défavorable.",
			Value: typed("delegated_eur"), InputMode: "decimal", MaxLength: 20},
		{Kind: "textarea", ID: "motivation", Name: "motivation", Label: "Motivation",
			Hint: "Obligatoire pour un avis défavorable, pour un avis favorable contraire à l'avis proposé, au-delà de " + ceiling +
				" délégués (§3.5) et au-delà de l'enveloppe nationale ; au plus 4 000 caractères.",
			Value: typed("motivation"), MaxLength: 4000},
	}
}

// opinion answers DIAN's opinion form: the API's service (the workflow's Update and its validator).
func (h ctaiPages) opinion(c *gin.Context) {
	body := CTAIOpinionBody{Opinion: c.PostForm("opinion"), Motivation: c.PostForm("motivation")}
	if s := c.PostForm("delegated_eur"); s != "" {
		body.DelegatedEUR = typedAmount(s)
	}
	_, err := h.svc.Decide(c.Request.Context(), c.Param("id"), &body, "")
	if out, refused := outcomeOf(err); refused {
		h.show(c, out.Status, out)
		return
	}
	if err != nil {
		h.failWith(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/ctai/"+c.Param("id")+"?enregistre=avis")
}
