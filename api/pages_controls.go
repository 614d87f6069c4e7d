package api

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// The on-site controls' pages (§8.5): a region's ranked candidates with their
// reasons and its controls, planning a candidate's control, and each control's
// page recording its result and its follow-up — the API's services, rules,
// access (a control is its convention's call's) and audit.
type controlPages struct {
	agentPages
	svc *ControlService
}

var (
	controlsChooseTemplate = agentPageTemplate("controls_choose.html")
	controlsTemplate       = agentPageTemplate("controls.html")
	controlPlanTemplate    = agentPageTemplate("control_plan.html")
	controlTemplate        = agentPageTemplate("control.html")
)

// The API routes whose rules the controls' forms follow.
const (
	routeCandidates     = "GET /api/v1/controls/:year/:region/candidates"
	routePlanControl    = "POST /api/v1/controls"
	routeControlResult  = "POST /api/v1/controls/:id/result"
	routeControlFollows = "POST /api/v1/controls/:id/follow-up"
)

func registerControlPages(g *gin.RouterGroup, a agentPages, svc *ControlService) {
	h := controlPages{agentPages: a, svc: svc}
	g.GET("/controles", a.as(apiRule("GET /api/v1/controls")), h.choose)
	g.GET("/controles/:year/:region", a.as(apiRule(routeCandidates)), h.candidates)
	g.GET("/controles/:year/:region/planifier/:convention", a.as(apiRule(routeCandidates)), h.planForm)
	// The service answers a convention outside the agent's territory as an unknown one (404), as on the API.
	g.POST("/controles/:year/:region/planifier/:convention", a.as(apiRule(routePlanControl)), h.plan)
	// An association funded through a CTAI (§8.5): its CTAI request and its key in the bilan.
	g.GET("/controles/:year/:region/planifier-ctai/:request/:association", a.as(apiRule(routeCandidates)), h.planForm)
	g.POST("/controles/:year/:region/planifier-ctai/:request/:association", a.as(apiRule(routePlanControl)), h.plan)
	g.GET("/controle/:id", a.as(readingOne(targetControl)), h.control)
	g.POST("/controle/:id/resultat", a.as(apiRule(routeControlResult)), h.result)
	g.POST("/controle/:id/suite", a.as(apiRule(routeControlFollows)), h.followUp)
}

type controlsChoosePage struct {
	web.Chrome
	Year    int
	Regions []territory.Region
}

// choose sends a correspondent to its region's candidates of the year (?annee=, or this
// year's); DIAN chooses the region.
func (h controlPages) choose(c *gin.Context) {
	year := policy.DateOf(h.web.Now()).Year
	if y, err := strconv.Atoi(c.Query("annee")); err == nil && y >= 2000 && y <= 9999 {
		year = y
	}
	region := c.Query("region")
	if p := principal(c); !p.IsDIAN() {
		region = p.Territory
		if p.Level == models.LevelDepartmental {
			dep, _ := territory.LookupDepartment(p.Territory)
			region = dep.RegionCode
		}
	}
	if region != "" {
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/controles/%d/%s", year, region))
		return
	}
	web.Render(c, http.StatusOK, controlsChooseTemplate, controlsChoosePage{
		Chrome: h.web.Chrome(c, fmt.Sprintf("Contrôles sur place %d", year), web.Crumb{Label: "Contrôles sur place"}),
		Year:   year, Regions: territory.Regions()})
}

type controlsPage struct {
	web.Chrome
	Year       int
	Region     string
	Candidates []candidateRow
	Controls   []controlRow
	// MayPlan: the agent plans controls (the API's POST /controls).
	MayPlan bool
}

type candidateRow struct {
	Candidate
	Place string
	// Name says what is controlled: « Convention C-69-1 — Association » or
	// « Toit commun (CTAI de Ville de Villeurbanne) »; PlanPath is its planning form.
	Name, PlanPath string
}

// candidateRowOf is a candidate as the pages show it.
func candidateRowOf(year int, region string, it Candidate) candidateRow {
	row := candidateRow{Candidate: it, Place: placeOf(region, it.Department),
		Name:     "Convention " + it.Reference + " — " + it.AssociationName,
		PlanPath: fmt.Sprintf("/controles/%d/%s/planifier/%s", year, region, it.ConventionID)}
	if it.Subject == control.SubjectCTAI {
		row.Name = it.AssociationName + " (CTAI de " + it.CollectiviteName + ")"
		row.PlanPath = fmt.Sprintf("/controles/%d/%s/planifier-ctai/%s/%s", year, region, it.CTAIRequestID, url.PathEscape(it.AssociationKey))
	}
	return row
}

// isCandidate: the form's path names this candidate.
func (it Candidate) isCandidate(c *gin.Context) bool {
	if c.Param("request") != "" {
		return it.Subject == control.SubjectCTAI && it.CTAIRequestID == c.Param("request") && it.AssociationKey == c.Param("association")
	}
	return it.Subject != control.SubjectCTAI && it.ConventionID == c.Param("convention")
}

type controlRow struct {
	ControlView
	Place, State, FollowUp string
}

// candidatesOf are the region's candidates the agent may see: a department's
// correspondent its department's, at their regional rank (as the API).
func (h controlPages) candidatesOf(c *gin.Context, year int, region string) (Candidates, error) {
	res, err := h.svc.Candidates(c.Request.Context(), year, region)
	if err != nil {
		return res, err
	}
	if scope := readScope(c); !scope.Covers(models.LevelRegional, region) {
		items := []Candidate{}
		for _, it := range res.Items {
			if it.Department != "" && scope.Covers(models.LevelDepartmental, it.Department) {
				items = append(items, it)
			}
		}
		res.Items = items
	}
	return res, nil
}

func (h controlPages) pageYear(c *gin.Context) (int, bool) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 2000 || year > 9999 {
		h.failWith(c, errNotFound)
		return 0, false
	}
	return year, true
}

func (h controlPages) candidates(c *gin.Context) {
	year, ok := h.pageYear(c)
	if !ok {
		return
	}
	region := c.Param("region")
	res, err := h.candidatesOf(c, year, region)
	if err != nil {
		h.failWith(c, err)
		return
	}
	all, err := h.svc.List(c.Request.Context(), store.ControlFilter{Year: year, Region: region})
	if err != nil {
		h.failWith(c, err)
		return
	}
	page := controlsPage{Chrome: h.web.Chrome(c, fmt.Sprintf("Contrôles sur place %d : %s", year, res.RegionName),
		web.Crumb{Label: "Contrôles sur place", Href: "/controles"}, web.Crumb{Label: fmt.Sprintf("%s %d", res.RegionName, year)}),
		Year: year, Region: region, MayPlan: mayCall(c, routePlanControl)}
	for _, it := range res.Items {
		page.Candidates = append(page.Candidates, candidateRowOf(year, region, it))
	}
	scope := readScope(c)
	for _, v := range all {
		if scope.CoversPlace(v.Region, v.Department) {
			page.Controls = append(page.Controls, controlRow{ControlView: v, Place: placeOf(v.Region, v.Department),
				State: control.StateLabel(v.State), FollowUp: followUpText(v.Control)})
		}
	}
	web.Render(c, http.StatusOK, controlsTemplate, page)
}

func placeOf(region, department string) string {
	if department != "" {
		return territory.Label(department, false)
	}
	return territory.Label(region, true)
}

func followUpText(c *models.Control) string {
	if c.State != models.ControlDone {
		return "—"
	}
	return control.FollowUpLabel(c.FollowUpKind) + " (" + control.FollowUpStateLabel(c.FollowUpState) + ")"
}

type controlPlanPage struct {
	web.Chrome
	Year      int
	Candidate candidateRow
	CSRF      string
	Action    string
	Fields    []*pageField
	Message   string
	Error     string
	Others    []string
}

var planLabels = map[string]string{"convention_id": "Convention", "ctai_request_id": "CTAI", "association_key": "Association",
	"planned_on": "Date du contrôle", "controller": "Contrôleur"}

func (h controlPages) planForm(c *gin.Context) {
	h.showPlan(c, http.StatusOK, pageOutcome{})
}

// showPlan renders a candidate's planning form; out is a refused post's outcome, the typed values kept.
func (h controlPages) showPlan(c *gin.Context, status int, out pageOutcome) {
	year, ok := h.pageYear(c)
	if !ok {
		return
	}
	res, err := h.candidatesOf(c, year, c.Param("region"))
	if err != nil {
		h.failWith(c, err)
		return
	}
	var cand *Candidate
	for i := range res.Items {
		if res.Items[i].isCandidate(c) {
			cand = &res.Items[i]
		}
	}
	if cand == nil {
		h.failWith(c, errNotFound) // not a candidate the agent sees
		return
	}
	if cand.ControlID != "" && status == http.StatusOK {
		c.Redirect(http.StatusSeeOther, "/controle/"+cand.ControlID)
		return
	}
	path := c.Request.URL.Path
	row := candidateRowOf(year, res.Region, *cand)
	title, crumb := "Planifier le contrôle de la convention "+cand.Reference, "Planifier "+cand.Reference
	if cand.Subject == control.SubjectCTAI {
		title, crumb = "Planifier le contrôle de "+row.Name, "Planifier "+cand.AssociationName
	}
	page := controlPlanPage{
		Chrome: h.web.Chrome(c, title,
			web.Crumb{Label: "Contrôles sur place", Href: "/controles"},
			web.Crumb{Label: fmt.Sprintf("%s %d", res.RegionName, year), Href: fmt.Sprintf("/controles/%d/%s", year, res.Region)},
			web.Crumb{Label: crumb}),
		Year: year, Candidate: row,
		CSRF: h.csrf(c, path), Action: path, Error: out.Error,
	}
	typed := func(name string) string {
		if out.Error == "" {
			return ""
		}
		return c.PostForm(name)
	}
	page.Fields = []*pageField{
		{Kind: "date", ID: "planned_on", Name: "planned_on", Label: "Date du contrôle", Hint: "Au format AAAA-MM-JJ, aujourd'hui ou plus tard : l'association est informée de la date par courriel.",
			Value: typed("planned_on"), Required: true},
		{Kind: "text", ID: "controller", Name: "controller", Label: "Contrôleur", Hint: "Nom et service de l'agent qui effectue le contrôle.",
			Value: typed("controller"), Autocomplete: "name", MaxLength: 300, Required: true},
	}
	page.Others = formErrors(page.Fields, out.Fields, planLabels)
	web.Render(c, status, controlPlanTemplate, page)
}

// plan answers the planning form: POST /api/v1/controls's service, rules and audit.
func (h controlPages) plan(c *gin.Context) {
	req := PlanRequest{ConventionID: c.Param("convention"), CTAIRequestID: c.Param("request"), AssociationKey: c.Param("association"),
		PlannedOn: strings.TrimSpace(c.PostForm("planned_on")), Controller: c.PostForm("controller")}
	view, _, err := h.svc.Plan(c.Request.Context(), req, principal(c).ManageScope())
	if out, refused := outcomeOf(err); refused {
		h.showPlan(c, out.Status, out)
		return
	}
	if err != nil {
		h.failWith(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/controle/"+view.ID+"?enregistre=planifie")
}

type controlPage struct {
	web.Chrome
	Control ControlView
	// What is controlled: the association, the project or CTAI, what it received.
	AssociationName, Project string
	GrantedCents             int64
	Place                    string
	Outcome                  string
	FollowUp                 string
	FollowKind               string
	// Result: the result form (a planned control, an agent who may record it); Follow: the follow-up's.
	Result, Follow           bool
	ResultAction, FollowPath string
	ResultCSRF, FollowCSRF   string
	ResultFields             []*pageField
	FollowFields             []*pageField
	Message, Error           string
	Others                   []string
}

var resultLabels = map[string]string{"outcome": "Résultat", "findings": "Constats", "done_on": "Date du contrôle",
	"follow_up.kind": "Suite", "follow_up.amount_eur": "Montant du reversement"}

var followLabels = map[string]string{"status": "État de la suite", "note": "Note", "recovered_eur": "Montant recouvré",
	"closed_on": "Date de clôture"}

var controlMessages = map[string]string{
	"planifie": "Le contrôle est planifié : l'association est informée de la date par courriel.",
	"resultat": "Le résultat du contrôle est enregistré.",
	"suite":    "La suite du contrôle est enregistrée.",
}

func (h controlPages) control(c *gin.Context) {
	h.showControl(c, http.StatusOK, "", pageOutcome{})
}

// showControl renders a control's page; form names the form a refused post came from.
func (h controlPages) showControl(c *gin.Context, status int, form string, out pageOutcome) {
	ctx := c.Request.Context()
	ctl, err := h.svc.Get(ctx, c.Param("id"))
	if err != nil {
		h.failWith(c, err)
		return
	}
	subject, err := h.subjectOf(c, ctl)
	if err != nil {
		h.failWith(c, err)
		return
	}
	base := "/controle/" + ctl.ID
	regionName := territory.Label(ctl.Region, true)
	page := controlPage{
		Chrome: h.web.Chrome(c, "Contrôle "+subject.of,
			web.Crumb{Label: "Contrôles sur place", Href: "/controles"},
			web.Crumb{Label: fmt.Sprintf("%s %d", regionName, ctl.Year), Href: fmt.Sprintf("/controles/%d/%s", ctl.Year, ctl.Region)},
			web.Crumb{Label: subject.crumb}),
		Control: controlView(ctl), AssociationName: subject.association, Project: subject.project, GrantedCents: subject.cents,
		Place:   placeOf(ctl.Region, ctl.Department),
		Outcome: control.OutcomeLabel(ctl.Outcome), FollowUp: followUpText(ctl), FollowKind: control.FollowUpLabel(ctl.FollowUpKind),
		Message: controlMessages[c.Query("enregistre")], Error: out.Error,
		ResultAction: base + "/resultat", FollowPath: base + "/suite",
	}
	if out.Error != "" {
		page.Message = ""
	}
	typed := func(f string, name string) string {
		if form != f {
			return ""
		}
		return c.PostForm(name)
	}
	if ctl.State == models.ControlPlanned && mayCall(c, routeControlResult) {
		page.Result, page.ResultCSRF = true, h.csrf(c, page.ResultAction)
		page.ResultFields = resultFields(typed)
		if form == "resultat" {
			page.Others = formErrors(page.ResultFields, out.Fields, resultLabels)
		}
	}
	open := ctl.FollowUpState == models.FollowUpStateOpen || ctl.FollowUpState == models.FollowUpStateInProgress
	if open && mayCall(c, routeControlFollows) {
		page.Follow, page.FollowCSRF = true, h.csrf(c, page.FollowPath)
		page.FollowFields = followFields(typed, ctl.FollowUpKind == models.FollowUpRepayment)
		if form == "suite" {
			page.Others = formErrors(page.FollowFields, out.Fields, followLabels)
		}
	}
	web.Render(c, status, controlTemplate, page)
}

// controlSubject is what a control's page says of its subject.
type controlSubject struct {
	of, crumb            string // « de la convention C-69 », its breadcrumb
	association, project string
	cents                int64
}

// subjectOf reads a control's subject: its convention and dossier, or its CTAI
// and what the bilan gives the association.
func (h controlPages) subjectOf(c *gin.Context, ctl *models.Control) (controlSubject, error) {
	ctx := c.Request.Context()
	if ctl.IsCTAI() {
		r, funded, err := h.svc.Controls.CTAIAssociation(ctx, ctl.CTAIRequestID, ctl.AssociationKey)
		if err != nil {
			return controlSubject{}, err
		}
		s := controlSubject{of: "de " + ctl.AssociationName + " (CTAI de " + r.CollectiviteName + ")", crumb: ctl.AssociationName,
			association: ctl.AssociationName, project: "Financée via le CTAI de " + r.CollectiviteName}
		if funded != nil {
			s.cents = funded.Cents
		}
		return s, nil
	}
	conv, err := h.svc.Conventions.Get(ctx, ctl.ConventionID)
	if err != nil {
		return controlSubject{}, err
	}
	app, err := h.svc.Applications.Get(ctx, conv.ApplicationID)
	if err != nil {
		return controlSubject{}, err
	}
	return controlSubject{of: "de la convention " + conv.Reference, crumb: conv.Reference, association: app.AssociationName,
		project: app.Title, cents: conv.GrantedCents}, nil
}

func resultFields(typed func(form, name string) string) []*pageField {
	v := func(name string) string { return typed("resultat", name) }
	return []*pageField{
		{Kind: "radio", ID: "outcome", Name: "outcome", Label: "Résultat du contrôle", Value: v("outcome"), Required: true,
			Options: []pageOption{{models.OutcomeCompliant, "Conforme"}, {models.OutcomeNonCompliant, "Non conforme"}}},
		{Kind: "textarea", ID: "findings", Name: "findings", Label: "Constats", Hint: "Ce que le contrôle a vérifié et relevé ; 2 à 5 000 caractères.",
			Value: v("findings"), MaxLength: 5000, Required: true},
		{Kind: "date", ID: "done_on", Name: "done_on", Label: "Date du contrôle (facultatif)", Hint: "Au format AAAA-MM-JJ ; aujourd'hui si vide, ni avant la date prévue ni dans le futur.",
			Value: v("done_on")},
		{Kind: "radio", ID: "follow_up-kind", Name: "follow_up.kind", Label: "Suite donnée", Hint: "Un contrôle non conforme appelle une suite.",
			Value: v("follow_up.kind"), Required: true,
			Options: []pageOption{{models.FollowUpNone, "Aucune"}, {models.FollowUpRepayment, "Demande de reversement"},
				{models.FollowUpCorrective, "Mesures correctives"}}},
		{Kind: "text", ID: "follow_up-amount_eur", Name: "follow_up.amount_eur", Label: "Montant du reversement demandé, en euros (reversement seulement)",
			Hint: "Par exemple 1 500,00 ; au plus le montant accordé par la convention.", Value: v("follow_up.amount_eur"), InputMode: "decimal", MaxLength: 20},
	}
}

func followFields(typed func(form, name string) string, repayment bool) []*pageField {
	v := func(name string) string { return typed("suite", name) }
	fields := []*pageField{
		{Kind: "radio", ID: "status", Name: "status", Label: "État de la suite", Value: v("status"), Required: true,
			Options: []pageOption{{models.FollowUpStateInProgress, "En cours"}, {models.FollowUpStateClosed, "Soldée"}}},
		{Kind: "textarea", ID: "note", Name: "note", Label: "Note (facultatif)", Hint: "Au plus 2 000 caractères.", Value: v("note"), MaxLength: 2000},
	}
	if repayment {
		fields = append(fields, &pageField{Kind: "text", ID: "recovered_eur", Name: "recovered_eur", Label: "Montant recouvré, en euros (suite soldée)",
			Hint: "Au plus le reversement demandé.", Value: v("recovered_eur"), InputMode: "decimal", MaxLength: 20})
	}
	return append(fields, &pageField{Kind: "date", ID: "closed_on", Name: "closed_on", Label: "Date de clôture (suite soldée, facultatif)",
		Hint: "Au format AAAA-MM-JJ ; aujourd'hui si vide.", Value: v("closed_on")})
}

// result answers the result form: POST /api/v1/controls/{id}/result's service and rules.
func (h controlPages) result(c *gin.Context) {
	req := ResultRequest{Outcome: c.PostForm("outcome"), Findings: c.PostForm("findings"), DoneOn: strings.TrimSpace(c.PostForm("done_on")),
		FollowUp: &FollowUpInput{Kind: c.PostForm("follow_up.kind"), AmountEUR: typedAmount(c.PostForm("follow_up.amount_eur"))}}
	_, err := h.svc.RecordResult(c.Request.Context(), c.Param("id"), req)
	h.after(c, "resultat", err)
}

// followUp answers the follow-up form: POST /api/v1/controls/{id}/follow-up's service and rules.
func (h controlPages) followUp(c *gin.Context) {
	req := FollowUpRequest{Status: c.PostForm("status"), Note: c.PostForm("note"),
		RecoveredEUR: typedAmount(c.PostForm("recovered_eur")), ClosedOn: strings.TrimSpace(c.PostForm("closed_on"))}
	_, err := h.svc.TrackFollowUp(c.Request.Context(), c.Param("id"), req)
	h.after(c, "suite", err)
}

// after shows a refused form again with its errors, or the control's page with its confirmation.
func (h controlPages) after(c *gin.Context, form string, err error) {
	if out, refused := outcomeOf(err); refused {
		h.showControl(c, out.Status, form, out)
		return
	}
	if err != nil {
		h.failWith(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, "/controle/"+c.Param("id")+"?enregistre="+form)
}
