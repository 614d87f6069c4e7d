package workflows

import (
	"strings"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/models"
)

// UpdateCancelCampaign cancels a call, with a reason, before its conventions are
// signed: every dossier's workflow is told, tells its porteur de projet, and
// every pending timer stops.
const UpdateCancelCampaign = "cancel"

// ErrTypeCancelRefused: the call is already cancelled, or the reason is missing.
const ErrTypeCancelRefused = "CancelRefused"

// Cancellation is why the correspondent cancels the call.
type Cancellation struct {
	Reason string
	// Actor is who sent it, named by the audit entry recorded with it.
	Actor models.Actor
}

func (c *campaign) validateCancel(x Cancellation) error {
	if err := refuseBadText(text{"reason", x.Reason}); err != nil {
		return err
	}
	if c.state.Phase == models.PhaseCancelled {
		return temporal.NewApplicationError("l'appel à projets est déjà annulé", ErrTypeCancelRefused)
	}
	if len([]rune(strings.TrimSpace(x.Reason))) < 5 {
		return temporal.NewApplicationError("reason : indiquez le motif de l'annulation (5 caractères au moins)", ErrTypeCancelRefused)
	}
	return nil
}

func (c *campaign) recordCancel(ctx workflow.Context, x Cancellation) error {
	ctx = workflow.WithActivityOptions(ctx, recordOptions)
	rec := activities.CampaignCancellation{CampaignID: c.in.CampaignID, Reason: strings.TrimSpace(x.Reason), At: workflow.Now(ctx), Actor: x.Actor}
	if err := workflow.ExecuteActivity(ctx, acts.RecordCampaignCancelled, rec).Get(ctx, nil); err != nil {
		if isConflict(err) {
			return temporal.NewApplicationError("l'appel à projets est déjà annulé", ErrTypeCancelRefused)
		}
		return err
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(models.PhaseCancelled)); err != nil {
		return err
	}
	c.state.Phase = models.PhaseCancelled
	return nil
}

func (c *campaign) cancelled() bool { return c.state.Phase == models.PhaseCancelled }

// waitUntil waits durably until t, or less if the call is cancelled; it reports the cancellation.
func (c *campaign) waitUntil(ctx workflow.Context, t time.Time) (bool, error) {
	if d := t.Sub(workflow.Now(ctx)); d > 0 {
		if _, err := workflow.AwaitWithTimeout(ctx, d, c.cancelled); err != nil {
			return false, err
		}
	}
	return c.cancelled(), nil
}

// wrapUpCancellation passes the cancellation on to every dossier of the call.
func (c *campaign) wrapUpCancellation(ctx workflow.Context) (CampaignResult, error) {
	ctx = workflow.WithActivityOptions(ctx, dispatchOptions)
	ref := activities.CampaignRef{CampaignID: c.in.CampaignID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	dispatch := activities.DossierSignal{CampaignRef: ref, Signal: SignalCampaignCancelled}
	if err := workflow.ExecuteActivity(ctx, acts.DispatchCancellation, dispatch).Get(ctx, nil); err != nil {
		return CampaignResult{}, err
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return CampaignResult{}, err
	}
	return CampaignResult{Phase: models.PhaseCancelled}, nil
}

// listenForCancellation records the call's cancellation in the dossier's state when it arrives.
func listenForCancellation(ctx workflow.Context, st *ApplicationState) {
	ch := workflow.GetSignalChannel(ctx, SignalCampaignCancelled)
	var x CampaignCancelled
	// A dossier's first task is its call's closure (its start delay): a cancellation
	// signalled before it waits in the channel, and is read here, before the dossier could
	// go under review.
	if ch.ReceiveAsync(&x) {
		st.CancelReason = x.Reason
		return
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch.Receive(ctx, &x)
		st.CancelReason = x.Reason
	})
}

// cancelDossier records the dossier as cancelled and tells its porteur de projet.
func cancelDossier(ctx workflow.Context, in ApplicationInput, ref activities.ApplicationRef, st *ApplicationState) (ApplicationResult, error) {
	ctx = workflow.WithActivityOptions(ctx, emailOptions(in.MailRetryFor))
	x := activities.DossierCancellation{ApplicationRef: ref, Reason: st.CancelReason}
	// The activity records the cancellation before it writes to the porteur de projet: an
	// address refused for good leaves the dossier cancelled (the correspondent is told by
	// the activity), not its workflow failed.
	if err := workflow.ExecuteActivity(ctx, acts.CancelDossier, x).Get(ctx, nil); isRefusal(err, activities.ErrTypeEmailRefused) {
		workflow.GetLogger(ctx).Warn("cancellation not delivered to the porteur de projet", "error", err)
	} else if err != nil {
		return ApplicationResult{}, err
	}
	if err := setDossierState(ctx, st, models.ApplicationCancelled); err != nil {
		return ApplicationResult{}, err
	}
	if st.Convention == models.ConventionAwaitingSignature {
		st.Convention = models.ConventionCancelled
	}
	return ApplicationResult{State: st.State, Convention: st.Convention}, nil
}
