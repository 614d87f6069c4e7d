package workflows

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

var t0 = time.Date(2027, time.January, 4, 9, 0, 0, 0, time.UTC)

func campaignInput(publishIn, closeIn time.Duration) CampaignInput {
	return CampaignInput{
		CampaignID: "c-1", Year: 2027, Level: models.LevelDepartmental, Territory: "69",
		PublishAt: t0.Add(publishIn), CloseAt: t0.Add(closeIn), Policy: policy.Policy{Name: "2025", Year: 2025},
	}
}

func newEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	env := newBareEnv(t)
	// No renewal is blocked unless a test says otherwise (newBareEnv).
	env.OnActivity(acts.CheckRenewal, mock.Anything, mock.Anything).Return(activities.RenewalCheck{}, nil).Maybe()
	return env
}

// newBareEnv is newEnv without any activity mocked.
func newBareEnv(t *testing.T) *testsuite.TestWorkflowEnvironment {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	env.SetStartTime(t0)
	env.RegisterActivity(&activities.Activities{})
	return env
}

// query asks the workflow under test for its state through the named query.
func query[T any](t *testing.T, env *testsuite.TestWorkflowEnvironment, name string) T {
	t.Helper()
	v, err := env.QueryWorkflow(name)
	require.NoError(t, err)
	var st T
	require.NoError(t, v.Get(&st))
	return st
}

func queryState(t *testing.T, env *testsuite.TestWorkflowEnvironment) CampaignState {
	return query[CampaignState](t, env, QueryCampaignState)
}

func TestCampaignWaitsForPublicationThenClosure(t *testing.T) {
	env := newEnv(t)
	in := campaignInput(10*24*time.Hour, 60*24*time.Hour)
	var recorded []activities.PhaseChange
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ch activities.PhaseChange) error { recorded = append(recorded, ch); return nil })
	env.OnActivity(acts.NotifyCampaignPublished, mock.Anything, activities.CampaignRef{
		CampaignID: "c-1", WorkflowID: "default-test-workflow-id"}).Return(nil).Once()
	env.OnActivity(acts.NotifyCampaignClosed, mock.Anything, activities.CampaignRef{
		CampaignID: "c-1", WorkflowID: "default-test-workflow-id"}).Return(nil).Once()

	env.RegisterDelayedCallback(func() {
		require.Equal(t, models.PhaseScheduled, queryState(t, env).Phase)
	}, 9*24*time.Hour)
	env.RegisterDelayedCallback(func() {
		st := queryState(t, env)
		require.Equal(t, models.PhasePublished, st.Phase)
		require.True(t, st.PublishedAt.Equal(in.PublishAt))
	}, 11*24*time.Hour)

	env.RegisterDelayedCallback(func() {
		require.Equal(t, models.PhaseClosed, queryState(t, env).Phase, "closed, waiting for the committee")
	}, 70*24*time.Hour)
	selectAfter(t, env, 80*24*time.Hour)

	env.ExecuteWorkflow(CampaignWorkflow, in)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.PhaseSelected, res.Phase)

	require.Equal(t, []activities.PhaseChange{
		{CampaignID: "c-1", Phase: models.PhasePublished, At: in.PublishAt},
		{CampaignID: "c-1", Phase: models.PhaseClosed, At: in.CloseAt},
	}, recorded)
	env.AssertExpectations(t)
}

func TestCampaignWithPublicationDatePastPublishesAtOnce(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.MatchedBy(func(ch activities.PhaseChange) bool {
		return ch.Phase == models.PhasePublished && ch.At.Equal(t0)
	})).Return(nil).Once()
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.MatchedBy(func(ch activities.PhaseChange) bool {
		return ch.Phase == models.PhaseClosed
	})).Return(nil).Once()
	env.OnActivity(acts.NotifyCampaignPublished, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.NotifyCampaignClosed, mock.Anything, mock.Anything).Return(nil).Once()

	selectAfter(t, env, 2*time.Hour)
	env.ExecuteWorkflow(CampaignWorkflow, campaignInput(-time.Hour, time.Hour))
	require.NoError(t, env.GetWorkflowError())
	env.AssertExpectations(t)
}

func TestCampaignClosesEvenWhenTheNoticeIsRefused(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(nil)
	refused := temporal.NewNonRetryableApplicationError("550 mailbox unavailable", activities.ErrTypeEmailRefused, nil)
	env.OnActivity(acts.NotifyCampaignPublished, mock.Anything, mock.Anything).Return(refused).Once()
	env.OnActivity(acts.NotifyCampaignClosed, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		st := queryState(t, env)
		require.Equal(t, models.PhasePublished, st.Phase)
		require.True(t, st.NotificationFailed)
	}, 2*time.Hour)

	selectAfter(t, env, 4*time.Hour)
	env.ExecuteWorkflow(CampaignWorkflow, campaignInput(time.Hour, 3*time.Hour))
	require.NoError(t, env.GetWorkflowError())
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.PhaseSelected, res.Phase)
	env.AssertExpectations(t) // refused once, not retried
}

func TestCampaignFailsWhenItsRecordIsGone(t *testing.T) {
	env := newEnv(t)
	gone := temporal.NewNonRetryableApplicationError("campaign c-1: not found", activities.ErrTypeNotFound, errors.New("not found"))
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(gone).Once()

	env.ExecuteWorkflow(CampaignWorkflow, campaignInput(time.Hour, 2*time.Hour))
	require.Error(t, env.GetWorkflowError())
	env.AssertExpectations(t)
}

func TestCampaignRetriesATransientMailFailureForTheConfiguredTime(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(nil)
	var attempts int
	env.OnActivity(acts.NotifyCampaignPublished, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.CampaignRef) error {
			attempts++
			return errors.New("dial tcp: connection refused")
		})
	in := campaignInput(time.Hour, 10*24*time.Hour)
	in.MailRetryFor = 2 * time.Hour
	env.RegisterDelayedCallback(func() {
		require.True(t, queryState(t, env).NotificationFailed, "given up after the configured two hours")
	}, 4*time.Hour)

	selectAfter(t, env, 11*24*time.Hour)
	env.ExecuteWorkflow(CampaignWorkflow, in)
	require.NoError(t, env.GetWorkflowError())
	// Backoff 10 s doubling up to 30 min within 2 h: several attempts, far fewer than one per 10 s.
	require.Greater(t, attempts, 4)
	require.Less(t, attempts, 20)
}

// testDraft names a selection draft kept in the database (the activities are mocked).
func testDraft(n int) activities.SelectionDraftRef {
	return activities.SelectionDraftRef{ID: fmt.Sprintf("draft-%d", n), Digest: strings.Repeat("ab", 32), Decisions: 2}
}

// selectAfter records an empty selection at the given time, so the workflow can end.
func selectAfter(t *testing.T, env *testsuite.TestWorkflowEnvironment, at time.Duration) {
	env.OnActivity(acts.RecordSelection, mock.Anything, mock.Anything).Return(activities.SelectionOutcome{}, nil).Once()
	env.OnActivity(acts.DispatchDecisions, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.NotifyCarifOref, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateSelection, "selection-1", &testsuite.TestUpdateCallback{
			OnAccept:   func() {},
			OnReject:   func(err error) { t.Errorf("selection refused: %v", err) },
			OnComplete: func(any, error) {},
		}, SelectionUpdate{Draft: testDraft(1)})
	}, at)
}
