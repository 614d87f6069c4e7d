package workflows

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/policies"
)

func loadPolicy(t testing.TB, year int) policy.Policy {
	t.Helper()
	set, err := policy.Load(policies.FS)
	require.NoError(t, err)
	p, err := set.ForYear(year)
	require.NoError(t, err)
	return p
}

func newPNEEnv(t *testing.T, start time.Time) *testsuite.TestWorkflowEnvironment {
	env := newRecheckEnv(t, start)
	// No provisional renewal block is rechecked at the closure unless a test says otherwise (newRecheckEnv).
	env.OnActivity(acts.RecheckProvisionalBlocks, mock.Anything, mock.Anything).Return(activities.PNERecheck{}, nil).Maybe()
	return env
}

// newRecheckEnv is newPNEEnv without the recheck mocked.
func newRecheckEnv(t *testing.T, start time.Time) *testsuite.TestWorkflowEnvironment {
	env := newEnv(t)
	env.SetStartTime(start)
	return env
}

func queryPNE(t *testing.T, env *testsuite.TestWorkflowEnvironment) PNEState {
	return query[PNEState](t, env, QueryPNEState)
}

func paris(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, french.Paris)
}

// The 2025 policy: list on 15 March, questionnaire on 31 March, reminders 14, 28,
// 42 and 56 days later, closure on 31 May.
func TestPNEWorkflowRunsTheYear(t *testing.T) {
	env := newRecheckEnv(t, paris(2027, time.January, 2, 10, 0))
	in := PNEInput{Year: 2027, Policy: loadPolicy(t, 2027), SurveyURL: "https://enquetes.example/pne", PerSecond: 10}
	ref := activities.PNERef{Year: 2027, WorkflowID: "default-test-workflow-id"}
	closeAt := paris(2027, time.June, 1, 0, 0).Add(-time.Nanosecond)

	var events []string
	at := func() time.Time { return env.Now().In(french.Paris) }
	env.OnActivity(acts.BuildPNEList, mock.Anything, ref).Return(func(context.Context, activities.PNERef) (activities.PNEListSummary, error) {
		require.Equal(t, paris(2027, time.March, 16, 0, 0).Add(-time.Nanosecond), at(), "at the end of 15 March")
		events = append(events, "list")
		return activities.PNEListSummary{Structures: 3}, nil
	}).Once()
	var mailings []activities.PNEMailing
	var mailedAt []time.Time
	env.OnActivity(acts.SendPNEMailing, mock.Anything, mock.Anything).Return(func(_ context.Context, m activities.PNEMailing) (activities.PNEMailingSummary, error) {
		mailings, mailedAt = append(mailings, m), append(mailedAt, at())
		events = append(events, "mail")
		return activities.PNEMailingSummary{Recipients: 3, Sent: 3}, nil
	})
	env.OnActivity(acts.ClosePNE, mock.Anything, ref).Return(func(context.Context, activities.PNERef) (activities.PNEClosing, error) {
		require.Equal(t, closeAt, at(), "at the end of 31 May")
		events = append(events, "close")
		return activities.PNEClosing{Structures: 3, Answered: 2}, nil
	}).Once()
	env.OnActivity(acts.RecheckProvisionalBlocks, mock.Anything, ref).Return(func(context.Context, activities.PNERef) (activities.PNERecheck, error) {
		require.Equal(t, closeAt, at(), "right after the closure")
		events = append(events, "recheck")
		return activities.PNERecheck{Confirmed: 2, Lifted: 1}, nil
	}).Once()
	env.RegisterDelayedCallback(func() {
		require.Equal(t, PNEPhaseScheduled, queryPNE(t, env).Phase)
	}, 24*time.Hour)

	env.ExecuteWorkflow(PNEWorkflow, in)

	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res PNEWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, PNEWorkflowResult{Phase: PNEPhaseClosed, Structures: 3, Answered: 2}, res)
	require.Equal(t, []string{"list", "mail", "mail", "mail", "mail", "mail", "close", "recheck"}, events)
	require.Equal(t, []time.Time{
		paris(2027, time.March, 31, 9, 0), paris(2027, time.April, 14, 9, 0),
		paris(2027, time.April, 28, 9, 0), paris(2027, time.May, 12, 9, 0), paris(2027, time.May, 26, 9, 0),
	}, mailedAt)
	for i, m := range mailings {
		require.True(t, closeAt.Equal(m.CloseAt), "closing date %v", m.CloseAt)
		m.CloseAt = closeAt // same instant; the location does not survive serialisation
		require.Equal(t, activities.PNEMailing{PNERef: ref, Reminder: i, SurveyURL: in.SurveyURL, CloseAt: closeAt, PerSecond: 10}, m)
	}
	st := queryPNE(t, env)
	require.Equal(t, 3, st.Structures)
	require.Equal(t, 3, st.Invited)
	require.Equal(t, 4, st.RemindersSent)
	require.Equal(t, 2, st.BlocksConfirmed)
	require.Equal(t, 1, st.BlocksLifted)
	require.False(t, st.RecheckFailed)
}

// The provisional blocks' recheck failing for good (its emails' retry delay spent)
// is logged and shown: the closure stays recorded and the year ends closed.
func TestPNEWorkflowEndsClosedWhenTheRecheckFails(t *testing.T) {
	env := newRecheckEnv(t, paris(2027, time.March, 1, 10, 0))
	in := PNEInput{Year: 2027, Policy: loadPolicy(t, 2027), MailRetryFor: time.Hour}
	env.OnActivity(acts.BuildPNEList, mock.Anything, mock.Anything).Return(activities.PNEListSummary{Structures: 1}, nil)
	env.OnActivity(acts.SendPNEMailing, mock.Anything, mock.Anything).Return(activities.PNEMailingSummary{}, nil)
	env.OnActivity(acts.ClosePNE, mock.Anything, mock.Anything).Return(activities.PNEClosing{Structures: 1}, nil).Once()
	env.OnActivity(acts.RecheckProvisionalBlocks, mock.Anything, mock.Anything).Return(activities.PNERecheck{}, errors.New("relay down"))

	env.ExecuteWorkflow(PNEWorkflow, in)

	require.NoError(t, env.GetWorkflowError())
	var res PNEWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, PNEPhaseClosed, res.Phase)
	require.True(t, queryPNE(t, env).RecheckFailed)
}

func TestPNEWorkflowRecordsTheClosureEvenWhenAMailingFails(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.March, 1, 10, 0))
	in := PNEInput{Year: 2027, Policy: loadPolicy(t, 2027), MailRetryFor: time.Hour}
	env.OnActivity(acts.BuildPNEList, mock.Anything, mock.Anything).Return(activities.PNEListSummary{Structures: 1}, nil)
	env.OnActivity(acts.SendPNEMailing, mock.Anything, mock.Anything).Return(activities.PNEMailingSummary{}, errors.New("relay down"))
	env.OnActivity(acts.ClosePNE, mock.Anything, mock.Anything).Return(activities.PNEClosing{Structures: 1}, nil).Once()

	env.ExecuteWorkflow(PNEWorkflow, in)

	require.NoError(t, env.GetWorkflowError())
	var res PNEWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, PNEPhaseClosed, res.Phase)
	require.True(t, queryPNE(t, env).MailingFailed)
}

func TestPNEWorkflowStartedLateSkipsPastReminders(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.May, 1, 10, 0)) // after 31 March, 14 and 28 April
	in := PNEInput{Year: 2027, Policy: loadPolicy(t, 2027)}
	env.OnActivity(acts.BuildPNEList, mock.Anything, mock.Anything).Return(activities.PNEListSummary{Structures: 1}, nil).Once()
	var reminders []int
	env.OnActivity(acts.SendPNEMailing, mock.Anything, mock.Anything).Return(func(_ context.Context, m activities.PNEMailing) (activities.PNEMailingSummary, error) {
		reminders = append(reminders, m.Reminder)
		return activities.PNEMailingSummary{}, nil
	})
	env.OnActivity(acts.ClosePNE, mock.Anything, mock.Anything).Return(activities.PNEClosing{}, nil).Once()

	env.ExecuteWorkflow(PNEWorkflow, in)

	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, []int{0, 3, 4}, reminders, "the invitation at once, then only the 12 and 26 May reminders")
}

func TestPNEWorkflowWithoutACalendarOrTooLateDoesNothing(t *testing.T) {
	demo := policy.Policy{Name: policy.DemoName, Demo: &policy.DemoCalendar{}}
	for name, tc := range map[string]struct {
		start time.Time
		pol   policy.Policy
	}{
		"demo without PNE":     {paris(2027, time.January, 2, 10, 0), demo},
		"no PNE dates":         {paris(2027, time.January, 2, 10, 0), policy.Policy{Name: "2027", Year: 2027}},
		"after the closure":    {paris(2027, time.June, 1, 0, 0), loadPolicy(t, 2027)},
		"at the closure's end": {paris(2027, time.June, 1, 0, 0).Add(-time.Nanosecond), loadPolicy(t, 2027)},
	} {
		t.Run(name, func(t *testing.T) {
			env := newPNEEnv(t, tc.start) // no activity mocked: calling one fails the test

			env.ExecuteWorkflow(PNEWorkflow, PNEInput{Year: 2027, Policy: tc.pol})

			require.NoError(t, env.GetWorkflowError())
			var res PNEWorkflowResult
			require.NoError(t, env.GetWorkflowResult(&res))
			require.Equal(t, PNEWorkflowResult{Phase: PNEPhaseSkipped}, res)
		})
	}
}

// The demo policy's offsets run a whole PNE year in a minute from the start:
// list, questionnaire, one reminder, closure (cmd/recordhistory records it so).
func TestPNEWorkflowUnderTheDemoPolicyRunsInMinutes(t *testing.T) {
	set, err := policy.Load(policies.FS)
	require.NoError(t, err)
	demo, ok := set.Demo()
	require.True(t, ok)
	start := paris(2027, time.January, 2, 10, 0)
	env := newPNEEnv(t, start)
	var steps []string
	at := func(step string) { steps = append(steps, step+" +"+env.Now().Sub(start).String()) }
	env.OnActivity(acts.BuildPNEList, mock.Anything, mock.Anything).Return(func(context.Context, activities.PNERef) (activities.PNEListSummary, error) {
		at("list")
		return activities.PNEListSummary{Structures: 2}, nil
	}).Once()
	env.OnActivity(acts.SendPNEMailing, mock.Anything, mock.Anything).Return(func(_ context.Context, m activities.PNEMailing) (activities.PNEMailingSummary, error) {
		at("mailing " + strconv.Itoa(m.Reminder))
		require.True(t, start.Add(time.Minute).Equal(m.CloseAt), "closes a minute after the start")
		return activities.PNEMailingSummary{Sent: 2}, nil
	}).Twice()
	env.OnActivity(acts.ClosePNE, mock.Anything, mock.Anything).Return(func(context.Context, activities.PNERef) (activities.PNEClosing, error) {
		at("close")
		return activities.PNEClosing{Structures: 2, Answered: 1}, nil
	}).Once()

	env.ExecuteWorkflow(PNEWorkflow, PNEInput{Year: 2029, Policy: demo})

	require.NoError(t, env.GetWorkflowError())
	var res PNEWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, PNEWorkflowResult{Phase: PNEPhaseClosed, Structures: 2, Answered: 1}, res)
	require.Equal(t, []string{"list +10s", "mailing 0 +20s", "mailing 1 +40s", "close +1m0s"}, steps)
}
