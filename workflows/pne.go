package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
)

// QueryPNEState returns the year's PNEState.
const QueryPNEState = "pne-state"

// Phases of a year's PNE.
const (
	PNEPhaseScheduled = "scheduled" // waiting for the list's due date
	PNEPhaseListed    = "listed"    // the list of structures is drawn up
	PNEPhaseSent      = "sent"      // the questionnaire has left; reminders follow
	PNEPhaseClosed    = "closed"    // answers and misses recorded in pne_results
	PNEPhaseSkipped   = "skipped"   // no calendar (a demo policy without PNE offsets) or started after the closure
)

// PNEInput starts a year's PNE workflow. The policy is copied in at start.
type PNEInput struct {
	Year   int
	Policy policy.Policy
	// SurveyURL is the LimeSurvey questionnaire; each structure's link adds "?token=…" (AAP_PNE_SURVEY_URL).
	SurveyURL string
	// MailRetryFor bounds the retries of a transient SMTP failure (AAP_MAIL_RETRY_FOR).
	MailRetryFor time.Duration
	// PerSecond paces the batches (AAP_MAIL_RATE); 0: unpaced.
	PerSecond int
	// LimeSurvey: the structures are added to the survey and the completions read from it
	// (AAP_LIMESURVEY_URL set); otherwise the answers come by the CSV import only.
	LimeSurvey bool
}

// PNEState is what the state query answers.
type PNEState struct {
	Phase         string    `json:"phase"`
	ListDue       time.Time `json:"list_due"`
	SendAt        time.Time `json:"send_at"`
	CloseAt       time.Time `json:"close_at"`
	Structures    int       `json:"structures"`
	Invited       int       `json:"invited"`
	RemindersSent int       `json:"reminders_sent"`
	// MailingFailed is set when a mailing could not be completed within the retry delay.
	MailingFailed bool `json:"mailing_failed,omitempty"`
	// BlocksConfirmed and BlocksLifted count the provisional renewal blocks the closure
	// confirmed or lifted; RecheckFailed is set when that recheck could not complete.
	BlocksConfirmed int  `json:"blocks_confirmed"`
	BlocksLifted    int  `json:"blocks_lifted"`
	RecheckFailed   bool `json:"recheck_failed,omitempty"`
	// LimeSurvey is the connector's state, when one is configured.
	LimeSurvey LimeSurveyState `json:"limesurvey"`
}

// PNEWorkflowResult is returned when the year's PNE ends.
type PNEWorkflowResult struct {
	Phase      string
	Structures int
	Answered   int
}

// PNESchedule is when a year's PNE steps happen (§8.4), in Paris time: the list
// at the end of pne_list_due, the questionnaire at 9:00 on pne_send, reminders
// some days after, the closure at the end of pne_close. ok is false when the
// policy has no PNE calendar (the demo policy).
func PNESchedule(year int, p policy.Policy) (listDue, sendAt, closeAt time.Time, reminders []time.Time, ok bool) {
	c := p.Calendar
	if p.IsDemo() || c.PNEListDue.IsZero() || c.PNESend.IsZero() || c.PNEClose.IsZero() {
		return time.Time{}, time.Time{}, time.Time{}, nil, false
	}
	send := c.PNESend.In(year)
	sendAt = time.Date(send.Year, send.Month, send.Day, 9, 0, 0, 0, french.Paris)
	for _, d := range p.PNE.ReminderDaysAfterSend {
		reminders = append(reminders, sendAt.AddDate(0, 0, d))
	}
	return c.PNEListDue.In(year).EndOfDay(), sendAt, c.PNEClose.In(year).EndOfDay(), reminders, true
}

// DemoPNESchedule places a PNE started at start under the demo policy at its
// offsets (demo.pne_*), so that a whole year runs in minutes. ok is false when
// the policy is not the demo's or places no PNE.
func DemoPNESchedule(p policy.Policy, start time.Time) (listDue, sendAt, closeAt time.Time, reminders []time.Time, ok bool) {
	if !p.IsDemo() || !p.Demo.HasPNE() {
		return time.Time{}, time.Time{}, time.Time{}, nil, false
	}
	d := p.Demo
	sendAt = start.Add(time.Duration(d.PNESendAfter))
	for _, after := range d.PNERemindersAfterSend {
		reminders = append(reminders, sendAt.Add(time.Duration(after)))
	}
	return start.Add(time.Duration(d.PNEListAfter)), sendAt, start.Add(time.Duration(d.PNECloseAfter)), reminders, true
}

// PNEWorkflow carries one year's Plan national d'évaluation (§8.4): it draws up
// the list of the structures funded the year before, sends each its personal
// questionnaire link, reminds those that have not answered, and at the closure
// records who answered and who missed it, which blocks renewals.
func PNEWorkflow(ctx workflow.Context, in PNEInput) (PNEWorkflowResult, error) {
	p := &pne{in: in, state: PNEState{Phase: PNEPhaseScheduled}}
	if err := p.setup(ctx); err != nil {
		return PNEWorkflowResult{}, err
	}
	return p.run(ctx)
}

// pne holds the workflow's state in one place; the query handler reads it.
type pne struct {
	in    PNEInput
	state PNEState
}

func (p *pne) setup(ctx workflow.Context) error {
	// Answers are not signalled: thousands of them would swell the history, and
	// the database is the truth (reminders read who has not answered when they leave).
	return workflow.SetQueryHandler(ctx, QueryPNEState, func() (PNEState, error) { return p.state, nil })
}

func (p *pne) run(ctx workflow.Context) (PNEWorkflowResult, error) {
	listDue, sendAt, closeAt, reminders, ok := PNESchedule(p.in.Year, p.in.Policy)
	if p.in.Policy.IsDemo() {
		listDue, sendAt, closeAt, reminders, ok = DemoPNESchedule(p.in.Policy, workflow.Now(ctx))
	}
	p.state.ListDue, p.state.SendAt, p.state.CloseAt = listDue, sendAt, closeAt
	p.state.LimeSurvey.Configured = p.in.LimeSurvey
	if !ok || !workflow.Now(ctx).Before(closeAt) {
		// No calendar, or too late: recording everyone as missed would block renewals unfairly.
		return p.end(ctx, PNEPhaseSkipped, PNEWorkflowResult{})
	}
	ref := activities.PNERef{Year: p.in.Year, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	recordCtx := workflow.WithActivityOptions(ctx, recordOptions)

	if err := sleepUntil(ctx, listDue); err != nil {
		return PNEWorkflowResult{}, err
	}
	var list activities.PNEListSummary
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, listOptions), acts.BuildPNEList, ref).Get(ctx, &list); err != nil {
		return PNEWorkflowResult{}, err
	}
	p.state.Structures = list.Structures
	if err := p.enter(ctx, PNEPhaseListed); err != nil {
		return PNEWorkflowResult{}, err
	}

	if err := sleepUntil(ctx, sendAt); err != nil {
		return PNEWorkflowResult{}, err
	}
	p.registerLimeSurveyParticipants(ctx, ref)
	invitedAt := workflow.Now(ctx)
	p.state.Invited = p.mail(ctx, activities.PNEMailing{PNERef: ref, CloseAt: closeAt})
	p.syncLimeSurveyDaily(ctx, ref, closeAt)
	if err := p.enter(ctx, PNEPhaseSent); err != nil {
		return PNEWorkflowResult{}, err
	}
	for i, at := range reminders {
		// A reminder due before the questionnaire actually left (a late start) or after the closure is skipped.
		if at.Before(invitedAt) || !at.Before(closeAt) {
			continue
		}
		if err := sleepUntil(ctx, at); err != nil {
			return PNEWorkflowResult{}, err
		}
		p.syncLimeSurvey(ctx, ref) // who answered on LimeSurvey is not reminded
		p.mail(ctx, activities.PNEMailing{PNERef: ref, Reminder: i + 1, CloseAt: closeAt})
		p.state.RemindersSent++
	}

	if err := sleepUntil(ctx, closeAt); err != nil {
		return PNEWorkflowResult{}, err
	}
	p.syncLimeSurvey(ctx, ref) // once at the closure, before the misses are recorded
	var closing activities.PNEClosing
	if err := workflow.ExecuteActivity(recordCtx, acts.ClosePNE, ref).Get(ctx, &closing); err != nil {
		return PNEWorkflowResult{}, err
	}
	p.recheckProvisionalBlocks(ctx, ref)
	return p.end(ctx, PNEPhaseClosed, PNEWorkflowResult{Structures: closing.Structures, Answered: closing.Answered})
}

// recheckProvisionalBlocks confirms or lifts the renewal blocks that rested on
// this questionnaire before its closure, telling the associations and the
// correspondents (§8.4). Its emails are retried for the mail delay; past it the
// failure is logged and the year still ends closed: the results are recorded.
func (p *pne) recheckProvisionalBlocks(ctx workflow.Context, ref activities.PNERef) {
	ctx = workflow.WithActivityOptions(ctx, emailOptions(p.in.MailRetryFor))
	var recheck activities.PNERecheck
	if err := workflow.ExecuteActivity(ctx, acts.RecheckProvisionalBlocks, ref).Get(ctx, &recheck); err != nil {
		workflow.GetLogger(ctx).Warn("provisional renewal blocks not rechecked", "year", p.in.Year, "error", err)
		p.state.RecheckFailed = true
		return
	}
	p.state.BlocksConfirmed, p.state.BlocksLifted = recheck.Confirmed, recheck.Lifted
}

// mail sends one mailing as a batch. A mailing that cannot be completed within
// the retry delay does not stop the year: the closure must still be recorded.
func (p *pne) mail(ctx workflow.Context, m activities.PNEMailing) int {
	m.SurveyURL, m.PerSecond = p.in.SurveyURL, p.in.PerSecond
	ctx = workflow.WithActivityOptions(ctx, pneMailingOptions(p.in.MailRetryFor))
	var sum activities.PNEMailingSummary
	if err := workflow.ExecuteActivity(ctx, acts.SendPNEMailing, m).Get(ctx, &sum); err != nil {
		workflow.GetLogger(ctx).Warn("PNE mailing not completed", "year", p.in.Year, "reminder", m.Reminder, "error", err)
		p.state.MailingFailed = true
	}
	return sum.Sent
}

// enter records a phase in the search attributes and the queried state.
func (p *pne) enter(ctx workflow.Context, phase string) error {
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(phase)); err != nil {
		return err
	}
	p.state.Phase = phase
	return nil
}

func (p *pne) end(ctx workflow.Context, phase string, res PNEWorkflowResult) (PNEWorkflowResult, error) {
	if err := p.enter(ctx, phase); err != nil {
		return PNEWorkflowResult{}, err
	}
	res.Phase = phase
	return res, nil
}

// pneMailingOptions: a batch of thousands of paced emails takes a while; it
// heartbeats, and what the relay did not take is retried (only what is left)
// with backoff for retryFor.
func pneMailingOptions(retryFor time.Duration) workflow.ActivityOptions {
	if retryFor <= 0 {
		retryFor = defaultMailRetryFor
	}
	return workflow.ActivityOptions{
		StartToCloseTimeout:    4 * time.Hour,
		HeartbeatTimeout:       activityHeartbeat,
		ScheduleToCloseTimeout: retryFor,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:    time.Minute,
			BackoffCoefficient: 2,
			MaximumInterval:    30 * time.Minute,
		},
	}
}
