package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/engine"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/policies"
	"github.com/dian-p104/aap/workflows"
)

// call is a created call and its year.
type call struct {
	created
	year int
}

// selectOneDossier creates a call published in 2 s and closed in 8 s, files a
// dossier while it is open and retains it once the call is closed.
func (r *recorder) selectOneDossier(ctx context.Context) (call, created, error) {
	c := call{year: time.Now().Year() + 1}
	var err error
	if c.created, err = post(r.hc, r.d.HTTPURL+"/api/v1/campaigns", campaignBody(c.year)); err != nil {
		return call{}, created{}, err
	}
	time.Sleep(3 * time.Second) // published
	application, err := post(r.hc, r.d.HTTPURL+"/api/v1/campaigns/"+c.ID+"/applications", applicationBody())
	if err != nil {
		return call{}, created{}, err
	}
	time.Sleep(8 * time.Second) // closed
	selection := map[string]any{"decisions": []map[string]any{
		{"application_id": application.ID, "decision": "retenu", "granted_eur": 10000, "score": 75},
	}}
	if err := postOK(r.hc, r.d.HTTPURL+"/api/v1/campaigns/"+c.ID+"/selection", selection); err != nil {
		return call{}, created{}, err
	}
	return c, application, ctx.Err()
}

func campaignBody(year int) map[string]any {
	now := time.Now()
	return map[string]any{
		"year": year, "level": "departmental", "territory": "69",
		"title": "Campagne enregistrée pour le test de rejeu", "budget_eur": 100000,
		"themes": []string{"langue"}, "publish_at": now.Add(2 * time.Second).Format(time.RFC3339),
		"close_at": now.Add(8 * time.Second).Format(time.RFC3339), "agir_articulation": "Complémentaire d'AGIR.",
		"indicators": []string{"bénéficiaires"}, "evaluation_criteria": []string{"assiduité"},
		"contact_email": "correspondant@example.gouv.fr",
	}
}

func applicationBody() map[string]any {
	return map[string]any{
		"association": map[string]any{"siret": "73282932000074", "name": "Association de test",
			"email": "association@example.org", "cer_signed": true},
		"project": map[string]any{"title": "Ateliers de français", "theme": "langue",
			"description": "Ateliers sociolinguistiques pour primo-arrivants.", "requested_eur": 10000,
			"total_budget_eur": 20000, "beneficiaries": map[string]any{"bpi": 5, "non_bpi": 10}},
	}
}

// startDemoPNE starts the PNE of year under the demo policy, whose offsets run
// its list, questionnaire, reminder and closure in a minute. aap dev starts the
// PNE of this year and the next under their yearly policies, months long; the
// recorded year is the one after the call's, which evaluates the call's dossier.
func (r *recorder) startDemoPNE(ctx context.Context, year int) (string, error) {
	set, err := policy.Load(policies.FS)
	if err != nil {
		return "", err
	}
	demo, ok := set.Demo()
	if !ok || !demo.Demo.HasPNE() {
		return "", fmt.Errorf("policies/demo.yaml places no PNE (demo.pne_*)")
	}
	in := workflows.PNEInput{Year: year, Policy: demo, SurveyURL: config.DefaultPNESurveyURL}
	if err := engine.StartPNEWorkflow(ctx, r.d.Temporal, in); err != nil {
		return "", err
	}
	return workflows.PNEWorkflowID(year), nil
}

// signConvention waits for the retained dossier's convention, signs it and returns its ID.
func (r *recorder) signConvention(ctx context.Context, applicationID string) (string, error) {
	var app struct {
		ConventionID string `json:"convention_id"`
	}
	if err := r.awaitApplication(ctx, applicationID, &app, func() bool { return app.ConventionID != "" }); err != nil {
		return "", err
	}
	return app.ConventionID, postOK(r.hc, r.d.HTTPURL+"/api/v1/conventions/"+app.ConventionID+"/signature", map[string]any{"signed_by": "Présidente"})
}

// sendFinancialReport waits until the dossier's workflow awaits the report, then sends it.
func (r *recorder) sendFinancialReport(ctx context.Context, applicationID, conventionID string) error {
	var app struct {
		FinancialReport string `json:"financial_report"`
	}
	if err := r.awaitApplication(ctx, applicationID, &app, func() bool { return app.FinancialReport == "awaited" }); err != nil {
		return err
	}
	return postStatus(r.hc, r.d.HTTPURL+"/api/v1/conventions/"+conventionID+"/financial-report",
		map[string]any{"spent_eur": 10000, "subsidy_used_eur": 10000, "document_reference": "CRF-enregistrement"}, http.StatusCreated)
}

// awaitApplication reads the dossier into v until done says so. It asks for the
// workflow's live state (?live=1): the recorded state the API answers by default
// carries no convention nor report.
func (r *recorder) awaitApplication(ctx context.Context, applicationID string, v any, done func() bool) error {
	for ctx.Err() == nil {
		resp, err := r.hc.Get(r.d.HTTPURL + "/api/v1/applications/" + applicationID + "?live=1")
		if err != nil {
			return err
		}
		err = json.NewDecoder(resp.Body).Decode(v)
		resp.Body.Close()
		if err == nil && done() {
			return nil
		}
		time.Sleep(200 * time.Millisecond)
	}
	return ctx.Err()
}

// recordControl flags a doubt on the signed convention, plans its control for
// today, records its result (a repayment asked), waits for the region's
// workflow to send its synthesis (the demo policy's control_synthesis_after),
// then closes the follow-up, which the workflow sends in a supplementary
// synthesis (control.supplement_after) before it ends.
func (r *recorder) recordControl(ctx context.Context, conventionID string) error {
	if err := postStatus(r.hc, r.d.HTTPURL+"/api/v1/conventions/"+conventionID+"/doubts",
		map[string]any{"kind": "utilisation_fonds", "note": "Factures non produites"}, http.StatusCreated); err != nil {
		return err
	}
	today := time.Now().Format(time.DateOnly)
	ctl, err := post(r.hc, r.d.HTTPURL+"/api/v1/controls", map[string]any{"convention_id": conventionID, "planned_on": today, "controller": "Inspection"})
	if err != nil {
		return err
	}
	result := map[string]any{"outcome": "non_conforme", "findings": "Émargements absents",
		"follow_up": map[string]any{"kind": "reversement", "amount_eur": 1000}}
	if err := postOK(r.hc, r.d.HTTPURL+"/api/v1/controls/"+ctl.ID+"/result", result); err != nil {
		return err
	}
	if err := r.awaitControlPhase(ctx, ctl.WorkflowID, workflows.ControlPhaseSent); err != nil {
		return err
	}
	closed := map[string]any{"status": "closed", "recovered_eur": 1000, "note": "Reversement encaissé"}
	if err := postOK(r.hc, r.d.HTTPURL+"/api/v1/controls/"+ctl.ID+"/follow-up", closed); err != nil {
		return err
	}
	return r.writeFinished(ctx, "control", ctl.WorkflowID)
}

// recordCTAI files a renewal request for next year and writes its workflow's history.
func (r *recorder) recordCTAI(ctx context.Context) error {
	req, err := post(r.hc, r.d.HTTPURL+"/api/v1/ctai", map[string]any{
		"year": time.Now().Year() + 1, "kind": "renewal",
		"collectivite": map[string]any{"name": "Commune enregistrée pour le rejeu", "insee_code": "69266", "email": "collectivite@example.org"},
		"territory":    "69", "correspondent_email": "correspondant@example.gouv.fr",
		"inhabitants": 150000, "cir_count": 600, "housing_competent": true,
		"actions": []map[string]any{{"title": "Logement", "domain": "logement", "budget_eur": 50000},
			{"title": "Français", "domain": "langue", "budget_eur": 30000}},
		"coordinator":            map[string]any{"cost_eur": 40000, "local_share_eur": 8000},
		"previous_delegated_eur": 90000,
	})
	if err != nil {
		return err
	}
	// The engine proposes (unfavourable: no bilan); DIAN decides, here overriding it with a motivation.
	opinion := map[string]any{"opinion": "favorable", "delegated_eur": 80000, "motivation": "Bilan remis au correspondant après le dépôt."}
	deadline := time.Now().Add(time.Minute)
	for {
		err = postOK(r.hc, r.d.HTTPURL+"/api/v1/ctai/"+req.ID+"/opinion", opinion)
		if err == nil || time.Now().After(deadline) || !strings.Contains(err.Error(), "status 409") {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
	if err != nil {
		return err
	}
	return r.writeFinished(ctx, "ctai", req.WorkflowID)
}

// awaitControlPhase polls the region's control workflow until its state query says phase.
func (r *recorder) awaitControlPhase(ctx context.Context, workflowID, phase string) error {
	for {
		res, err := r.d.Temporal.QueryWorkflow(ctx, workflowID, "", workflows.QueryControlState)
		if err == nil {
			var st workflows.ControlState
			if err := res.Get(&st); err == nil && st.Phase == phase {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("control workflow never reached %s: %w", phase, ctx.Err())
		case <-time.After(2 * time.Second):
		}
	}
}
