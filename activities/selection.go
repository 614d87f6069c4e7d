package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/textinput"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// SelectionRecord names the committee's selection of one call, kept in the database by the
// API (a draft): the workflow's history holds its ID and digest, never its decisions.
type SelectionRecord struct {
	CampaignID string
	Draft      SelectionDraftRef
	// Rules are the call's, from the workflow's input: the draft is judged by them.
	Rules selection.Rules
	At    time.Time
	// Actor is who sent the selection (the audit entry's); empty: the workflow.
	Actor models.Actor
}

// SelectionDraftRef names a selection kept in the database: what the workflow's Update carries.
type SelectionDraftRef = store.SelectionDraftRef

// SelectionOutcome is what a recorded selection amounts to.
type SelectionOutcome struct {
	Totals selection.Totals
	// Deviations are the objectives of §8.1 the selection leaves unmet (recorded with it).
	Deviations []selection.Deviation
}

// Error types of a selection the activity refuses for good.
const (
	// ErrTypeSelectionRefused carries []selection.Violation as details.
	ErrTypeSelectionRefused = "SelectionRefused"
	// ErrTypeInvalidText carries the textinput.Refusal as details.
	ErrTypeInvalidText = "InvalidText"
)

// RecordSelection judges the draft by the call's rules, then writes the decisions on the
// dossiers and the call's phase, in one transaction. A draft breaking a rule (the rules
// changed since the API checked it) or carrying a bad text is refused for good.
func (a *Activities) RecordSelection(ctx context.Context, in SelectionRecord) (SelectionOutcome, error) {
	p, err := a.Applications.SelectionDraft(ctx, in.CampaignID, in.Draft)
	if errors.Is(err, store.ErrDraftMismatch) {
		return SelectionOutcome{}, temporal.NewNonRetryableApplicationError(err.Error(), ErrTypeInvalidData, err)
	}
	if err != nil {
		return SelectionOutcome{}, storeError(err)
	}
	if err := refuseBadSelectionText(p); err != nil {
		return SelectionOutcome{}, err
	}
	if v := selection.CheckWith(in.Rules, p.Objectives, p.Dossiers, p.Decisions); v != nil {
		return SelectionOutcome{}, temporal.NewNonRetryableApplicationError("la sélection ne respecte pas les règles de l'instruction", ErrTypeSelectionRefused, nil, v)
	}
	deviations := selection.Deviations(in.Rules, p.Objectives, p.Dossiers, p.Decisions)
	records := make([]store.DecisionRecord, len(p.Decisions))
	for i, d := range p.Decisions {
		records[i] = store.DecisionRecord{
			ApplicationID: d.ApplicationID, Decision: d.Decision, GrantedCents: d.GrantedCents, Score: d.Score,
			Reason: d.Reason, DoubleFundingJustification: d.DoubleFundingJustified,
			ActionDepartment: d.ActionDepartment, PayRevaluation: d.PayRevaluation, LanguageTraining: d.LanguageTraining,
		}
		for _, t := range d.CPOTranches {
			records[i].CPOTranches = append(records[i].CPOTranches, models.Tranche{Year: t.Year, MaxCents: t.MaxCents})
		}
	}
	facts := store.SelectionFacts{ObjectivesJustification: p.Objectives.Justification, Deviations: deviations, DecisionReference: p.DecisionReference,
		Themes: in.Rules.EmploymentLanguageThemes, Recheck: recheck(in.Rules, p)}
	err = a.Applications.RecordSelectionWith(withActor(ctx, in.Actor), in.CampaignID, records, facts, in.At)
	var refused *selectionRefusedError
	if errors.As(err, &refused) {
		return SelectionOutcome{}, temporal.NewNonRetryableApplicationError("la sélection ne respecte pas les règles de l'instruction", ErrTypeSelectionRefused, nil, refused.violations)
	}
	if err != nil {
		return SelectionOutcome{}, storeError(err)
	}
	c, err := a.Campaigns.Get(ctx, in.CampaignID)
	if err != nil {
		return SelectionOutcome{}, storeError(err)
	}
	return SelectionOutcome{Totals: selection.Summarise(in.Rules, p.Dossiers, p.Decisions), Deviations: c.ObjectivesDeviations}, nil
}

// recheck judges the selection again inside its recording transaction, once the selections
// of the call's region and year are serialised, with the territories' figures recorded by
// then (§8.1: « au moins 70 % … au moins 30 % », measured per territory across the year's
// calls): of two selections of one department sent at once, each fine alone, that together
// leave it under an objective, the second needs the justification and is refused without it.
// The deviations it returns are those recorded.
func recheck(r selection.Rules, p store.SelectionPayload) func(*models.Campaign, []store.TerritoryRetained) ([]selection.Deviation, error) {
	return func(c *models.Campaign, others []store.TerritoryRetained) ([]selection.Deviation, error) {
		o := p.Objectives
		o.Scopes = selection.ScopesOf(c.Level == models.LevelDepartmental, c.Territory, store.TerritorySumsOf(others))
		if v := selection.CheckWith(r, o, p.Dossiers, p.Decisions); v != nil {
			return nil, &selectionRefusedError{violations: v}
		}
		return selection.Deviations(r, o, p.Dossiers, p.Decisions), nil
	}
}

type selectionRefusedError struct{ violations []selection.Violation }

func (e *selectionRefusedError) Error() string {
	return fmt.Sprintf("selection breaks %d rule(s) with its territory's figures", len(e.violations))
}

// refuseBadSelectionText refuses the first text of the selection that textinput refuses (the
// API's door refuses them first), named as the API names it.
func refuseBadSelectionText(p store.SelectionPayload) error {
	check := func(field, value string) error {
		if r := textinput.Check(field, value); r != nil {
			return temporal.NewNonRetryableApplicationError(fmt.Sprintf("%s : %s", r.Field, r.Message), ErrTypeInvalidText, nil, *r)
		}
		return nil
	}
	for i, d := range p.Decisions {
		at := fmt.Sprintf("decisions[%d].", i)
		for _, t := range [][2]string{{"application_id", d.ApplicationID}, {"decision", d.Decision}, {"reason", d.Reason},
			{"double_funding_justification", d.DoubleFundingJustified}, {"action_department", d.ActionDepartment}} {
			if err := check(at+t[0], t[1]); err != nil {
				return err
			}
		}
	}
	if err := check("objectives_justification", p.Objectives.Justification); err != nil {
		return err
	}
	return check("decision_reference", p.DecisionReference)
}

// DossierDecision is the committee's decision sent to a dossier's workflow
// (workflows.SignalDecision); built here, from the database.
type DossierDecision struct {
	Decision     string // selection.Retained | selection.NotRetained
	GrantedCents int64
}

// DispatchDecisions signals every decided dossier of the call with its decision
// (in.Signal). A dossier signalled twice (a retried activity) keeps the first
// decision: its workflow reads only one. Progress is heartbeated so a retry
// resumes where it stopped.
func (a *Activities) DispatchDecisions(ctx context.Context, in DossierSignal) error {
	return a.signalDossiers(ctx, in.CampaignID, in.Signal, func(_ context.Context, app models.Application) (any, error) {
		if app.Decision == "" {
			return nil, nil
		}
		return DossierDecision{Decision: app.Decision, GrantedCents: app.GrantedCents}, nil
	})
}
