package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// States of a signed convention's compte-rendu financier in ApplicationState.
const (
	FinancialReportAwaited  = "awaited"
	FinancialReportReceived = "received"
	FinancialReportMissing  = "missing" // overdue past the last reminder: blocks the association's renewal
)

// financialReportStep is one date of the compte-rendu financier's follow-up.
type financialReportStep struct {
	at       time.Time
	reminder int // 1, 2…: the reminder's number
	overdue  bool
	missing  bool // the last step: the report is recorded missing
}

// financialReportSchedule lays the reminders out around the due date: those
// before it (furthest first), those after it; the last date after it (the due
// date itself when the policy has none) records the report missing instead of
// reminding, and tells both the association and the correspondent.
func financialReportSchedule(plan activities.FinancialReportPlan) []financialReportStep {
	var steps []financialReportStep
	for _, before := range plan.RemindersBefore {
		steps = append(steps, financialReportStep{at: plan.DueAt.Add(-before), reminder: len(steps) + 1})
	}
	missingAt := plan.DueAt
	for i, after := range plan.RemindersAfter {
		if i == len(plan.RemindersAfter)-1 {
			missingAt = plan.DueAt.Add(after)
			break
		}
		steps = append(steps, financialReportStep{at: plan.DueAt.Add(after), reminder: len(steps) + 1, overdue: true})
	}
	return append(steps, financialReportStep{at: missingAt, overdue: true, missing: true})
}

// awaitFinancialReport waits for a signed convention's compte-rendu financier
// (Cerfa n° 15059*02, §8.4), reminding the association before and after its due
// date, until the API signals that it was received or the last date passes and
// it is recorded missing. A reminder whose date passed before the wait began is
// not sent late.
func awaitFinancialReport(ctx workflow.Context, in ApplicationInput, ref activities.ApplicationRef, st *ApplicationState) error {
	received := false
	workflow.Go(ctx, func(ctx workflow.Context) {
		workflow.GetSignalChannel(ctx, SignalFinancialReport).Receive(ctx, nil)
		received = true
	})
	var plan activities.FinancialReportPlan
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, recordOptions), acts.PlanFinancialReport, ref).Get(ctx, &plan); err != nil {
		return err
	}
	due := plan.DueAt
	st.FinancialReport, st.FinancialReportDue = FinancialReportAwaited, &due
	if plan.Received {
		st.FinancialReport = FinancialReportReceived
		return nil
	}
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(in.MailRetryFor))
	for _, step := range financialReportSchedule(plan) {
		wait := step.at.Sub(workflow.Now(ctx))
		if wait <= 0 && !step.missing {
			continue
		}
		if wait > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, wait, func() bool { return received }); err != nil {
				return err
			}
		}
		if received {
			break
		}
		fref := activities.FinancialReportRef{ApplicationRef: ref, ConventionID: plan.ConventionID, DueAt: plan.DueAt,
			Reminder: step.reminder, Overdue: step.overdue, At: workflow.Now(ctx)}
		if !step.missing {
			if err := workflow.ExecuteActivity(mailCtx, acts.RemindFinancialReport, fref).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Warn("financial report reminder not delivered", "application", in.ApplicationID, "error", err)
			}
			continue
		}
		var missing bool
		if err := workflow.ExecuteActivity(mailCtx, acts.RecordFinancialReportMissing, fref).Get(ctx, &missing); err != nil {
			return err
		}
		if missing {
			st.FinancialReport = FinancialReportMissing
			return nil
		}
		received = true // it arrived while the signal was on its way
	}
	st.FinancialReport = FinancialReportReceived
	return nil
}
