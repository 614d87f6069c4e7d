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
	steps := financialReportSchedule(activities.FinancialReportPlan{}, reportDue)
	require.Equal(t, []financialReportStep{{at: reportDue, overdue: true, missing: true}}, steps)

	steps = financialReportSchedule(reportPlan, reportDue)
	require.Len(t, steps, 4)
	require.True(t, steps[3].missing)
	require.Equal(t, reportDue.Add(30*day), steps[3].at)
}

// A 3-year CPO's plan: one report per yearly tranche, each due a year after the other.
var cpoPlan = activities.FinancialReportPlan{
	ConventionID: "conv-1", FiscalYear: 2027, DueAt: reportDue,
	RemindersBefore: []time.Duration{30 * day, 7 * day},
	RemindersAfter:  []time.Duration{15 * day, 30 * day},
	Tranches: []activities.TrancheReport{
		{Tranche: 1, FiscalYear: 2027, DueAt: reportDue},
		{Tranche: 2, FiscalYear: 2028, DueAt: reportDue.Add(365 * day)},
		{Tranche: 3, FiscalYear: 2029, DueAt: reportDue.Add(730 * day)},
	},
}

// Each tranche of a CPO is reminded on its own schedule (§8.2, §8.4): 30 and 7 days
// before its due date, 15 days after, recorded missing 30 days after.
func TestCPOTranchesEachRemindedThenRecordedMissing(t *testing.T) {
	env := newEnv(t)
	calls := signedConvention(t, env, cpoPlan, true)
	env.RegisterDelayedCallback(func() {
		st := query[ApplicationState](t, env, QueryApplicationState)
		require.Len(t, st.FinancialReports, 3)
		require.Equal(t, []string{FinancialReportMissing, FinancialReportAwaited, FinancialReportAwaited},
			[]string{st.FinancialReports[0].State, st.FinancialReports[1].State, st.FinancialReports[2].State}, "tranche 1 missing, the others awaited")
		require.Equal(t, 2028, st.FinancialReports[1].FiscalYear)
	}, 300*day)

	res := runDossier(t, env)
	require.Equal(t, FinancialReportMissing, res.FinancialReport)
	type step struct {
		year     int
		at       time.Time
		reminder int
	}
	var got []step
	for _, r := range calls.reminders {
		got = append(got, step{r.FiscalYear, r.At.UTC(), r.Reminder})
	}
	var want []step
	for _, tr := range cpoPlan.Tranches {
		want = append(want, step{tr.FiscalYear, tr.DueAt.Add(-30 * day).UTC(), 1}, step{tr.FiscalYear, tr.DueAt.Add(-7 * day).UTC(), 2},
			step{tr.FiscalYear, tr.DueAt.Add(15 * day).UTC(), 3})
	}
	require.Equal(t, want, got, "three reminders per tranche, on its own due date")
	require.Len(t, calls.missing, 3, "each tranche recorded missing")
	for i, m := range calls.missing {
		tr := cpoPlan.Tranches[i]
		require.Equal(t, tr.FiscalYear, m.FiscalYear)
		require.Equal(t, tr.Tranche, m.Tranche)
		require.True(t, tr.DueAt.Add(30*day).Equal(m.At), "tranche %d recorded missing 30 days after its due date", tr.FiscalYear)
	}
}

// Tranche 2's report received stops its reminders only: tranches 1 and 3 go on.
func TestCPOTrancheReceivedStopsItsOwnReminders(t *testing.T) {
	env := newEnv(t)
	calls := signedConvention(t, env, cpoPlan, true)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalFinancialReport, 2028)
	}, 300*day) // before tranche 2's first reminder, after tranche 1 is recorded missing

	res := runDossier(t, env)
	require.Equal(t, FinancialReportMissing, res.FinancialReport, "tranches 1 and 3 are missing")
	years := map[int]int{}
	for _, r := range calls.reminders {
		years[r.FiscalYear]++
	}
	require.Equal(t, map[int]int{2027: 3, 2029: 3}, years, "no reminder for tranche 2028")
	require.Len(t, calls.missing, 2)
	require.Equal(t, 2027, calls.missing[0].FiscalYear)
	require.Equal(t, 2029, calls.missing[1].FiscalYear)
}

// Every tranche received: the convention's reports are received.
func TestCPOAllTranchesReceived(t *testing.T) {
	env := newEnv(t)
	calls := signedConvention(t, env, cpoPlan, true)
	for i, tr := range cpoPlan.Tranches {
		year := tr.FiscalYear
		env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalFinancialReport, year) }, 100*day+time.Duration(i)*365*day)
	}

	res := runDossier(t, env)
	require.Equal(t, FinancialReportReceived, res.FinancialReport)
	require.Empty(t, calls.reminders, "each report arrived before its first reminder")
	require.Empty(t, calls.missing)
}
