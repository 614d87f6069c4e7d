package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/models"
)

const day = 24 * time.Hour

// The convention is signed on day 3 (t0 + 3 days); the report is due 200 days after t0.
var reportDue = t0.Add(200 * day)

var reportPlan = activities.FinancialReportPlan{
	ConventionID: "conv-1", FiscalYear: 2027, DueAt: reportDue,
	RemindersBefore: []time.Duration{30 * day, 7 * day},
	RemindersAfter:  []time.Duration{15 * day, 30 * day},
}

// reportCalls records, with the simulated time, each step of the follow-up.
type reportCalls struct {
	reminders []activities.FinancialReportRef
	missing   []activities.FinancialReportRef
}

// signedConvention runs a dossier retained then signed on day 3, whose
// compte-rendu financier follows plan; missing is what RecordFinancialReportMissing answers.
func signedConvention(t *testing.T, env *testsuite.TestWorkflowEnvironment, plan activities.FinancialReportPlan, missing bool) *reportCalls {
	t.Helper()
	calls := &reportCalls{}
	env.OnActivity(acts.PlanFinancialReport, mock.Anything, mock.Anything).Return(plan, nil).Once()
	env.OnActivity(acts.RemindFinancialReport, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ref activities.FinancialReportRef) error {
			require.Equal(t, env.Now().UTC(), ref.At.UTC(), "the step's instant travels with it")
			calls.reminders = append(calls.reminders, ref)
			return nil
		}).Maybe()
	env.OnActivity(acts.RecordFinancialReportMissing, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ref activities.FinancialReportRef) (bool, error) {
			calls.missing = append(calls.missing, ref)
			return missing, nil
		}).Maybe()
	retainedDossier(env)
	signAt(env, 3*day, "Marie Curie, présidente", nil)
	return calls
}

func runDossier(t *testing.T, env *testsuite.TestWorkflowEnvironment) ApplicationResult {
	t.Helper()
	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.NoError(t, env.GetWorkflowError())
	var res ApplicationResult
	require.NoError(t, env.GetWorkflowResult(&res))
	return res
}

func TestFinancialReportRemindedOnScheduleThenRecordedMissing(t *testing.T) {
	env := newEnv(t)
	calls := signedConvention(t, env, reportPlan, true)
	env.RegisterDelayedCallback(func() {
		st := query[ApplicationState](t, env, QueryApplicationState)
		require.Equal(t, FinancialReportAwaited, st.FinancialReport)
		require.True(t, reportDue.Equal(*st.FinancialReportDue))
	}, 100*day)

	res := runDossier(t, env)
	require.Equal(t, models.ConventionSigned, res.Convention)
	require.Equal(t, FinancialReportMissing, res.FinancialReport)
	type step struct {
		at       time.Time
		reminder int
		overdue  bool
	}
	var got []step
	for _, r := range calls.reminders {
		got = append(got, step{r.At.UTC(), r.Reminder, r.Overdue})
		require.Equal(t, "conv-1", r.ConventionID)
		require.True(t, reportDue.Equal(r.DueAt))
	}
	require.Equal(t, []step{
		{reportDue.Add(-30 * day).UTC(), 1, false},
		{reportDue.Add(-7 * day).UTC(), 2, false},
		{reportDue.Add(15 * day).UTC(), 3, true},
	}, got, "30 and 7 days before the due date, 15 days after")
	require.Len(t, calls.missing, 1)
	require.True(t, reportDue.Add(30*day).Equal(calls.missing[0].At), "recorded missing at the last date, 30 days after")
}

func TestFinancialReportReceivedStopsTheReminders(t *testing.T) {
	env := newEnv(t)
	calls := signedConvention(t, env, reportPlan, true)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalFinancialReport, nil)
	}, 200*day-10*day) // between the first and the second reminder

	res := runDossier(t, env)
	require.Equal(t, FinancialReportReceived, res.FinancialReport)
	require.Len(t, calls.reminders, 1, "only the reminder 30 days before")
	require.Empty(t, calls.missing, "never recorded missing")
}

func TestFinancialReportReceivedLateStillLiftsTheMissingState(t *testing.T) {
	env := newEnv(t)
	// The report reached the database just before the last date, its signal not yet.
	calls := signedConvention(t, env, reportPlan, false)

	res := runDossier(t, env)
	require.Equal(t, FinancialReportReceived, res.FinancialReport)
	require.Len(t, calls.reminders, 3)
	require.Len(t, calls.missing, 1)
}

func TestFinancialReportAlreadyReceivedNeedsNoReminder(t *testing.T) {
	env := newEnv(t)
	plan := reportPlan
	plan.Received = true
	calls := signedConvention(t, env, plan, true)

	res := runDossier(t, env)
	require.Equal(t, FinancialReportReceived, res.FinancialReport)
	require.Empty(t, calls.reminders)
	require.Empty(t, calls.missing)
}

func TestFinancialReportScheduleWithoutRemindersRecordsMissingAtTheDueDate(t *testing.T) {
	steps := financialReportSchedule(activities.FinancialReportPlan{DueAt: reportDue})
	require.Equal(t, []financialReportStep{{at: reportDue, overdue: true, missing: true}}, steps)

	steps = financialReportSchedule(reportPlan)
	require.Len(t, steps, 4)
	require.True(t, steps[3].missing)
	require.Equal(t, reportDue.Add(30*day), steps[3].at)
}
