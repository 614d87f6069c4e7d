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

// TrancheReportState is one compte-rendu financier in ApplicationState: a CPO's
// tranche (Tranche 1, 2, 3), or an annual convention's report (Tranche 0).
type TrancheReportState struct {
	Tranche    int       `json:"tranche,omitempty"`
	FiscalYear int       `json:"fiscal_year"`
	DueAt      time.Time `json:"due_at"`
	State      string    `json:"state"` // awaited, received, missing
}

// financialReportSchedule lays the reminders out around a report's due date:
// those before it (furthest first), those after it; the last date after it (the due
// date itself when the policy has none) records the report missing instead of
// reminding, and tells both the association and the correspondent.
func financialReportSchedule(plan activities.FinancialReportPlan, due time.Time) []financialReportStep {
	var steps []financialReportStep
	for _, before := range plan.RemindersBefore {
		steps = append(steps, financialReportStep{at: due.Add(-before), reminder: len(steps) + 1})
	}
	missingAt := due
	for i, after := range plan.RemindersAfter {
		if i == len(plan.RemindersAfter)-1 {
			missingAt = due.Add(after)
			break
		}
		steps = append(steps, financialReportStep{at: due.Add(after), reminder: len(steps) + 1, overdue: true})
	}
	return append(steps, financialReportStep{at: missingAt, overdue: true, missing: true})
}

// awaitFinancialReport follows a signed convention's comptes-rendus financiers
// (Cerfa n° 15059*02, §8.4): an annual convention's one, or one per yearly tranche
// of a CPO (§8.2 « un engagement annuel des crédits par tranches successives »),
// each with its own durable timers, side by side. Each report is reminded before
// and after its due date until the API signals that it was received or its last
// date passes and it is recorded missing. A reminder whose date passed before the
// wait began is not sent late. The result is missing if any report is.
func awaitFinancialReport(ctx workflow.Context, in ApplicationInput, ref activities.ApplicationRef, st *ApplicationState) error {
	received := map[int]bool{} // by the report's year; 0: every report (a signal without payload)
	workflow.Go(ctx, func(ctx workflow.Context) {
		ch := workflow.GetSignalChannel(ctx, SignalFinancialReport)
		for {
			var year int
			ch.Receive(ctx, &year)
			received[year] = true
		}
	})
	var plan activities.FinancialReportPlan
	if err := workflow.ExecuteActivity(workflow.WithActivityOptions(ctx, recordOptions), acts.PlanFinancialReport, ref).Get(ctx, &plan); err != nil {
		return err
	}
	reports := plan.Reports()
	due := plan.DueAt
	st.FinancialReport, st.FinancialReportDue = FinancialReportAwaited, &due
	st.FinancialReports = make([]TrancheReportState, len(reports))
	for i, r := range reports {
		st.FinancialReports[i] = TrancheReportState{Tranche: r.Tranche, FiscalYear: r.FiscalYear, DueAt: r.DueAt, State: FinancialReportAwaited}
	}
	var firstErr error
	done := 0
	for i, r := range reports {
		workflow.Go(ctx, func(ctx workflow.Context) {
			state, err := followReport(ctx, in, ref, plan, r, func() bool { return received[r.FiscalYear] || received[0] })
			st.FinancialReports[i].State = state
			if err != nil && firstErr == nil {
				firstErr = err
			}
			done++
		})
	}
	if err := workflow.Await(ctx, func() bool { return done == len(reports) }); err != nil {
		return err
	}
	if firstErr != nil {
		return firstErr
	}
	st.FinancialReport = FinancialReportReceived
	for _, r := range st.FinancialReports {
		if r.State == FinancialReportMissing {
			st.FinancialReport = FinancialReportMissing
		}
	}
	return nil
}

// followReport follows one compte-rendu financier to received or missing.
func followReport(ctx workflow.Context, in ApplicationInput, ref activities.ApplicationRef, plan activities.FinancialReportPlan,
	r activities.TrancheReport, isReceived func() bool) (string, error) {
	if r.Received {
		return FinancialReportReceived, nil
	}
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(in.MailRetryFor))
	for _, step := range financialReportSchedule(plan, r.DueAt) {
		wait := step.at.Sub(workflow.Now(ctx))
		if wait <= 0 && !step.missing {
			continue
		}
		if wait > 0 {
			if _, err := workflow.AwaitWithTimeout(ctx, wait, isReceived); err != nil {
				return "", err
			}
		}
		if isReceived() {
			break
		}
		fref := activities.FinancialReportRef{ApplicationRef: ref, ConventionID: plan.ConventionID, FiscalYear: r.FiscalYear, Tranche: r.Tranche,
			DueAt: r.DueAt, Reminder: step.reminder, Overdue: step.overdue, At: workflow.Now(ctx)}
		if !step.missing {
			if err := workflow.ExecuteActivity(mailCtx, acts.RemindFinancialReport, fref).Get(ctx, nil); err != nil {
				workflow.GetLogger(ctx).Warn("financial report reminder not delivered", "application", in.ApplicationID, "year", r.FiscalYear, "error", err)
			}
			continue
		}
		var missing bool
		if err := workflow.ExecuteActivity(mailCtx, acts.RecordFinancialReportMissing, fref).Get(ctx, &missing); err != nil {
			return "", err
		}
		if missing {
			return FinancialReportMissing, nil
		}
		break // it arrived while the signal was on its way
	}
	return FinancialReportReceived, nil
}
