package workflows

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

// QueryCampaignState returns the campaign's CampaignState.
const QueryCampaignState = "campaign-state"

// CampaignInput starts a campaign workflow. The policy is copied in at start,
// so a later edit of the policy files never changes a running campaign.
type CampaignInput struct {
	CampaignID string
	Year       int
	Level      string
	Territory  string
	PublishAt  time.Time
	CloseAt    time.Time
	Policy     policy.Policy
	// MailRetryFor bounds the retries of a transient SMTP failure (AAP_MAIL_RETRY_FOR);
	// zero means defaultMailRetryFor.
	MailRetryFor time.Duration
	// BudgetCents is the call's envelope, a ceiling for the selection.
	BudgetCents int64
	// DSDemarche is the Démarches Simplifiées démarche the call also takes its dossiers
	// from (0: none); DSPullEvery its schedule while open (0: DefaultDSPullEvery).
	DSDemarche  int
	DSPullEvery time.Duration
	// CalendarLate: the call is published after the end of Q1 or closes after 31 May, with
	// the difficulty written; DIAN is told at once (§8.3).
	CalendarLate bool
}

// CampaignState is what the state query answers.
type CampaignState struct {
	Phase       string     `json:"phase"`
	PublishAt   time.Time  `json:"publish_at"`
	CloseAt     time.Time  `json:"close_at"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	SelectedAt  *time.Time `json:"selected_at,omitempty"`
	// NotificationFailed is set when the publication notice could not be delivered.
	NotificationFailed bool `json:"notification_failed,omitempty"`
}

// CampaignResult is returned when the campaign's workflow ends.
type CampaignResult struct {
	Phase string
}

// CampaignWorkflow carries one call for projects: it waits durably for the
// publication date, publishes the call and tells the correspondent, then waits
// for the closing date and closes it (§8.3).
func CampaignWorkflow(ctx workflow.Context, in CampaignInput) (CampaignResult, error) {
	c := &campaign{in: in, state: CampaignState{Phase: models.PhaseScheduled, PublishAt: in.PublishAt, CloseAt: in.CloseAt}}
	if err := c.setup(ctx); err != nil {
		return CampaignResult{}, err
	}
	return c.run(ctx)
}

// campaign holds the workflow's state in one place; the query handler reads it.
type campaign struct {
	in    CampaignInput
	state CampaignState
	// deciding lets one command (selection or cancellation) be recorded at a time.
	deciding oneAtATime
	// dsConnector is the DS connector's child workflow, for a call with a démarche.
	dsConnector workflow.ChildWorkflowFuture
}

func (c *campaign) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryCampaignState, func() (CampaignState, error) {
		return c.state, nil
	}); err != nil {
		return err
	}
	if err := workflow.SetUpdateHandlerWithOptions(ctx, UpdateSelection,
		func(ctx workflow.Context, u SelectionUpdate) (SelectionOutcome, error) {
			var out SelectionOutcome
			err := c.deciding.decide(ctx, func() error { return c.validateSelection(u) }, func() (err error) {
				out, err = c.recordSelection(ctx, u)
				return err
			})
			return out, err
		},
		workflow.UpdateHandlerOptions{Validator: c.validateSelection}); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateCancelCampaign,
		func(ctx workflow.Context, x Cancellation) error {
			return c.deciding.decide(ctx, func() error { return c.validateCancel(x) }, func() error { return c.recordCancel(ctx, x) })
		},
		workflow.UpdateHandlerOptions{Validator: c.validateCancel})
}

func (c *campaign) run(ctx workflow.Context) (CampaignResult, error) {
	ctx = workflow.WithActivityOptions(ctx, recordOptions)
	if c.in.CalendarLate {
		c.notify(ctx, acts.NotifyCalendarDeviation, "calendar deviation report to DIAN")
	}
	if cancelled, err := c.waitUntil(ctx, c.in.PublishAt); err != nil || cancelled {
		return c.endEarly(ctx, err)
	}
	if cancelled, err := c.enter(ctx, models.PhasePublished); err != nil || cancelled {
		return c.endEarly(ctx, err)
	}
	c.notify(ctx, acts.NotifyCampaignPublished, "publication notice")
	c.startDSConnector(ctx)

	if cancelled, err := c.waitUntil(ctx, c.in.CloseAt); err != nil || cancelled {
		return c.endEarly(ctx, err)
	}
	if cancelled, err := c.enter(ctx, models.PhaseClosed); err != nil || cancelled {
		return c.endEarly(ctx, err)
	}
	c.awaitDSFinalPull(ctx)
	c.notify(ctx, acts.NotifyCampaignClosed, "closure summary")
	if err := c.awaitSelection(ctx); err != nil || c.cancelled() {
		return c.endEarly(ctx, err)
	}
	// The call may still be cancelled until its conventions are signed or lapsed.
	if _, err := c.waitUntil(ctx, workflow.Now(ctx).Add(time.Duration(c.in.Policy.Convention.LapseAfter))); err != nil || c.cancelled() {
		return c.endEarly(ctx, err)
	}
	// An update in flight finishes before the workflow does.
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return CampaignResult{}, err
	}
	return CampaignResult{Phase: c.state.Phase}, nil
}

// endEarly ends the run on an error, or on a cancellation passed on to the dossiers.
func (c *campaign) endEarly(ctx workflow.Context, err error) (CampaignResult, error) {
	if err != nil {
		return CampaignResult{}, err
	}
	return c.wrapUpCancellation(ctx)
}

// enter records a phase in the database, then in the search attributes and the
// queried state; it reports a cancellation that came first, and then records nothing.
// It takes its turn with the commands (c.deciding): a cancellation arriving while the
// phase is written is recorded after it, and a phase never lands over a cancellation
// (both writes in flight at once could land in either order, and the phase set
// afterwards in the state would take the call back from « cancelled »).
func (c *campaign) enter(ctx workflow.Context, phase string) (cancelled bool, err error) {
	err = c.deciding.decide(ctx, func() error {
		if c.cancelled() {
			return errCancelledFirst
		}
		return nil
	}, func() error { return c.recordPhase(ctx, phase) })
	if errors.Is(err, errCancelledFirst) {
		return true, nil
	}
	return false, err
}

// errCancelledFirst: the call was cancelled before its next phase could be recorded.
var errCancelledFirst = errors.New("campaign cancelled before the phase was recorded")

func (c *campaign) recordPhase(ctx workflow.Context, phase string) error {
	now := workflow.Now(ctx)
	change := activities.PhaseChange{CampaignID: c.in.CampaignID, Phase: phase, At: now}
	if err := workflow.ExecuteActivity(ctx, acts.RecordCampaignPhase, change).Get(ctx, nil); err != nil {
		return err
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(phase)); err != nil {
		return err
	}
	c.state.Phase = phase
	switch phase {
	case models.PhasePublished:
		c.state.PublishedAt = &now
	case models.PhaseClosed:
		c.state.ClosedAt = &now
	}
	return nil
}

// notify emails the correspondent. An email that cannot be delivered (address
// refused, relay down for a day) does not hold the call back: the outbox
// records the failure and the state shows it.
func (c *campaign) notify(ctx workflow.Context, activity func(context.Context, activities.CampaignRef) error, what string) {
	ctx = workflow.WithActivityOptions(ctx, emailOptions(c.in.MailRetryFor))
	ref := activities.CampaignRef{CampaignID: c.in.CampaignID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	if err := workflow.ExecuteActivity(ctx, activity, ref).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn(what+" not delivered", "campaign", c.in.CampaignID, "error", err)
		c.state.NotificationFailed = true
	}
}
