package api

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

var callFormPage = agentPage("agent_call.html")

// callForm is the call creation form, empty or sent back with each field's error.
type callForm struct {
	web.Chrome
	CSRF string
	// Fixed is the correspondent's own territory (the call's level and territory are theirs);
	// empty for DIAN, who chooses them.
	Fixed  string
	Fields map[string]formField
	Themes []themeChoice
	// Demo offers the compressed calendar of `aap dev`.
	Demo   bool
	Errors []summaryError
}

// themeChoice is one theme's checkbox.
type themeChoice struct {
	Code, Label string
	Checked     bool
}

// callFieldOrder is the form's order, for the error summary.
var callFieldOrder = []string{"title", "level", "territory", "year", "budget_eur", "themes", "publish_at", "close_at",
	"agir_articulation", "indicators", "evaluation_criteria", "contact_email", "policy", "ds_demarche", "ds_instructeur", "ds_mapping"}

var callFieldLabels = map[string]string{
	"title": "Intitulé de l'appel", "level": "Niveau", "territory": "Territoire (code INSEE)", "year": "Année de la campagne",
	"budget_eur": "Enveloppe, en euros", "themes": "Thématiques financées", "publish_at": "Publication (heure de Paris)",
	"close_at": "Clôture (heure de Paris)", "agir_articulation": "Articulation avec le programme AGIR",
	"indicators": "Indicateurs de suivi", "evaluation_criteria": "Critères d'évaluation",
	"contact_email": "Adresse électronique de contact", "policy": "Règles appliquées",
	"ds_demarche": "Numéro de la démarche", "ds_instructeur": "Identifiant de l'instructeur",
	"ds_mapping": "Correspondance des champs",
}

func (f agentForms) newCall(c *gin.Context) {
	if !f.mayCreate(c) {
		return
	}
	values := map[string]string{"year": strconv.Itoa(policy.DateOf(f.campaigns.Now()).Year + 1)}
	f.renderCallForm(c, http.StatusOK, values, nil, nil)
}

// mayCreate: DIAN and a correspondent create calls; another role is answered 403.
func (f agentForms) mayCreate(c *gin.Context) bool {
	v := f.kit.Viewer(c)
	if v.IsDIAN() || (v.Role == auth.RoleCorrespondent && v.Territory != "") {
		return true
	}
	f.kit.Fail(c, http.StatusForbidden, "Votre rôle ne permet pas de créer un appel à projets.")
	return false
}

// createCall answers POST /campagnes/nouvelle: the call is created and its page shown,
// or the form comes back with each refused field's message and nothing stored.
func (f agentForms) createCall(c *gin.Context) {
	if !f.mayCreate(c) {
		return
	}
	req, values, themes, refused := readCallForm(c, f.kit.Viewer(c))
	if len(refused) == 0 && !f.kit.Viewer(c).ManageScope().Covers(req.Level, req.Territory) && isTerritory(req.Territory) {
		refused = append(refused, FieldError{Field: "territory", Rule: "outside_territory",
			Message: "ce territoire n'est pas le vôtre : un correspondant crée les appels de son territoire"})
	}
	var err error
	var res CreateResult
	if len(refused) == 0 {
		raw, _ := json.Marshal(req)
		res, err = f.campaigns.Create(c.Request.Context(), req, raw, "")
	}
	errs, isField := problemFields(err)
	if len(refused) > 0 || isField {
		f.renderCallForm(c, http.StatusUnprocessableEntity, values, themes, withRefusals(refused, errs))
		return
	}
	if err != nil {
		f.fail(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, web.CallPath(res.Campaign.ID)+"?cree=1")
}

// datetimeLocal is what a datetime-local field sends: a Paris date and time, seconds optional.
var datetimeLocal = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?$`)

// readCallForm reads the form as the API's request; a value the form cannot read
// (a year that is not a number, a date that is not one) is refused here.
func readCallForm(c *gin.Context, v auth.Principal) (*CampaignRequest, map[string]string, map[string]bool, []FieldError) {
	values := map[string]string{}
	for _, name := range callFieldOrder {
		values[name] = strings.TrimSpace(c.PostForm(formNameOf(name)))
	}
	req := &CampaignRequest{Level: values["level"], Territory: values["territory"], Title: values["title"],
		BudgetEUR: formAmount(values["budget_eur"]), AGIRArticulation: values["agir_articulation"],
		ContactEmail: values["contact_email"], Policy: values["policy"],
		Indicators: lines(values["indicators"]), EvaluationCriteria: lines(values["evaluation_criteria"])}
	if !v.IsDIAN() {
		req.Level, req.Territory = v.Level, v.Territory
	}
	src, refused := readDSSource(values)
	req.DemarchesSimplifiees = src
	if values["year"] != "" {
		if y, err := strconv.Atoi(values["year"]); err == nil {
			req.Year = y
		} else {
			refused = append(refused, FieldError{Field: "year", Rule: "integer", Message: "année sur quatre chiffres attendue, par exemple 2027"})
		}
	}
	themes := map[string]bool{}
	for _, t := range c.PostFormArray("themes") {
		req.Themes = append(req.Themes, t)
		themes[t] = true
	}
	for _, field := range []string{"publish_at", "close_at"} {
		s := values[field]
		if s == "" {
			continue
		}
		if !datetimeLocal.MatchString(s) {
			refused = append(refused, FieldError{Field: field, Rule: "format", Message: "date et heure attendues, par exemple le 1er mars 2027 à 9 h 00"})
			continue
		}
		if len(s) == 16 {
			s += ":00"
		}
		t, err := time.ParseInLocation("2006-01-02T15:04:05", s, french.Paris)
		if err != nil {
			refused = append(refused, FieldError{Field: field, Rule: "format", Message: "cette date n'existe pas"})
			continue
		}
		if field == "publish_at" {
			req.PublishAt = t.Format(time.RFC3339)
		} else {
			req.CloseAt = t.Format(time.RFC3339)
		}
	}
	return req, values, themes, refused
}

// listFormNames are the form's names of the API's two lists: one item a line, in a
// textarea whose name textinput accepts over several lines (textinput.LongTexts).
var listFormNames = map[string]string{"indicators": "indicateurs", "evaluation_criteria": "criteres"}

// formNameOf is the form's name of an API field.
func formNameOf(field string) string {
	if n, ok := listFormNames[field]; ok {
		return n
	}
	return field
}

// lines are a textarea's non-empty lines, one item each.
func lines(s string) []string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// callFieldOf is the form's field a refusal names: "themes[1]" is the themes' list.
func callFieldOf(name string) string {
	if i := strings.IndexByte(name, '['); i > 0 {
		return name[:i]
	}
	return name
}

func (f agentForms) renderCallForm(c *gin.Context, status int, values map[string]string, themes map[string]bool, errs []FieldError) {
	v := f.kit.Viewer(c)
	byField := fieldErrors{}
	for _, e := range errs {
		if field, msg, ok := dsFormFieldOf(e); ok {
			byField.add(field, msg)
		} else {
			byField.add(callFieldOf(e.Field), e.Message)
		}
	}
	field := func(kind, name, hint string, maxLength int) formField {
		return formField{Kind: kind, ID: name, Name: formNameOf(name), Label: callFieldLabels[name], Hint: hint, Value: values[name],
			Error: byField[name], MaxLength: maxLength, Required: true}
	}
	fields := map[string]formField{
		"title":     field("text", "title", "5 à 300 caractères ; il figure dans chaque courriel de l'appel.", 300),
		"level":     field("select", "level", "", 0),
		"territory": field("text", "territory", "Code INSEE de la région (84) ou du département (69, 2A, 974).", 3),
		"year":      field("text", "year", "L'année des conventions, par exemple 2027.", 4),
		"budget_eur": field("text", "budget_eur",
			"Montant en euros, par exemple 250 000,50 ; enregistré au centime près.", 20),
		"publish_at": field("datetime-local", "publish_at", "Au plus tard le 31 mars de l'année de la campagne (§8.3).", 0),
		"close_at":   field("datetime-local", "close_at", "Après la publication, au plus tard à la date limite de l'instruction (§8.3).", 0),
		"agir_articulation": field("textarea", "agir_articulation",
			"Comment l'appel complète l'accompagnement global AGIR sans le redoubler (§8.2).", 5000),
		"indicators":          field("textarea", "indicators", "Un indicateur par ligne ; ils figurent dans l'appel dès sa publication (§8.4).", 5000),
		"evaluation_criteria": field("textarea", "evaluation_criteria", "Un critère par ligne (§8.4).", 5000),
		"contact_email":       field("email", "contact_email", "Les porteurs de projet y écrivent ; les avis de l'appel y sont envoyés.", 254),
		"themes":              field("checkboxes", "themes", "", 0),
		"policy":              field("select", "policy", "« Démonstration » resserre le calendrier en minutes (aap dev seulement).", 0),
		"ds_demarche": field("text", "ds_demarche",
			"Le numéro de la démarche sur Démarches Simplifiées, par exemple 4242 : ses dossiers déposés sont repris dans l'appel.", 12),
		"ds_instructeur": field("text", "ds_instructeur", "L'instructeur au nom duquel les décisions sont renvoyées à la démarche.", 200),
		"ds_mapping": field("textarea", "ds_mapping",
			"Une ligne par champ du dossier : « champ du dossier = identifiant du champ de la démarche », par exemple project.title = Q2hhbXAtMQ==.", 5000),
	}
	for _, name := range dsFormFields {
		fd := fields[name]
		fd.Required = false
		fields[name] = fd
	}
	lvl := fields["level"]
	lvl.Options = []themeOption{{Code: models.LevelRegional, Label: "Régional", Selected: values["level"] == models.LevelRegional},
		{Code: models.LevelDepartmental, Label: "Départemental", Selected: values["level"] == models.LevelDepartmental}}
	fields["level"] = lvl
	pol := fields["policy"]
	pol.Required = false
	pol.Options = []themeOption{{Code: policy.DemoName, Label: "Démonstration", Selected: values["policy"] == policy.DemoName}}
	fields["policy"] = pol
	for _, name := range []string{"publish_at", "close_at"} {
		if byField[name] == "" { // what the field sends; a refused value is shown as typed
			fd := fields[name]
			fd.Value = values[name]
			fields[name] = fd
		}
	}
	page := callForm{Chrome: f.kit.Chrome(c, "Créer un appel à projets", web.Crumb{Label: "Appels à projets", Href: web.PathCalls},
		web.Crumb{Label: "Créer un appel à projets"}), Fields: fields, Demo: f.campaigns.DevMode}
	if !v.IsDIAN() {
		page.Fixed = territory.Label(v.Territory, v.Level == models.LevelRegional)
	}
	for _, t := range models.Themes {
		page.Themes = append(page.Themes, themeChoice{Code: t.Code, Label: t.Label, Checked: themes[t.Code]})
	}
	for _, name := range callFieldOrder {
		if msg := byField[name]; msg != "" {
			page.Errors = append(page.Errors, summaryError{Href: "#" + name, Text: callFieldLabels[name] + " : " + msg})
		}
	}
	var err error
	if page.CSRF, err = f.kit.CSRF(c, web.PathNewCall); err != nil {
		f.fail(c, err)
		return
	}
	web.Render(c, status, callFormPage, page)
}
