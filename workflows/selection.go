package workflows

import (
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
	ErrTypeSelectionRefused = activities.ErrTypeSelectionRefused
	// ErrTypeSelectionNotOpen: the call is not closed yet, or its selection is already recorded.
	ErrTypeSelectionNotOpen = "SelectionNotOpen"
)

// SelectionUpdate names the committee's selection, which the API checked and kept in the
// database (a draft, with the facts the rules need): the history holds this reference, a few
// hundred bytes whatever the number of dossiers, and the activity that records the draft
// judges it again by the call's rules.
type SelectionUpdate struct {
	Draft activities.SelectionDraftRef
	// Actor is who sent it, named by the audit entry recorded with it.
	Actor models.Actor
}

// SelectionOutcome is what a recorded selection amounts to.
type SelectionOutcome = activities.SelectionOutcome

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
	if err := refuseBadText(text{"actor", u.Actor.Name}); err != nil {
		return err
	}
	if c.state.Phase != models.PhaseClosed {
		return temporal.NewApplicationError("la sélection s'enregistre une fois, après la clôture de l'appel (phase actuelle : "+c.state.Phase+")",
			ErrTypeSelectionNotOpen)
	}
	if u.Draft.ID == "" || len(u.Draft.Digest) != 64 || u.Draft.Decisions < 1 {
		return temporal.NewApplicationError("la sélection ne désigne aucune décision enregistrée", ErrTypeSelectionRefused,
			[]selection.Violation{{Rule: "required", Field: "decisions", Message: "au moins une décision"}})
	}
	return nil
}

func (c *campaign) recordSelection(ctx workflow.Context, u SelectionUpdate) (SelectionOutcome, error) {
	ctx = workflow.WithActivityOptions(ctx, recordOptions)
	rec := activities.SelectionRecord{CampaignID: c.in.CampaignID, Draft: u.Draft, Rules: c.in.SelectionRules(), At: workflow.Now(ctx), Actor: u.Actor}
	var out SelectionOutcome
	if err := workflow.ExecuteActivity(ctx, acts.RecordSelection, rec).Get(ctx, &out); err != nil {
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
	return out, nil
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
