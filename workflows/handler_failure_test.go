package workflows

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// refusedByTheDatabase is what activities answer for a value PostgreSQL refuses (storeError).
func refusedByTheDatabase() error {
	return temporal.NewNonRetryableApplicationError("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00 (SQLSTATE 22021)",
		activities.ErrTypeInvalidData, nil)
}

// updateOutcome is what the caller of an Update was answered.
type updateOutcome struct {
	completed bool
	err       error
}

// updateAt sends the Update name with arg at the given time and records its answer.
func updateAt(env *testsuite.TestWorkflowEnvironment, at time.Duration, name string, arg any) *updateOutcome {
	out := &updateOutcome{}
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(name, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { out.completed, out.err = true, err },
			OnComplete: func(_ any, err error) {
				out.completed, out.err = true, err
			},
		}, arg)
	}, at)
	return out
}

// A signature whose record fails for good answers its caller with the error at
// once (the HTTP request does not hang), and the dossier takes the next, clean
// signature: recorded and confirmed.
func TestSignatureWhoseRecordFailsAnswersAndTheNextOneIsRecorded(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.RecordApplicationState, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.NotifyApplicationDecided, mock.Anything, mock.Anything).Return(nil)
	decideAt(env, 2*time.Hour, selection.Retained)
	env.OnActivity(acts.PrepareConvention, mock.Anything, mock.Anything).Return(signaturePlan, nil).Once()
	env.OnActivity(acts.SendConventionForSignature, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.RemindConventionSignature, mock.Anything, mock.Anything).Return(nil).Maybe()
	confirmed := 0
	env.OnActivity(acts.ConfirmConventionSigned, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ConventionRef) error { confirmed++; return nil }).Maybe()
	env.OnActivity(acts.PlanFinancialReport, mock.Anything, mock.Anything).Return(activities.FinancialReportPlan{Received: true}, nil).Maybe()
	var attempts []string
	env.OnActivity(acts.RecordConventionSigned, mock.Anything, mock.Anything).Return(
		func(_ context.Context, rec activities.SignatureRecord) error {
			attempts = append(attempts, rec.SignedBy)
			if rec.SignedBy == "Marie Curie (refusée par la base)" {
				return refusedByTheDatabase()
			}
			return nil
		})
	poisoned := updateAt(env, 10*24*time.Hour, UpdateSignConvention, Signature{SignedBy: "Marie Curie (refusée par la base)"})
	clean := updateAt(env, 11*24*time.Hour, UpdateSignConvention, Signature{SignedBy: "Marie Curie, présidente"})

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})

	require.NoError(t, env.GetWorkflowError())
	require.True(t, poisoned.completed, "the failed signature is answered")
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(poisoned.err, &appErr), "%v", poisoned.err)
	assert.Equal(t, activities.ErrTypeInvalidData, appErr.Type())
	require.True(t, clean.completed)
	require.NoError(t, clean.err)
	assert.Equal(t, []string{"Marie Curie (refusée par la base)", "Marie Curie, présidente"}, attempts, "the refused record is not retried")
	var res ApplicationResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.Equal(t, models.ConventionSigned, res.Convention)
	assert.Equal(t, 1, confirmed, "the clean signature is confirmed")
}

// A cancellation whose record fails for good answers its caller with the error,
// leaves the call as it was, and the next, clean cancellation is recorded.
func TestCancellationWhoseRecordFailsAnswersAndTheNextOneIsRecorded(t *testing.T) {
	env := newEnv(t)
	var phases []string
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ch activities.PhaseChange) error {
			phases = append(phases, ch.Phase)
			return nil
		}).Maybe()
	var attempts []string
	env.OnActivity(acts.RecordCampaignCancelled, mock.Anything, mock.Anything).Return(
		func(_ context.Context, x activities.CampaignCancellation) error {
			attempts = append(attempts, x.Reason)
			if x.Reason == "Enveloppe redéployée (refusée par la base)" {
				return refusedByTheDatabase()
			}
			return nil
		})
	env.OnActivity(acts.DispatchCancellation, mock.Anything, mock.Anything).Return(nil).Once()
	poisoned := updateAt(env, time.Hour, UpdateCancelCampaign, Cancellation{Reason: "Enveloppe redéployée (refusée par la base)"})
	clean := updateAt(env, 2*time.Hour, UpdateCancelCampaign, Cancellation{Reason: "Enveloppe régionale redéployée sur les CTAI"})

	env.ExecuteWorkflow(CampaignWorkflow, campaignInput(10*24*time.Hour, 60*24*time.Hour))

	require.NoError(t, env.GetWorkflowError())
	require.True(t, poisoned.completed, "the failed cancellation is answered")
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(poisoned.err, &appErr), "%v", poisoned.err)
	assert.Equal(t, activities.ErrTypeInvalidData, appErr.Type())
	require.True(t, clean.completed)
	require.NoError(t, clean.err, "the call was left able to take the next cancellation")
	assert.Equal(t, []string{"Enveloppe redéployée (refusée par la base)", "Enveloppe régionale redéployée sur les CTAI"}, attempts, "not retried")
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.Equal(t, models.PhaseCancelled, res.Phase)
	assert.Empty(t, phases, "never published")
	env.AssertExpectations(t)
}
