package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
)

// SignalControlPlanned tells a region's control workflow that a control was
// planned (or moved): the association is to be told its date.
const SignalControlPlanned = "control-planned"

// QueryControlState returns the region's ControlState.
const QueryControlState = "control-state"

// Phases of a region's controls of a year.
const (
	ControlPhaseScheduled = "scheduled"      // controls are planned; the synthesis is ahead
	ControlPhaseSent      = "synthesis_sent" // the synthesis has gone to DIAN
)

// ControlPlanned is the payload of SignalControlPlanned: the control, never the association.
type ControlPlanned struct {
	ControlID string
	// PlannedOn is the visit's date ("2027-06-15"): a moved control is announced again.
	PlannedOn string
}

// ControlInput starts a region's control workflow of a year. The policy is copied in at start.
type ControlInput struct {
	Year   int
	Region string
	Policy policy.Policy
	// MailRetryFor bounds the retries of a transient SMTP failure (AAP_MAIL_RETRY_FOR).
	MailRetryFor time.Duration
}

// ControlState is what the state query answers.
type ControlState struct {
	Phase         string      `json:"phase"`
	SynthesisDue  time.Time   `json:"synthesis_due"`
	Reminders     []time.Time `json:"reminders"`
	RemindersSent int         `json:"reminders_sent"`
	// Announced counts the emails telling an association its control's date.
	Announced int `json:"announced"`
	// Controls and Done are what the synthesis held, once sent.
	Controls int `json:"controls"`
	Done     int `json:"done"`
	// FailedNotices counts announcements that could not be delivered within the retry delay.
	FailedNotices int `json:"failed_notices,omitempty"`
}

// ControlWorkflowResult is returned once the synthesis has gone.
type ControlWorkflowResult struct {
	Phase     string
	Controls  int
	Done      int
	Announced int
}

// ControlSchedule is when a region's synthesis is due (§8.5: 30 September in
// 2024), at 9:00 in Paris on calendar.control_synthesis_due, and when the
// correspondents are reminded (control.synthesis_reminders_before). The demo
// policy places the synthesis demo.control_synthesis_after the workflow's start.
func ControlSchedule(year int, p policy.Policy, start time.Time) (dueAt time.Time, reminders []time.Time) {
	if p.IsDemo() {
		dueAt = start.Add(time.Duration(p.Demo.ControlSynthesisAfter))
	} else {
		d := p.Calendar.ControlSynthesisDue.In(year)
		dueAt = time.Date(d.Year, d.Month, d.Day, 9, 0, 0, 0, french.Paris)
	}
	for _, before := range p.Control.SynthesisRemindersBefore {
		reminders = append(reminders, dueAt.Add(-time.Duration(before)))
	}
	return dueAt, reminders
}

// ControlWorkflow carries a region's on-site controls of a year (§8.5): it
// tells each association the date of its control as it is planned, reminds the
// correspondents before the synthesis is due, and at the date sends DIAN the
// region's synthesis (XLSX). Results and follow-ups are database records the
// synthesis reads when it leaves.
func ControlWorkflow(ctx workflow.Context, in ControlInput) (ControlWorkflowResult, error) {
	c := &controls{in: in, state: ControlState{Phase: ControlPhaseScheduled}}
	if err := c.setup(ctx); err != nil {
		return ControlWorkflowResult{}, err
	}
	return c.run(ctx)
}

// controls holds the workflow's state in one place; the query handler reads it.
type controls struct {
	in      ControlInput
	state   ControlState
	planned workflow.ReceiveChannel
	ref     activities.ControlRef
}

func (c *controls) setup(ctx workflow.Context) error {
	c.planned = workflow.GetSignalChannel(ctx, SignalControlPlanned)
	c.ref = activities.ControlRef{Year: c.in.Year, Region: c.in.Region, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	return workflow.SetQueryHandler(ctx, QueryControlState, func() (ControlState, error) { return c.state, nil })
}

func (c *controls) run(ctx workflow.Context) (ControlWorkflowResult, error) {
	dueAt, reminders := ControlSchedule(c.in.Year, c.in.Policy, workflow.Now(ctx))
	c.state.SynthesisDue, c.state.Reminders = dueAt, reminders
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(c.in.MailRetryFor))
	start := workflow.Now(ctx)
	for i, at := range reminders {
		if at.Before(start) {
			continue // planned late: a reminder already past is not sent
		}
		if err := c.waitUntil(ctx, at); err != nil {
			return ControlWorkflowResult{}, err
		}
		var n int
		err := workflow.ExecuteActivity(mailCtx, acts.RemindControlSynthesis,
			activities.SynthesisReminder{ControlRef: c.ref, DueAt: dueAt, Reminder: i + 1}).Get(ctx, &n)
		if err != nil {
			workflow.GetLogger(ctx).Warn("control synthesis reminder not sent", "reminder", i+1, "error", err)
			continue
		}
		c.state.RemindersSent++
	}
	if err := c.waitUntil(ctx, dueAt); err != nil {
		return ControlWorkflowResult{}, err
	}
	// Announcements that arrived with the date go first: the synthesis lists their controls.
	c.drain(ctx)
	var sum activities.SynthesisSummary
	err := workflow.ExecuteActivity(mailCtx, acts.SendControlSynthesis,
		activities.SynthesisSending{ControlRef: c.ref, DueAt: dueAt}).Get(ctx, &sum)
	if err != nil {
		return ControlWorkflowResult{}, err
	}
	c.state.Controls, c.state.Done = sum.Controls, sum.Done
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(ControlPhaseSent)); err != nil {
		return ControlWorkflowResult{}, err
	}
	c.state.Phase = ControlPhaseSent
	c.drain(ctx) // a control planned while the synthesis left is still announced
	return ControlWorkflowResult{Phase: ControlPhaseSent, Controls: sum.Controls, Done: sum.Done, Announced: c.state.Announced}, nil
}

// waitUntil sleeps until at, announcing each control planned meanwhile.
func (c *controls) waitUntil(ctx workflow.Context, at time.Time) error {
	for {
		d := at.Sub(workflow.Now(ctx))
		if d <= 0 {
			return nil
		}
		timerCtx, cancel := workflow.WithCancel(ctx)
		timer := workflow.NewTimer(timerCtx, d)
		var fired bool
		var timerErr error
		var sig ControlPlanned
		workflow.NewSelector(ctx).
			AddFuture(timer, func(f workflow.Future) { fired, timerErr = true, f.Get(ctx, nil) }).
			AddReceive(c.planned, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, &sig) }).
			Select(ctx)
		if fired {
			cancel()
			return timerErr
		}
		cancel() // a new timer for what is left is started on the next turn
		c.announce(ctx, sig)
	}
}

// drain announces the controls whose signals are waiting.
func (c *controls) drain(ctx workflow.Context) {
	var sig ControlPlanned
	for c.planned.ReceiveAsync(&sig) {
		c.announce(ctx, sig)
	}
}

// announce tells the association its control's date. A failure (the address
// refused for good, the relay down past the retry delay) does not stop the
// region's controls: the correspondent is told of a refusal by the activity.
func (c *controls) announce(ctx workflow.Context, sig ControlPlanned) {
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(c.in.MailRetryFor))
	err := workflow.ExecuteActivity(mailCtx, acts.NotifyControlPlanned,
		activities.ControlNotice{ControlRef: c.ref, ControlID: sig.ControlID}).Get(ctx, nil)
	if err != nil {
		workflow.GetLogger(ctx).Warn("control not announced", "control", sig.ControlID, "error", err)
		c.state.FailedNotices++
		return
	}
	c.state.Announced++
}
