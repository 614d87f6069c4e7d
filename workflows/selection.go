package workflows

import (
	"fmt"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// UpdateSelection records the committee's decisions on a closed call. It is an
// Update with a validator: a selection that breaks a rule is refused before it
// enters the history, and the caller gets every violation at once.
const UpdateSelection = "selection"

// Error types of a refused selection.
const (
	// ErrTypeSelectionRefused carries []selection.Violation as details.
	ErrTypeSelectionRefused = "SelectionRefused"
	// ErrTypeSelectionNotOpen: the call is not closed yet, or its selection is already recorded.
	ErrTypeSelectionNotOpen = "SelectionNotOpen"
)

// SelectionUpdate is the committee's selection with the facts the rules need,
// gathered from the database by the API (validators may not do I/O).
type SelectionUpdate struct {
	Decisions []selection.Decision
	Dossiers  []selection.Dossier
	// Actor is who sent it, named by the audit entry recorded with it.
	Actor models.Actor
	// Objectives are the call's territories with their other calls' figures (gathered by the
	// API) and the committee's written justification of a deviation from §8.1's objectives.
	Objectives selection.Objectives
	// DecisionReference is the signed decision's reference, quoted to the associations.
	DecisionReference string
}

// SelectionOutcome is what a recorded selection amounts to.
type SelectionOutcome struct {
	Totals selection.Totals
	// Deviations are the objectives of §8.1 the selection leaves unmet (recorded with it).
	Deviations []selection.Deviation
}

// SelectionRules are the rules of this campaign: its envelope and its policy's thresholds.
func (in CampaignInput) SelectionRules() selection.Rules {
	s := in.Policy.Selection
	return selection.Rules{
		EnvelopeCents:                 in.BudgetCents,
		Year:                          in.Year,
		EmploymentLanguageThemes:      s.EmploymentLanguageThemes,
		EmploymentLanguageMinPercent:  s.EmploymentLanguageMinPercent,
		NonBPIBeneficiariesMinPercent: s.NonBPIBeneficiariesMinPercent,
		PNEMissesBlockingRenewal:      s.PNEMissesBlockingRenewal,
	}
}

func (c *campaign) validateSelection(u SelectionUpdate) error {
	if err := refuseBadText(selectionTexts(u)...); err != nil {
		return err
	}
	if c.state.Phase != models.PhaseClosed {
		return temporal.NewApplicationError("la sélection s'enregistre une fois, après la clôture de l'appel (phase actuelle : "+c.state.Phase+")",
			ErrTypeSelectionNotOpen)
	}
	if violations := selection.CheckWith(c.in.SelectionRules(), u.Objectives, u.Dossiers, u.Decisions); violations != nil {
		return temporal.NewApplicationError("la sélection ne respecte pas les règles de l'instruction", ErrTypeSelectionRefused, violations)
	}
	return nil
}

// selectionTexts are the texts of a selection's decisions, named as the API names them.
func selectionTexts(u SelectionUpdate) []text {
	var out []text
	for i, d := range u.Decisions {
		at := fmt.Sprintf("decisions[%d].", i)
		out = append(out, text{at + "application_id", d.ApplicationID}, text{at + "decision", d.Decision},
			text{at + "reason", d.Reason}, text{at + "double_funding_justification", d.DoubleFundingJustified})
	}
	return out
}

func (c *campaign) recordSelection(ctx workflow.Context, u SelectionUpdate) (SelectionOutcome, error) {
	ctx = workflow.WithActivityOptions(ctx, recordOptions)
	deviations := selection.Deviations(c.in.SelectionRules(), u.Objectives, u.Dossiers, u.Decisions)
	rec := activities.SelectionRecord{CampaignID: c.in.CampaignID, Decisions: u.Decisions, At: workflow.Now(ctx), Actor: u.Actor,
		ObjectivesJustification: u.Objectives.Justification, Deviations: deviations, DecisionReference: u.DecisionReference}
	if err := workflow.ExecuteActivity(ctx, acts.RecordSelection, rec).Get(ctx, nil); err != nil {
		if isConflict(err) {
			return SelectionOutcome{}, temporal.NewApplicationError("la sélection de cet appel est déjà enregistrée", ErrTypeSelectionNotOpen)
		}
		return SelectionOutcome{}, err
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(models.PhaseSelected)); err != nil {
		return SelectionOutcome{}, err
	}
	c.state.Phase = models.PhaseSelected
	c.state.SelectedAt = &rec.At
	return SelectionOutcome{Totals: selection.Summarise(c.in.SelectionRules(), u.Dossiers, u.Decisions), Deviations: deviations}, nil
}

// awaitSelection waits for the committee's decisions, then passes each one to its dossier's workflow.
func (c *campaign) awaitSelection(ctx workflow.Context) error {
	if err := workflow.Await(ctx, func() bool { return c.state.Phase == models.PhaseSelected || c.cancelled() }); err != nil {
		return err
	}
	if c.cancelled() {
		return nil
	}
	dispatchCtx := workflow.WithActivityOptions(ctx, dispatchOptions)
	ref := activities.CampaignRef{CampaignID: c.in.CampaignID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	dispatch := activities.DossierSignal{CampaignRef: ref, Signal: SignalDecision}
	if err := workflow.ExecuteActivity(dispatchCtx, acts.DispatchDecisions, dispatch).Get(ctx, nil); err != nil {
		return err
	}
	c.notify(ctx, acts.NotifyCarifOref, "Carif-Oref list")
	return nil
}
