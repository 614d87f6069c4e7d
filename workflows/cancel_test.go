package workflows

import (
	"context"
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

// cancelAt sends the cancellation at the given time; a refusal lands in *refused.
func cancelAt(env *testsuite.TestWorkflowEnvironment, at time.Duration, reason string, refused *error) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateCancelCampaign, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) {
				if refused != nil {
					*refused = err
				}
			},
			OnComplete: func(any, error) {},
		}, Cancellation{Reason: reason})
	}, at)
}

func TestCampaignCancelledBeforePublicationNeverPublishes(t *testing.T) {
	env := newEnv(t)
	var phases []string
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ch activities.PhaseChange) error {
			phases = append(phases, ch.Phase)
			return nil
		}).Maybe()
	var recorded activities.CampaignCancellation
	env.OnActivity(acts.RecordCampaignCancelled, mock.Anything, mock.Anything).Return(
		func(_ context.Context, x activities.CampaignCancellation) error { recorded = x; return nil }).Once()
	env.OnActivity(acts.DispatchCancellation, mock.Anything, mock.Anything).Return(nil).Once()
	var refused error
	cancelAt(env, time.Hour, "  ", &refused)
	cancelAt(env, 2*time.Hour, "Enveloppe régionale redéployée sur les CTAI", nil)

	env.ExecuteWorkflow(CampaignWorkflow, campaignInput(10*24*time.Hour, 60*24*time.Hour))
	require.NoError(t, env.GetWorkflowError())
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.PhaseCancelled, res.Phase)
	require.Error(t, refused, "a cancellation needs a reason")
	require.Empty(t, phases, "never published nor closed")
	require.Equal(t, "Enveloppe régionale redéployée sur les CTAI", recorded.Reason)
	require.True(t, recorded.At.Equal(t0.Add(2*time.Hour)))
	env.AssertExpectations(t)
}

func TestCampaignCancelledAfterItsSelectionTellsTheDossiers(t *testing.T) {
	env := newEnv(t)
	in := selectionInput()
	in.Policy.Convention.LapseAfter = policy.Duration(30 * 24 * time.Hour)
	mockCampaignActivities(env)
	env.OnActivity(acts.RecordCampaignCancelled, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.DispatchCancellation, mock.Anything, mock.Anything).Return(nil).Once()
	selectAfter(t, env, 3*time.Hour)
	cancelAt(env, 10*24*time.Hour, "Conventions suspendues par la loi de finances rectificative", nil)

	env.ExecuteWorkflow(CampaignWorkflow, in)
	require.NoError(t, env.GetWorkflowError())
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.PhaseCancelled, res.Phase)
	env.AssertExpectations(t)
}

func TestDossierUnderReviewIsCancelledWithItsCall(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.RecordApplicationState, mock.Anything, mock.Anything).Return(nil).Once() // under review
	var cancelled activities.DossierCancellation
	env.OnActivity(acts.CancelDossier, mock.Anything, mock.Anything).Return(
		func(_ context.Context, x activities.DossierCancellation) error { cancelled = x; return nil }).Once()
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalCampaignCancelled, CampaignCancelled{Reason: "Appel annulé"})
	}, 5*time.Hour)

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.NoError(t, env.GetWorkflowError())
	var res ApplicationResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.ApplicationCancelled, res.State)
	require.Equal(t, "Appel annulé", cancelled.Reason)
	env.AssertExpectations(t)
}

// The porteur de projet's address refused for good: the activity has recorded the dossier
// cancelled and told the correspondent, so the dossier ends cancelled, its workflow
// completed. A record that fails (the dossier gone) still fails it.
func TestDossierIsCancelledEvenWhenItsPorteurIsUnreachable(t *testing.T) {
	for _, tc := range []struct {
		err     error
		settled bool
	}{
		{temporal.NewNonRetryableApplicationError("550 mailbox unavailable", activities.ErrTypeEmailRefused, nil), true},
		{temporal.NewNonRetryableApplicationError("application a-1: not found", activities.ErrTypeNotFound, nil), false},
	} {
		env := newEnv(t)
		env.OnActivity(acts.RecordApplicationState, mock.Anything, mock.Anything).Return(nil).Once() // under review
		env.OnActivity(acts.CancelDossier, mock.Anything, mock.Anything).Return(tc.err).Once()
		env.RegisterDelayedCallback(func() {
			env.SignalWorkflow(SignalCampaignCancelled, CampaignCancelled{Reason: "Appel annulé"})
		}, 5*time.Hour)

		env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
		env.AssertExpectations(t) // tried once, not retried
		if !tc.settled {
			require.ErrorContains(t, env.GetWorkflowError(), "not found")
			continue
		}
		require.NoError(t, env.GetWorkflowError())
		var res ApplicationResult
		require.NoError(t, env.GetWorkflowResult(&res))
		require.Equal(t, models.ApplicationCancelled, res.State)
	}
}

func TestUnsignedConventionStopsWhenTheCallIsCancelled(t *testing.T) {
	env := newEnv(t)
	calls := retainedDossier(env)
	env.OnActivity(acts.CancelDossier, mock.Anything, mock.Anything).Return(nil).Once()
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalCampaignCancelled, CampaignCancelled{Reason: "Appel annulé"})
	}, 10*24*time.Hour)
	var late error
	signAt(env, 10*24*time.Hour+time.Minute, "Trop tard", &late)

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.NoError(t, env.GetWorkflowError())
	var res ApplicationResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.ApplicationCancelled, res.State)
	require.Equal(t, models.ConventionCancelled, res.Convention)
	require.Equal(t, []int{1}, calls.reminders, "day 7 only: the timers stopped at day 10")
	require.Nil(t, calls.lapsed)
	require.Zero(t, calls.signed)

}
