package api

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// SelectionRequest is the body of POST /api/v1/campaigns/{id}/selection.
type SelectionRequest struct {
	Decisions []DecisionInput `json:"decisions"`
	// ObjectivesJustification is the committee's written justification of a selection that
	// leaves its territory under an objective of §8.1 (required then, recorded and shown to DIAN).
	ObjectivesJustification string `json:"objectives_justification"`
	// DecisionReference is the signed decision's reference (arrêté, décision attributive),
	// required when a dossier is not retained: its email quotes it with the appeal routes.
	DecisionReference string `json:"decision_reference"`
}

// DecisionInput is the committee's decision on one dossier.
type DecisionInput struct {
	ApplicationID              string      `json:"application_id"`
	Decision                   string      `json:"decision"`
	GrantedEUR                 json.Number `json:"granted_eur"`
	Score                      int         `json:"score"`
	Reason                     string      `json:"reason"`
	DoubleFundingJustification string      `json:"double_funding_justification"`
	// CPOTranches makes the convention multi-year (CPO): one maximum per year, the first being granted_eur.
	CPOTranches []TrancheInput `json:"cpo_tranches"`
	// ActionDepartment: for a regional call, the department (INSEE code) of the
	// region where the action takes place; its convention counts there for the controls (§8.5).
	ActionDepartment string `json:"action_department"`
	// PayRevaluation: the structure applies the 3 % pay revaluation (§8.1); its convention says so.
	PayRevaluation bool `json:"pay_revaluation"`
	// LanguageTraining: the action is a formation linguistique, « à visée professionnelle »
	// included, whatever its theme (§4.1.2): its convention carries the Carif-Oref listing.
	LanguageTraining bool `json:"language_training"`
}

// TrancheInput is one year of a CPO.
type TrancheInput struct {
	Year   int         `json:"year"`
	MaxEUR json.Number `json:"max_eur"`
}

// SelectionService checks and records a committee's selection.
type SelectionService struct {
	Temporal     client.Client
	Campaigns    *CampaignService
	Applications *store.Applications
	PNE          *store.PNEResults
	// Reports tells which associations owe an overdue compte-rendu financier (§8.4).
	Reports *store.FinancialReports
}

// SelectionResult answers a selection, recorded or only checked (dry run).
type SelectionResult struct {
	DryRun bool             `json:"dry_run"`
	Totals selection.Totals `json:"totals"`
	// Deviations are the objectives of §8.1 left unmet, on the call and on its territories.
	Deviations []selection.Deviation `json:"deviations"`
}

// Record checks the selection against the rules and, unless dryRun, keeps it in the database
// and records it through the campaign workflow's Update, which names it (the workflow's
// activity judges it again by the call's rules before writing the decisions).
func (s *SelectionService) Record(ctx context.Context, campaignID string, req *SelectionRequest, dryRun bool, requestID string) (SelectionResult, error) {
	c, err := s.Campaigns.campaign(ctx, campaignID)
	if err != nil {
		return SelectionResult{}, err
	}
	decisions, fieldErrs := req.decisions(c)
	if fieldErrs != nil {
		return SelectionResult{}, ValidationProblem(fieldErrs)
	}
	dossiers, err := s.dossiers(ctx, c.ID)
	if err != nil {
		return SelectionResult{}, err
	}
	pol, err := s.Campaigns.policyOf(c)
	if err != nil {
		return SelectionResult{}, err
	}
	rules := workflows.CampaignInput{Year: c.Year, BudgetCents: c.BudgetCents, Policy: pol}.SelectionRules()
	objectives, err := s.objectives(ctx, c, rules.EmploymentLanguageThemes, strings.TrimSpace(req.ObjectivesJustification))
	if err != nil {
		return SelectionResult{}, err
	}
	// Not closed yet (or cancelled): refused before the rules, as the workflow's validator
	// would. A selected call goes on to the Update: the same request again gets its answer.
	if c.Phase != models.PhaseClosed && (dryRun || c.Phase != models.PhaseSelected) {
		return SelectionResult{}, selectionNotOpen(c.Phase)
	}
	// The selection's own facts (the signed decision's reference) are refused with its rules.
	if facts := req.facts(); facts != nil {
		p := selectionRefused(selection.CheckWith(rules, objectives, dossiers, decisions)).(*Problem)
		p.Fields = append(p.Fields, facts...)
		return SelectionResult{}, p
	}
	if v := selection.CheckWith(rules, objectives, dossiers, decisions); v != nil {
		return SelectionResult{}, selectionRefused(v)
	}
	if dryRun {
		return SelectionResult{DryRun: true, Totals: selection.Summarise(rules, dossiers, decisions),
			Deviations: nonNil(selection.Deviations(rules, objectives, dossiers, decisions))}, nil
	}
	// The decisions go to the database, the Update names them: a call of any size keeps a
	// small history (the workflow's activity judges the draft again by the call's rules).
	draft, err := s.Applications.SaveSelectionDraft(ctx, c.ID, requestID, store.SelectionPayload{
		Decisions: decisions, Dossiers: dossiers, Objectives: objectives, DecisionReference: strings.TrimSpace(req.DecisionReference)})
	if err != nil {
		return SelectionResult{}, err
	}
	var outcome workflows.SelectionOutcome
	notOpen := selectionNotOpen(c.Phase)
	if err := runUpdate(ctx, s.Temporal, workflowUpdate{
		WorkflowID: c.WorkflowID, UpdateID: requestID, Name: workflows.UpdateSelection,
		Arg: workflows.SelectionUpdate{Draft: draft, Actor: store.ActorOf(ctx)},
		Refusals: refusals{
			workflows.ErrTypeSelectionRefused: refusedWithDetails(selectionRefused),
			workflows.ErrTypeSelectionNotOpen: refusedWith(notOpen),
		},
		Ended: notOpen, // the workflow has ended: nothing left to select
	}, &outcome); err != nil {
		return SelectionResult{}, err
	}
	return SelectionResult{Totals: outcome.Totals, Deviations: nonNil(outcome.Deviations)}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// dossiers gathers what the rules need to know of each dossier, PNE history included.
func (s *SelectionService) dossiers(ctx context.Context, campaignID string) ([]selection.Dossier, error) {
	apps, err := s.Applications.All(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	keys := make([]string, len(apps))
	for i, a := range apps {
		keys[i] = a.AssociationKey
	}
	missed, err := s.PNE.MissedYears(ctx, keys)
	if err != nil {
		return nil, err
	}
	reports, err := s.Reports.Missing(ctx, keys)
	if err != nil {
		return nil, err
	}
	out := make([]selection.Dossier, len(apps))
	for i, a := range apps {
		out[i] = selection.Dossier{
			ApplicationID: a.ID, AssociationName: a.AssociationName, Theme: a.Theme, RequestedCents: a.RequestedCents,
			BeneficiariesBPI: a.BeneficiariesBPI, BeneficiariesNonBPI: a.BeneficiariesNonBPI, AGIRRedundant: a.RedundantWithAGIR(),
			DoubleFundingWith: a.DoubleFundingWith, PNEMissedYears: missed[a.AssociationKey],
		}
		for _, r := range reports[a.AssociationKey] {
			out[i].MissingFinancialReports = append(out[i].MissingFinancialReports, fmt.Sprintf(
				"%s, attendu au plus tard le %s", convention.ReportLabel(r), french.Date(r.DueAt)))
		}
	}
	return out, nil
}

// decisions converts the request, amounts in cents; the rules are the workflow's to check.
// The call (c) tells where an action's department may be.
func (r *SelectionRequest) decisions(c *models.Campaign) ([]selection.Decision, []FieldError) {
	v := &validation{}
	if len(r.Decisions) == 0 {
		v.add("decisions", "required", "au moins une décision")
	}
	out := make([]selection.Decision, len(r.Decisions))
	for i, d := range r.Decisions {
		field := "decisions[" + strconv.Itoa(i) + "]"
		out[i] = selection.Decision{
			ApplicationID: strings.TrimSpace(d.ApplicationID), Decision: d.Decision, Score: d.Score,
			Reason: strings.TrimSpace(d.Reason), DoubleFundingJustified: strings.TrimSpace(d.DoubleFundingJustification),
			ActionDepartment: checkActionDepartment(v, field+".action_department", c, d), PayRevaluation: d.PayRevaluation,
			LanguageTraining: d.LanguageTraining,
		}
		for k, t := range d.CPOTranches {
			out[i].CPOTranches = append(out[i].CPOTranches, selection.Tranche{
				Year: t.Year, MaxCents: checkEurosAllowZero(v, fmt.Sprintf("%s.cpo_tranches[%d].max_eur", field, k), t.MaxEUR)})
		}
		if d.GrantedEUR.String() == "" && d.Decision == selection.NotRetained {
			continue // nothing granted
		}
		out[i].GrantedCents = checkEurosAllowZero(v, field+".granted_eur", d.GrantedEUR)
	}
	return out, v.errs
}

// checkFacts: the justification and the signed decision's reference fit their columns, and
// a selection that refuses a dossier names its signed decision, which the refusal's email
// quotes with the appeal routes.
func (r *SelectionRequest) facts() []FieldError {
	v := &validation{}
	r.checkFacts(v)
	return v.errs
}

func (r *SelectionRequest) checkFacts(v *validation) {
	if n := len([]rune(strings.TrimSpace(r.ObjectivesJustification))); n > 5000 {
		v.add("objectives_justification", "max_length", "au plus 5000 caractères")
	}
	ref := strings.TrimSpace(r.DecisionReference)
	if n := len([]rune(ref)); n > 200 {
		v.add("decision_reference", "max_length", "au plus 200 caractères")
	}
	for _, d := range r.Decisions {
		if d.Decision == selection.NotRetained && ref == "" {
			v.add("decision_reference", "required_for_refusal",
				"la référence de la décision signée (arrêté, décision attributive) est obligatoire dès qu'un dossier n'est pas retenu : le courriel de refus la cite avec les voies et délais de recours")
			return
		}
	}
}

func selectionRefused(violations []selection.Violation) error {
	fields := make([]FieldError, len(violations))
	for i, v := range violations {
		fields[i] = FieldError{Field: v.Field, Rule: v.Rule, Message: v.Message}
	}
	return &Problem{Status: http.StatusUnprocessableEntity, Code: "selection_refused",
		Message: "La sélection ne respecte pas les règles de l'instruction ; rien n'a été enregistré.", Fields: fields}
}

func selectionNotOpen(phase string) error {
	return &Problem{Status: http.StatusConflict, Code: "selection_not_open",
		Message: fmt.Sprintf("La sélection s'enregistre une seule fois, après la clôture de l'appel (appel actuellement : %s).", models.PhaseLabel(phase))}
}

type selectionHandlers struct {
	svc *SelectionService
}

// maxSelectionBody bounds a selection's JSON body: about 150 bytes a decision, a call of
// 10,000 dossiers selected in one go fits with room to spare.
const maxSelectionBody = 16 << 20

// record answers POST /api/v1/campaigns/{id}/selection[?dry_run=true].
func (h selectionHandlers) record(c *gin.Context) {
	c.Set(bodyLimitKey, int64(maxSelectionBody))
	var req SelectionRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	dryRun := c.Query("dry_run") == "true"
	key, err := idempotencyKey(c)
	if err != nil {
		respondError(c, err)
		return
	}
	res, err := h.svc.Record(c.Request.Context(), c.Param("id"), &req, dryRun, key)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
