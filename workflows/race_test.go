package workflows

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/models"
)

// outcomes counts the answers of Updates sent together: completed, and refused
// (rejected by the validator or failed by the handler) by error type.
type outcomes struct {
	completed int
	refused   map[string]int
}

func (o *outcomes) callback() *testsuite.TestUpdateCallback {
	refuse := func(err error) {
		var appErr *temporal.ApplicationError
		typ := "?"
		if errors.As(err, &appErr) {
			typ = appErr.Type()
		}
		o.refused[typ]++
	}
	return &testsuite.TestUpdateCallback{
		OnAccept: func() {},
		OnReject: refuse,
		OnComplete: func(_ any, err error) {
			if err != nil {
				refuse(err)
				return
			}
			o.completed++
		},
	}
}

func TestTwentySignaturesSentTogetherOneWins(t *testing.T) {
	for _, sameSigner := range []bool{false, true} {
		t.Run(fmt.Sprintf("same signer %v", sameSigner), func(t *testing.T) {
			env := newEnv(t)
			calls := retainedDossier(env)
			o := &outcomes{refused: map[string]int{}}
			env.RegisterDelayedCallback(func() {
				for i := range 20 {
					by := fmt.Sprintf("Signataire %d, présidente", i)
					if sameSigner {
						by = "Marie Curie, présidente"
					}
					env.UpdateWorkflow(UpdateSignConvention, fmt.Sprintf("sign-%d", i), o.callback(),
						Signature{SignedBy: by, Actor: models.Actor{Name: fmt.Sprintf("token %d", i)}})
				}
			}, 10*24*time.Hour)

			env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
			require.NoError(t, env.GetWorkflowError())
			require.Equal(t, 1, o.completed, "exactly one signature is recorded")
			require.Equal(t, map[string]int{ErrTypeConventionNotAwaiting: 19}, o.refused)
			require.Len(t, calls.signatures, 1, "the database is written once")
			require.Equal(t, "token 0", calls.signatures[0].Actor.Name, "the audit entry names the winner's caller")
			require.Equal(t, 1, calls.confirmed)
		})
	}
}

func TestSignatureLosingToTheDatabaseIsRefused(t *testing.T) {
	env := newEnv(t)
	calls := retainedDossier(env)
	calls.signErr = temporal.NewNonRetryableApplicationError("convention conv-1 is lapsed", activities.ErrTypeConflict, nil)
	o := &outcomes{refused: map[string]int{}}
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateSignConvention, "sign", o.callback(), Signature{SignedBy: "Marie Curie"})
	}, 10*24*time.Hour)

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, map[string]int{ErrTypeConventionNotAwaiting: 1}, o.refused)
	require.Zero(t, calls.confirmed)
}

func TestTwentySelectionsSentTogetherOneWins(t *testing.T) {
	env := newEnv(t)
	mockCampaignActivities(env)
	var recorded []activities.SelectionRecord
	env.OnActivity(acts.RecordSelection, mock.Anything, mock.Anything).Return(
		func(_ context.Context, rec activities.SelectionRecord) (activities.SelectionOutcome, error) {
			recorded = append(recorded, rec)
			return activities.SelectionOutcome{}, nil
		})
	env.OnActivity(acts.DispatchDecisions, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.NotifyCarifOref, mock.Anything, mock.Anything).Return(nil).Once()
	o := &outcomes{refused: map[string]int{}}
	env.RegisterDelayedCallback(func() {
		for i := range 20 {
			env.UpdateWorkflow(UpdateSelection, fmt.Sprintf("selection-%d", i), o.callback(), SelectionUpdate{
				Draft: testDraft(i), Actor: models.Actor{Name: fmt.Sprintf("token %d", i)}})
		}
	}, 3*time.Hour)

	env.ExecuteWorkflow(CampaignWorkflow, selectionInput())
	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, 1, o.completed)
	require.Equal(t, map[string]int{ErrTypeSelectionNotOpen: 19}, o.refused)
	require.Len(t, recorded, 1)
	require.Equal(t, "token 0", recorded[0].Actor.Name)
}

func TestTwentyCancellationsSentTogetherOneWins(t *testing.T) {
	env := newEnv(t)
	var recorded []activities.CampaignCancellation
	env.OnActivity(acts.RecordCampaignCancelled, mock.Anything, mock.Anything).Return(
		func(_ context.Context, x activities.CampaignCancellation) error {
			recorded = append(recorded, x)
			return nil
		})
	env.OnActivity(acts.DispatchCancellation, mock.Anything, mock.Anything).Return(nil).Once()
	o := &outcomes{refused: map[string]int{}}
	env.RegisterDelayedCallback(func() {
		for i := range 20 {
			env.UpdateWorkflow(UpdateCancelCampaign, fmt.Sprintf("cancel-%d", i), o.callback(),
				Cancellation{Reason: fmt.Sprintf("Enveloppe redéployée (%d)", i), Actor: models.Actor{Name: fmt.Sprintf("token %d", i)}})
		}
	}, time.Hour)

	env.ExecuteWorkflow(CampaignWorkflow, campaignInput(10*24*time.Hour, 60*24*time.Hour))
	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, 1, o.completed)
	require.Equal(t, map[string]int{ErrTypeCancelRefused: 19}, o.refused)
	require.Len(t, recorded, 1)
	require.Equal(t, "token 0", recorded[0].Actor.Name)
}
