package activities

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/selection"
	"github.com/dian-p104/aap/store"
)

// SelectionRecord is the committee's selection of one call.
type SelectionRecord struct {
	CampaignID string
	Decisions  []selection.Decision
	At         time.Time
}

// RecordSelection writes the decisions on the dossiers and the call's phase, in one transaction.
func (a *Activities) RecordSelection(ctx context.Context, in SelectionRecord) error {
	records := make([]store.DecisionRecord, len(in.Decisions))
	for i, d := range in.Decisions {
		records[i] = store.DecisionRecord{
			ApplicationID: d.ApplicationID, Decision: d.Decision, GrantedCents: d.GrantedCents, Score: d.Score,
			Reason: d.Reason, DoubleFundingJustification: d.DoubleFundingJustified,
		}
		for _, t := range d.CPOTranches {
			records[i].CPOTranches = append(records[i].CPOTranches, models.Tranche{Year: t.Year, MaxCents: t.MaxCents})
		}
	}
	return storeError(a.Applications.RecordSelection(ctx, in.CampaignID, records, in.At))
}

// SignalDecision tells a dossier's workflow the committee's decision (DossierDecision).
const SignalDecision = "decision"

// DossierDecision is the payload of SignalDecision.
type DossierDecision struct {
	Decision     string // selection.Retained | selection.NotRetained
	GrantedCents int64
}

// DispatchDecisions signals every decided dossier of the call with its decision.
// A dossier signalled twice (a retried activity) keeps the first decision: its
// workflow reads only one. Progress is heartbeated so a retry resumes where it stopped.
func (a *Activities) DispatchDecisions(ctx context.Context, ref CampaignRef) error {
	all, err := a.Applications.All(ctx, ref.CampaignID)
	if err != nil {
		return err
	}
	start := 0
	if activity.HasHeartbeatDetails(ctx) {
		if err := activity.GetHeartbeatDetails(ctx, &start); err != nil {
			start = 0
		}
	}
	for i := start; i < len(all); i++ {
		app := all[i]
		if app.Decision == "" {
			continue
		}
		err := a.Temporal.SignalWorkflow(ctx, app.WorkflowID, "", SignalDecision, DossierDecision{Decision: app.Decision, GrantedCents: app.GrantedCents})
		var gone *serviceerror.NotFound
		if err != nil && !errors.As(err, &gone) {
			return fmt.Errorf("signal dossier %s: %w", app.ID, err)
		}
		if err != nil {
			a.Logger.Warn("dossier workflow not running; decision recorded in the database only", "application", app.ID)
		}
		activity.RecordHeartbeat(ctx, i+1)
	}
	return nil
}
