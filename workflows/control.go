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

// SignalControlUpdated tells a region's control workflow that a control's
// result or follow-up was recorded: after the synthesis, it goes into a
// supplementary synthesis.
const SignalControlUpdated = "control-updated"

// QueryControlState returns the region's ControlState.
const QueryControlState = "control-state"

// Phases of a region's controls of a year.
const (
	ControlPhaseScheduled = "scheduled"      // controls are planned; the synthesis is ahead
	ControlPhaseSent      = "synthesis_sent" // the synthesis has gone to DIAN; supplements follow what changes
)

// ControlPlanned is the payload of SignalControlPlanned: the control, never the association.
type ControlPlanned struct {
	ControlID string
	// PlannedOn is the visit's date ("2027-06-15"): a moved control is announced again.
	PlannedOn string
}

// ControlUpdated is the payload of SignalControlUpdated: the control whose result or follow-up changed.
type ControlUpdated struct {
	ControlID string
}

// ControlInput starts a region's control workflow of a year. The policy is copied in at start.
type ControlInput struct {
	Year   int
	Region string
	Policy policy.Policy
	// MailRetryFor bounds the retries of a transient SMTP failure (AAP_MAIL_RETRY_FOR).
	MailRetryFor time.Duration
	// SynthesisSent starts a run after an earlier one ended with the synthesis
	// sent: it only follows the controls up, its next supplement numbered
	// Supplements+1 (the database's count when the run was started).
	SynthesisSent bool
	Supplements   int
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
	// Supplements counts the supplementary syntheses sent (this run and earlier ones);
	// SupplementDue is when the next leaves, while a change waits for it.
	Supplements   int        `json:"supplements"`
	SupplementDue *time.Time `json:"supplement_due,omitempty"`
	// Open counts the controls not yet held and the follow-ups not closed, as the
	// last synthesis found them: the run follows them up while there are any.
	Open int `json:"open"`
	// Gaps counts the departments flagged without a control held by the synthesis date.
	Gaps int `json:"gaps"`
}

// ControlWorkflowResult is returned once the synthesis has gone and nothing is left open.
type ControlWorkflowResult struct {
	Phase       string
	Controls    int
	Done        int
	Announced   int
	Supplements int
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
// region's synthesis (XLSX) and flags the departments without a control held.
// It then follows the controls up past that date (« un focus spécifique devra
// être effectué sur les suites concrètes données à ces différents contrôles »):
// a control planned, or a result or follow-up recorded, afterwards goes into a
// supplementary synthesis, until every control is held and every follow-up
// closed. Results and follow-ups are database records the syntheses read.
func ControlWorkflow(ctx workflow.Context, in ControlInput) (ControlWorkflowResult, error) {
	c := &controls{in: in, state: ControlState{Phase: ControlPhaseScheduled, Supplements: in.Supplements}}
	if in.SynthesisSent {
		c.state.Phase = ControlPhaseSent
	}
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
	updated workflow.ReceiveChannel
	ref     activities.ControlRef
	// changed: a control was planned or recorded since the last synthesis left.
	changed bool
}

func (c *controls) setup(ctx workflow.Context) error {
	c.planned = workflow.GetSignalChannel(ctx, SignalControlPlanned)
	c.updated = workflow.GetSignalChannel(ctx, SignalControlUpdated)
	c.ref = activities.ControlRef{Year: c.in.Year, Region: c.in.Region, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	return workflow.SetQueryHandler(ctx, QueryControlState, func() (ControlState, error) { return c.state, nil })
}

func (c *controls) run(ctx workflow.Context) (ControlWorkflowResult, error) {
	if c.in.SynthesisSent {
		c.changed, c.state.Open = true, 1 // started by a signal after the synthesis: what it says goes into a supplement
	} else if err := c.synthesis(ctx); err != nil {
		return ControlWorkflowResult{}, err
	}
	if err := c.followUp(ctx); err != nil {
		return ControlWorkflowResult{}, err
	}
	return ControlWorkflowResult{Phase: ControlPhaseSent, Controls: c.state.Controls, Done: c.state.Done,
		Announced: c.state.Announced, Supplements: c.state.Supplements}, nil
}

// synthesis reminds the correspondents, then at the date sends DIAN the
// region's synthesis and flags the departments left without a control.
func (c *controls) synthesis(ctx workflow.Context) error {
	dueAt, reminders := ControlSchedule(c.in.Year, c.in.Policy, workflow.Now(ctx))
	c.state.SynthesisDue, c.state.Reminders = dueAt, reminders
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(c.in.MailRetryFor))
	start := workflow.Now(ctx)
	for i, at := range reminders {
		if at.Before(start) {
			continue // planned late: a reminder already past is not sent
		}
		if err := c.waitUntil(ctx, at); err != nil {
			return err
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
		return err
	}
	// Announcements that arrived with the date go first: the synthesis lists their controls.
	c.drain(ctx)
	var sum activities.SynthesisSummary
	err := workflow.ExecuteActivity(mailCtx, acts.SendControlSynthesis,
		activities.SynthesisSending{ControlRef: c.ref, DueAt: dueAt}).Get(ctx, &sum)
	if err != nil {
		return err
	}
	c.state.Controls, c.state.Done, c.state.Open = sum.Controls, sum.Done, sum.Open
	c.changed = false
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(ControlPhaseSent)); err != nil {
		return err
	}
	c.state.Phase = ControlPhaseSent
	var gaps int
	if err := workflow.ExecuteActivity(mailCtx, acts.FlagControlGaps,
		activities.SynthesisSending{ControlRef: c.ref, DueAt: dueAt}).Get(ctx, &gaps); err != nil {
		return err
	}
	c.state.Gaps = gaps
	return nil
}

// followUp sends a supplementary synthesis control.supplement_after the first
// change the last synthesis did not hold, and ends once nothing is left open
// and nothing waits to be sent.
func (c *controls) followUp(ctx workflow.Context) error {
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(c.in.MailRetryFor))
	for {
		c.drain(ctx)
		if !c.changed {
			if c.state.Open == 0 {
				return nil
			}
			c.waitForChange(ctx)
			continue
		}
		at := workflow.Now(ctx).Add(time.Duration(c.in.Policy.Control.SupplementAfter))
		c.state.SupplementDue = &at
		if err := c.waitUntil(ctx, at); err != nil {
			return err
		}
		c.drain(ctx)
		n := c.state.Supplements + 1
		var sum activities.SynthesisSummary
		err := workflow.ExecuteActivity(mailCtx, acts.SendSupplementarySynthesis,
			activities.SynthesisSending{ControlRef: c.ref, DueAt: c.state.SynthesisDue, Supplement: n}).Get(ctx, &sum)
		if err != nil {
			return err
		}
		c.state.Supplements, c.state.SupplementDue, c.changed = n, nil, false
		c.state.Controls, c.state.Done, c.state.Open = sum.Controls, sum.Done, sum.Open
	}
}

// waitForChange blocks until a control is planned or recorded; drain handles it.
func (c *controls) waitForChange(ctx workflow.Context) {
	workflow.NewSelector(ctx).
		AddReceive(c.planned, func(workflow.ReceiveChannel, bool) {}).
		AddReceive(c.updated, func(workflow.ReceiveChannel, bool) {}).
		Select(ctx)
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
		var upd ControlUpdated
		var gotPlanned, gotUpdated bool
		workflow.NewSelector(ctx).
			AddFuture(timer, func(f workflow.Future) { fired, timerErr = true, f.Get(ctx, nil) }).
			AddReceive(c.planned, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, &sig); gotPlanned = true }).
			AddReceive(c.updated, func(ch workflow.ReceiveChannel, _ bool) { ch.Receive(ctx, &upd); gotUpdated = true }).
			Select(ctx)
		if fired {
			cancel()
			return timerErr
		}
		cancel() // a new timer for what is left is started on the next turn
		if gotPlanned {
			c.announce(ctx, sig)
		}
		if gotUpdated {
			c.record(upd)
		}
	}
}

// drain announces the controls whose signals are waiting and notes the changes recorded.
func (c *controls) drain(ctx workflow.Context) {
	var sig ControlPlanned
	for c.planned.ReceiveAsync(&sig) {
		c.announce(ctx, sig)
	}
	var upd ControlUpdated
	for c.updated.ReceiveAsync(&upd) {
		c.record(upd)
	}
}

// record notes a result or follow-up recorded: after the synthesis it is
// owed to DIAN in a supplement; before, the synthesis will read it.
func (c *controls) record(ControlUpdated) {
	if c.state.Phase == ControlPhaseSent {
		c.changed = true
	}
}

// announce tells the association its control's date. A failure (the address
// refused for good, the relay down past the retry delay) does not stop the
// region's controls: the correspondent is told of a refusal by the activity.
func (c *controls) announce(ctx workflow.Context, sig ControlPlanned) {
	if c.state.Phase == ControlPhaseSent {
		c.changed = true // planned after the synthesis: owed to DIAN in a supplement
	}
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
