package activities

import (
	"context"
	"time"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// SelectionRecord is the committee's selection of one call.
type SelectionRecord struct {
	CampaignID string
	Decisions  []selection.Decision
	At         time.Time
	// Actor is who sent the selection (the audit entry's); empty: the workflow.
	Actor models.Actor
	// ObjectivesJustification and Deviations: the objectives of §8.1 the selection leaves
	// unmet and the committee's justification, recorded with it for DIAN.
	ObjectivesJustification string
	Deviations              []selection.Deviation
	// DecisionReference is the signed decision's reference, quoted to the associations.
	DecisionReference string
}

// RecordSelection writes the decisions on the dossiers and the call's phase, in one transaction.
func (a *Activities) RecordSelection(ctx context.Context, in SelectionRecord) error {
	records := make([]store.DecisionRecord, len(in.Decisions))
	for i, d := range in.Decisions {
		records[i] = store.DecisionRecord{
			ApplicationID: d.ApplicationID, Decision: d.Decision, GrantedCents: d.GrantedCents, Score: d.Score,
			Reason: d.Reason, DoubleFundingJustification: d.DoubleFundingJustified,
			ActionDepartment: d.ActionDepartment, PayRevaluation: d.PayRevaluation, LanguageTraining: d.LanguageTraining,
		}
		for _, t := range d.CPOTranches {
			records[i].CPOTranches = append(records[i].CPOTranches, models.Tranche{Year: t.Year, MaxCents: t.MaxCents})
		}
	}
	facts := store.SelectionFacts{ObjectivesJustification: in.ObjectivesJustification, Deviations: in.Deviations, DecisionReference: in.DecisionReference}
	return storeError(a.Applications.RecordSelectionWith(withActor(ctx, in.Actor), in.CampaignID, records, facts, in.At))
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
	return a.signalDossiers(ctx, in.CampaignID, in.Signal, func(app models.Application) any {
		if app.Decision == "" {
			return nil
		}
		return DossierDecision{Decision: app.Decision, GrantedCents: app.GrantedCents}
	})
}
