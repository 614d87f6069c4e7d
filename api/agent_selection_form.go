package api

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

var selectionFormPage = agentPage("agent_selection.html")

// selectionForm is the committee's selection as a form: one fieldset per dossier.
type selectionForm struct {
	web.Chrome
	CSRF     string
	Call     *models.Campaign
	Dossiers []selectionRow
	// Checked: « Vérifier » ran; Rules are every rule with its figures, OK whether all are kept.
	Checked bool
	OK      bool
	Rules   []ruleLine
	// Message is a refusal no field shows (the selection already recorded, the engine unavailable).
	Message string
	Errors  []summaryError
	// The selection-wide fields (§8.1 justification, the signed decision) with their errors.
	ObjectivesJustification, DecisionReference string
	ObjectivesError, ReferenceError            string
}

// selectionRow is one dossier of the form, with its typed values and their errors.
type selectionRow struct {
	Index                                                           int
	App                                                             models.Application
	Theme                                                           string
	Flags                                                           []string
	Decision, Granted, Score, Reason, Justification                 string
	DecisionError, GrantedError, ScoreError, ReasonError, JustError string
}

// Name is the form's (and the API's) name of one of the row's fields: "decisions[2].score".
func (r selectionRow) Name(leaf string) string {
	return "decisions[" + strconv.Itoa(r.Index) + "]." + leaf
}

// ID is that field's HTML id: "decisions-2-score".
func (r selectionRow) ID(leaf string) string { return fieldID(r.Name(leaf)) }

// selectionRuleNames name the rules per dossier, in the order the page lists them.
var selectionRuleNames = []struct{ Rule, Name string }{
	{selection.RuleMissingDecision, "Une décision pour chaque dossier"},
	{selection.RuleDecisionEnum, "Décision « retenu » ou « non retenu »"},
	{selection.RuleScoreRange, "Note comprise entre 0 et 100"},
	{selection.RuleReasonRequired, "Motif de chaque refus, communiqué à l'association"},
	{selection.RuleGrantedPositive, "Montant positif pour chaque dossier retenu"},
	{selection.RuleGrantedNotRetained, "Aucun montant pour un dossier non retenu"},
	{selection.RuleGrantedAboveRequest, "Montant accordé au plus égal à la subvention demandée"},
	{selection.RuleAGIRRedundant, "Pas d'accompagnement global redondant avec AGIR (§8.2)"},
	{selection.RulePNEBlocked, "Réponse au questionnaire PNE (§8.4)"},
	{selection.RuleFinancialReportMissing, "Comptes rendus financiers reçus (§8.4)"},
	{selection.RuleDoubleFundingUnjustified, "Double financement justifié (§3.2, §8.2)"},
	{selection.RuleCPOTranches, "Conventions pluriannuelles"},
	{selection.RuleUnknownApplication, "Dossiers de l'appel"},
	{selection.RuleDuplicateDecision, "Une seule décision par dossier"},
}

func (f agentForms) selectionForm(c *gin.Context) {
	camp, ok := f.closedCall(c)
	if !ok {
		return
	}
	rows, err := f.selectionRows(c, camp)
	if err != nil {
		f.fail(c, err)
		return
	}
	f.renderSelection(c, http.StatusOK, selectionForm{Call: camp, Dossiers: rows})
}

// closedCall is the managed call whose selection is due now; otherwise the service's 409 says why.
func (f agentForms) closedCall(c *gin.Context) (*models.Campaign, bool) {
	camp, ok := f.managedCall(c)
	if ok && camp.Phase != models.PhaseClosed {
		f.fail(c, selectionNotOpen(camp.Phase))
		return nil, false
	}
	return camp, ok
}

// selectionRows are the call's dossiers (those the rules judge), with what the form typed.
func (f agentForms) selectionRows(c *gin.Context, camp *models.Campaign) ([]selectionRow, error) {
	apps, err := f.selection.Applications.All(c.Request.Context(), camp.ID)
	if err != nil {
		return nil, err
	}
	rows := make([]selectionRow, len(apps))
	for i, a := range apps {
		r := selectionRow{Index: i, App: a, Theme: models.ThemeLabel(a.Theme)}
		r.Decision, r.Granted, r.Score = c.PostForm(r.Name("decision")), c.PostForm(r.Name("granted_eur")), c.PostForm(r.Name("score"))
		r.Reason, r.Justification = c.PostForm(r.Name("reason")), c.PostForm(r.Name("double_funding_justification"))
		if len(a.DoubleFundingWith) > 0 {
			r.Flags = append(r.Flags, web.FlagDoubleFunding)
		}
		if a.RedundantWithAGIR() {
			r.Flags = append(r.Flags, web.FlagAGIR)
		}
		rows[i] = r
	}
	return rows, nil
}

// recordSelection answers POST /campagnes/:id/selection: « Vérifier » runs the dry run
// and shows every rule with its figures; « Enregistrer » records the selection.
func (f agentForms) recordSelection(c *gin.Context) {
	camp, ok := f.managedCall(c)
	if !ok {
		return
	}
	rows, err := f.selectionRows(c, camp)
	if err != nil {
		f.fail(c, err)
		return
	}
	req, refused := selectionRequestOf(rows)
	req.ObjectivesJustification, req.DecisionReference = c.PostForm("objectives_justification"), c.PostForm("decision_reference")
	page := selectionForm{Call: camp, Dossiers: rows, ObjectivesJustification: req.ObjectivesJustification, DecisionReference: req.DecisionReference}
	dryRun := c.PostForm("action") != "enregistrer"
	var res SelectionResult
	if len(refused) == 0 {
		res, err = f.selection.Record(c.Request.Context(), camp.ID, req, dryRun, "")
	} else {
		err = ValidationProblem(refused)
	}
	var p *Problem
	switch {
	case err == nil && !dryRun:
		c.Redirect(http.StatusSeeOther, web.CallPath(camp.ID)+"?selection="+strconv.FormatInt(res.Totals.GrantedCents, 10))
		return
	case err != nil && (!errors.As(err, &p) || p.Status >= http.StatusInternalServerError && p.Status != http.StatusServiceUnavailable):
		f.fail(c, err)
		return
	case err != nil && p.Status != http.StatusUnprocessableEntity:
		// Recorded already (a second « Enregistrer »), not closed, the engine unavailable: the service's French message.
		page.Message = p.Message
		f.renderSelection(c, p.Status, page)
		return
	}
	page.Checked, page.OK = true, err == nil
	var fields []FieldError
	if p != nil {
		fields = p.Fields
	}
	page.Dossiers = placeSelectionErrors(page.Dossiers, fields)
	figures, ferr := f.selection.Figures(c.Request.Context(), camp.ID, req)
	page.Rules = selectionRules(figures, fields, ferr == nil)
	for _, e := range fields {
		page.Errors = append(page.Errors, summaryError{Href: selectionHref(e.Field), Text: capitalised(e.Message)})
		switch e.Field {
		case selection.RuleObjectivesJustification:
			page.ObjectivesError = joinError(page.ObjectivesError, capitalised(e.Message))
		case "decision_reference":
			page.ReferenceError = joinError(page.ReferenceError, capitalised(e.Message))
		}
	}
	status := http.StatusOK
	if err != nil {
		status = http.StatusUnprocessableEntity
	}
	f.renderSelection(c, status, page)
}

// selectionRequestOf reads the rows as the API's request; a score that is not a number is refused here.
func selectionRequestOf(rows []selectionRow) (*SelectionRequest, []FieldError) {
	req := &SelectionRequest{}
	var refused []FieldError
	for _, r := range rows {
		d := DecisionInput{ApplicationID: r.App.ID, Decision: strings.TrimSpace(r.Decision), Reason: r.Reason,
			DoubleFundingJustification: r.Justification}
		if s := strings.TrimSpace(r.Granted); s != "" {
			d.GrantedEUR = formAmount(s)
		}
		if s := strings.TrimSpace(r.Score); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil {
				refused = append(refused, FieldError{Field: r.Name("score"), Rule: "integer", Message: "note entière attendue, de 0 à 100"})
			}
			d.Score = n
		}
		req.Decisions = append(req.Decisions, d)
	}
	return req, refused
}

// placeSelectionErrors puts each refusal next to its field: "decisions[2].granted_eur"
// by the amount of the third dossier; a refusal of the whole dossier by its decision.
func placeSelectionErrors(rows []selectionRow, fields []FieldError) []selectionRow {
	for _, e := range fields {
		rest, ok := strings.CutPrefix(e.Field, "decisions[")
		idx, leaf, _ := strings.Cut(rest, "]")
		i, err := strconv.Atoi(idx)
		if !ok || err != nil || i < 0 || i >= len(rows) {
			continue
		}
		add := func(s *string) {
			if *s != "" {
				*s += " ; "
			}
			*s += capitalised(e.Message)
		}
		switch strings.TrimPrefix(leaf, ".") {
		case "granted_eur":
			add(&rows[i].GrantedError)
		case "score":
			add(&rows[i].ScoreError)
		case "reason":
			add(&rows[i].ReasonError)
		case "double_funding_justification":
			add(&rows[i].JustError)
		default:
			add(&rows[i].DecisionError)
		}
	}
	return rows
}

// selectionHref links a refusal of the summary to its field; a rule of the whole selection to the rules' list.
func selectionHref(field string) string {
	if field == selection.RuleObjectivesJustification || field == "decision_reference" {
		return "#" + field
	}
	if !strings.HasPrefix(field, "decisions[") {
		return "#regles"
	}
	id := fieldID(field)
	for _, leaf := range []string{"granted_eur", "score", "reason", "double_funding_justification", "decision"} {
		if strings.HasSuffix(field, "."+leaf) {
			return "#" + id
		}
	}
	return "#" + id + "-decision"
}

// selectionRules are every rule of the selection with its figures: the envelope and the two
// shares of the whole selection (§8.1, §8.2), then each rule per dossier, kept or with its refusals.
func selectionRules(fig SelectionFigures, fields []FieldError, haveFigures bool) []ruleLine {
	broken := map[string][]string{}
	for _, e := range fields {
		broken[e.Rule] = append(broken[e.Rule], capitalised(e.Message))
	}
	t, r := fig.Totals, fig.Rules
	var out []ruleLine
	if haveFigures {
		beneficiaries := int64(t.BeneficiariesBPI + t.BeneficiariesNonBPI)
		out = append(out,
			ruleLine{Name: "Enveloppe de l'appel", Kept: len(broken[selection.RuleEnvelope]) == 0, Messages: broken[selection.RuleEnvelope],
				Figures: fmt.Sprintf("%s accordés sur une enveloppe de %s, à %d dossier(s) retenu(s)", french.Euros(t.GrantedCents), french.Euros(r.EnvelopeCents), t.RetainedCount)},
			ruleLine{Name: fmt.Sprintf("Part de l'emploi et de la langue : objectif d'au moins %d %% des crédits dans l'appel, le département et la région ; en deçà, une justification écrite (§8.1)", r.EmploymentLanguageMinPercent),
				Kept: len(broken[selection.RuleEmploymentLanguageShare]) == 0, Messages: broken[selection.RuleEmploymentLanguageShare],
				Figures: fmt.Sprintf("%s sur %s accordés, soit %s", french.Euros(t.EmploymentLanguageCents), french.Euros(t.GrantedCents), perMilleText(t.EmploymentLanguageCents, t.GrantedCents))},
			ruleLine{Name: fmt.Sprintf("Bénéficiaires autres que BPI : objectif d'au moins %d %% dans l'appel, le département et la région ; en deçà, une justification écrite (§8.1)", r.NonBPIBeneficiariesMinPercent),
				Kept: len(broken[selection.RuleNonBPIShare]) == 0, Messages: broken[selection.RuleNonBPIShare],
				Figures: fmt.Sprintf("%d sur %d bénéficiaires attendus des dossiers retenus, soit %s", t.BeneficiariesNonBPI, beneficiaries, perMilleText(int64(t.BeneficiariesNonBPI), beneficiaries))})
	}
	for _, n := range selectionRuleNames {
		out = append(out, ruleLine{Name: n.Name, Kept: len(broken[n.Rule]) == 0, Messages: broken[n.Rule]})
	}
	return out
}

func (f agentForms) renderSelection(c *gin.Context, status int, page selectionForm) {
	path := "/campagnes/" + page.Call.ID + "/selection"
	page.Chrome = f.kit.Chrome(c, "Sélection du comité", web.Crumb{Label: "Appels à projets", Href: web.PathCalls},
		web.Crumb{Label: page.Call.Title, Href: web.CallPath(page.Call.ID)}, web.Crumb{Label: "Sélection du comité"})
	var err error
	if page.CSRF, err = f.kit.CSRF(c, path); err != nil {
		f.fail(c, err)
		return
	}
	web.Render(c, status, selectionFormPage, page)
}

// joinError adds a message to a field's error.
func joinError(have, msg string) string {
	if have == "" {
		return msg
	}
	return have + " ; " + msg
}
