package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// The PNE pages (§8.4): the year's structures with what to fix, each structure's
// page with its address correction. A correspondent sees its territory's
// structures; the addresses are DIAN's and the departments' correspondents' to
// correct (a region's correspondent reads them: the README's access table).
type pnePages struct {
	agentPages
	svc *PNEService
}

var (
	pneListTemplate      = agentPageTemplate("pne.html")
	pneStructureTemplate = agentPageTemplate("pne_structure.html")
)

// The API routes whose rules the address form and the addition form follow.
const (
	routeCorrectEmail = "PATCH /api/v1/pne/:year/structures/:id"
	routeAddStructure = "POST /api/v1/pne/:year/structures"
)

func registerPNEPages(g *gin.RouterGroup, a agentPages, svc *PNEService) {
	h := pnePages{agentPages: a, svc: svc}
	g.GET("/pne", a.as(apiRule("GET /api/v1/pne/:year/structures")), h.thisYear)
	g.GET("/pne/:year", a.as(apiRule("GET /api/v1/pne/:year/structures")), h.list)
	g.POST("/pne/:year/structures", a.as(apiRule(routeAddStructure)), h.add)
	g.GET("/pne/:year/structures/:id", a.as(readingOne(targetPNEStructure)), h.structure)
	g.POST("/pne/:year/structures/:id", a.as(apiRule(routeCorrectEmail)), h.correct)
}

// thisYear sends to the PNE of the year asked (?annee=, the year chooser's) or of the current year.
func (h pnePages) thisYear(c *gin.Context) {
	year := policy.DateOf(h.web.Now()).Year
	if y, err := strconv.Atoi(c.Query("annee")); err == nil && y >= 2000 && y <= 9999 {
		year = y
	}
	c.Redirect(http.StatusSeeOther, "/pne/"+strconv.Itoa(year))
}

// pageYear reads :year; a malformed one is a page that does not exist.
func (h pnePages) pageYear(c *gin.Context) (int, bool) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 2000 || year > 9999 {
		h.failWith(c, errNotFound)
		return 0, false
	}
	return year, true
}

type pneListPage struct {
	web.Chrome
	Year       int
	Years      []int
	FundedIn   int
	Summary    PNESummary
	Problems   []store.PNEProblem
	Structures []pneRow
	// Add is the form adding a structure by hand (§8.4), for those who may.
	Add *pneAddForm
}

type pneRow struct {
	models.PNEStructure
	Place    string
	Answered string
	Problem  bool
}

func (h pnePages) list(c *gin.Context) {
	h.showList(c, http.StatusOK, pageOutcome{}, nil)
}

// showList renders the year's list; typed is the addition sent back with its refusal.
func (h pnePages) showList(c *gin.Context, status int, out pageOutcome, typed url.Values) {
	year, ok := h.pageYear(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	scope := *readScope(c)
	list, err := h.svc.List(ctx, year, scope)
	if err != nil {
		h.failWith(c, err)
		return
	}
	summary, err := h.svc.Summary(ctx, year, scope)
	if err != nil {
		h.failWith(c, err) // a year without rules: no PNE
		return
	}
	flagged := map[uint64]bool{}
	for _, p := range list.Problems {
		flagged[p.StructureID] = true
	}
	page := pneListPage{Chrome: h.web.Chrome(c, fmt.Sprintf("%s (envoyé en %d) : structures interrogées", selection.PNEName(year), year), web.Crumb{Label: selection.PNEName(year)}),
		Year: year, FundedIn: year - 1, Summary: summary, Problems: list.Problems}
	for y := year - 2; y <= year+1; y++ {
		page.Years = append(page.Years, y)
	}
	for _, r := range list.Items {
		page.Structures = append(page.Structures, pneRow{PNEStructure: r, Place: structurePlace(r),
			Answered: answeredText(r), Problem: flagged[r.ID]})
	}
	if mayCall(c, routeAddStructure) {
		action := fmt.Sprintf("/pne/%d/structures", year)
		page.Add = newPNEAddForm(h.csrf(c, action), action, out, typed)
		if c.Query("ajoutee") != "" && out.Error == "" {
			page.Add.Message = "La structure est ajoutée à la liste, avec son motif : le questionnaire lui sera envoyé."
		}
	}
	web.Render(c, status, pneListTemplate, page)
}

// add answers the addition form: the API's addition (POST …/structures), its rules, its audit.
func (h pnePages) add(c *gin.Context) {
	year, ok := h.pageYear(c)
	if !ok {
		return
	}
	if err := c.Request.ParseForm(); err != nil {
		h.failWith(c, err)
		return
	}
	form := c.Request.PostForm
	req := PNEStructureRequest{SIRET: form.Get("siret"), RNA: form.Get("rna"), Name: form.Get("name"),
		Email: form.Get("email"), Department: form.Get("department"), Reason: form.Get("reason")}
	if n := strings.TrimSpace(form.Get("funded_actions")); n != "" {
		v, err := strconv.Atoi(n)
		if err != nil {
			v = 0 // not a number: refused as out of range, the typed text sent back
		}
		req.FundedActions = &v
	}
	row, err := h.svc.AddStructure(c.Request.Context(), year, &req, manageableDepartment(c))
	if out, refused := outcomeOf(err); refused {
		h.showList(c, out.Status, out, form)
		return
	}
	if err != nil {
		h.failWith(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/pne/%d?ajoutee=%d#ajout", year, row.ID))
}

func structurePlace(r models.PNEStructure) string {
	if r.Department != "" {
		return territory.Label(r.Department, false)
	}
	return territory.Label(r.Region, true)
}

// answeredText: a confirmed answer (late if after the closure), or the association's
// own declaration awaiting confirmation (§8.4), or none.
func answeredText(r models.PNEStructure) string {
	switch {
	case r.AnsweredAt != nil && r.AnsweredLate:
		return "Oui, en retard, le " + french.DateTime(*r.AnsweredAt)
	case r.AnsweredAt != nil:
		return "Oui, le " + french.DateTime(*r.AnsweredAt)
	case r.DeclaredAt != nil:
		return "Déclarée par l'association le " + french.DateTime(*r.DeclaredAt) + ", à confirmer"
	}
	return "Pas encore"
}

type pneStructurePage struct {
	web.Chrome
	Year      int
	Structure models.PNEStructure
	Place     string
	Answered  string
	Problems  []store.PNEProblem
	// Form: the address correction, for those who may make it.
	Form            bool
	CSRF, Action    string
	Email           pageField
	Message, Error  string
	Others          []string
	ReadOnlyMessage string
}

func (h pnePages) structure(c *gin.Context) {
	h.showStructure(c, http.StatusOK, pageOutcome{}, "")
}

// showStructure renders a structure's page; typed is the address sent back with its refusal.
func (h pnePages) showStructure(c *gin.Context, status int, out pageOutcome, typed string) {
	year, ok := h.pageYear(c)
	if !ok {
		return
	}
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		h.failWith(c, errNotFound)
		return
	}
	ctx := c.Request.Context()
	row, err := h.svc.Structures.Get(ctx, year, id)
	if err != nil {
		h.failWith(c, err)
		return
	}
	list, err := h.svc.List(ctx, year, *readScope(c))
	if err != nil {
		h.failWith(c, err)
		return
	}
	path := c.Request.URL.Path
	page := pneStructurePage{
		Chrome: h.web.Chrome(c, row.AssociationName, web.Crumb{Label: selection.PNEName(year), Href: fmt.Sprintf("/pne/%d", year)},
			web.Crumb{Label: row.AssociationName}),
		Year: year, Structure: *row, Place: structurePlace(*row), Answered: answeredText(*row),
		Form: mayCall(c, routeCorrectEmail), Action: path,
		Message: out.Message, Error: out.Error,
	}
	if c.Query("enregistre") == "adresse" && out.Error == "" {
		page.Message = "L'adresse est corrigée : le questionnaire partira à cette adresse."
	}
	for _, p := range list.Problems {
		if p.StructureID == row.ID {
			page.Problems = append(page.Problems, p)
		}
	}
	if !page.Form {
		page.ReadOnlyMessage = "L'adresse d'une structure est corrigée par le correspondant de son département ou par la DIAN."
	} else {
		page.CSRF = h.csrf(c, path)
		value := row.Email
		if out.Error != "" {
			value = typed
		}
		page.Email = pageField{Kind: "email", ID: "email", Name: "email", Label: "Adresse électronique de la structure",
			Hint:  "Une adresse unique par structure (§8.4) : le questionnaire PNE et ses relances y sont envoyés.",
			Value: value, Autocomplete: "email", MaxLength: 254, Required: true}
		page.Others = formErrors([]*pageField{&page.Email}, out.Fields, nil)
	}
	web.Render(c, status, pneStructureTemplate, page)
}

// correct answers the address form: the API's correction (PATCH …/structures/{id}), its rules, its audit.
func (h pnePages) correct(c *gin.Context) {
	year, ok := h.pageYear(c)
	if !ok {
		return
	}
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		h.failWith(c, errNotFound)
		return
	}
	typed := strings.TrimSpace(c.PostForm("email"))
	_, err = h.svc.CorrectEmail(c.Request.Context(), year, id, &PNEEmailRequest{Email: typed})
	if out, refused := outcomeOf(err); refused {
		h.showStructure(c, out.Status, out, typed)
		return
	}
	if err != nil {
		h.failWith(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, c.Request.URL.Path+"?enregistre=adresse")
}
