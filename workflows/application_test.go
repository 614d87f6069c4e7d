package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// The accusé de réception is the worker's sender's (worker/acknowledgements_test.go): the
// workflow runs nothing before the closure.
func TestApplicationWaitsForTheClosureThenIsReviewed(t *testing.T) {
	env := newEnv(t)
	in := ApplicationInput{ApplicationID: "a-1", CampaignID: "c-1", CloseAt: t0.Add(30 * 24 * time.Hour)}
	env.OnActivity(acts.RecordApplicationState, mock.Anything, activities.ApplicationStateChange{
		ApplicationID: "a-1", State: models.ApplicationUnderReview}).Return(nil).Once()
	env.OnActivity(acts.RecordApplicationState, mock.Anything, activities.ApplicationStateChange{
		ApplicationID: "a-1", State: models.ApplicationRetained}).Return(nil).Once()
	env.OnActivity(acts.NotifyApplicationDecided, mock.Anything, mock.Anything).Return(nil).Once()
	mockConvention(env)
	signAt(env, 50*24*time.Hour, "Marie Curie, présidente", nil)
	env.RegisterDelayedCallback(func() {
		st := query[ApplicationState](t, env, QueryApplicationState)
		require.Equal(t, ApplicationState{State: models.ApplicationDeposited}, st)
	}, 29*24*time.Hour)
	env.RegisterDelayedCallback(func() {
		st := query[ApplicationState](t, env, QueryApplicationState)
		require.Equal(t, models.ApplicationUnderReview, st.State, "under review until the committee decides")
		env.SignalWorkflow(SignalDecision, DossierDecision{Decision: selection.Retained, GrantedCents: 1_000_000})
	}, 40*24*time.Hour)

	env.ExecuteWorkflow(ApplicationWorkflow, in)
	require.NoError(t, env.GetWorkflowError())
	var res ApplicationResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.ApplicationRetained, res.State)
	require.Equal(t, models.ConventionSigned, res.Convention)
	env.AssertExpectations(t)
}

func TestApplicationNotRetainedIsToldAndKeepsTheFirstDecision(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.RecordApplicationState, mock.Anything, activities.ApplicationStateChange{
		ApplicationID: "a-1", State: models.ApplicationUnderReview}).Return(nil).Once()
	env.OnActivity(acts.RecordApplicationState, mock.Anything, activities.ApplicationStateChange{
		ApplicationID: "a-1", State: models.ApplicationNotRetained}).Return(nil).Once()
	env.OnActivity(acts.NotifyApplicationDecided, mock.Anything, mock.Anything).Return(nil).Once()
	decideAt(env, 2*time.Hour, selection.NotRetained)
	decideAt(env, 2*time.Hour+time.Minute, selection.Retained) // a retried dispatch: ignored

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.NoError(t, env.GetWorkflowError())
	var res ApplicationResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.ApplicationNotRetained, res.State)
	env.AssertExpectations(t)
}

// decideAt signals the committee's decision to the dossier at the given time.
func decideAt(env *testsuite.TestWorkflowEnvironment, at time.Duration, decision string) {
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalDecision, DossierDecision{Decision: decision})
	}, at)
}

var signaturePlan = activities.ConventionPlan{
	ConventionID:           "conv-1",
	RemindersAfter:         []time.Duration{7 * 24 * time.Hour, 14 * 24 * time.Hour},
	WarnCorrespondentAfter: 21 * 24 * time.Hour,
	LapseAfter:             30 * 24 * time.Hour,
}

// conventionCalls records what the convention's activities were asked.
type conventionCalls struct {
	reminders []int
	warned    int
	lapsed    *activities.ConventionRef
	signed    int
	confirmed int
	// signatures are the recorded signatures; signErr, when set, is the recording's answer.
	signatures []activities.SignatureRecord
	signErr    error
}

// mockConvention answers the convention's activities and records the calls.
func mockConvention(env *testsuite.TestWorkflowEnvironment) *conventionCalls {
	calls := &conventionCalls{}
	env.OnActivity(acts.PrepareConvention, mock.Anything, mock.Anything).Return(signaturePlan, nil).Once()
	env.OnActivity(acts.SendConventionForSignature, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.RemindConventionSignature, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ref activities.ConventionRef) error {
			calls.reminders = append(calls.reminders, ref.Reminder)
			return nil
		}).Maybe()
	env.OnActivity(acts.WarnConventionUnsigned, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ConventionRef) error { calls.warned++; return nil }).Maybe()
	env.OnActivity(acts.LapseConvention, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ref activities.ConventionRef) error { calls.lapsed = &ref; return nil }).Maybe()
	env.OnActivity(acts.RecordConventionSigned, mock.Anything, mock.Anything).Return(
		func(_ context.Context, rec activities.SignatureRecord) error {
			if calls.signErr != nil {
				return calls.signErr
			}
			calls.signed++
			calls.signatures = append(calls.signatures, rec)
			return nil
		}).Maybe()
	env.OnActivity(acts.ConfirmConventionSigned, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ConventionRef) error { calls.confirmed++; return nil }).Maybe()
	// The compte-rendu financier arrived with the signature (financial_report_test.go follows it otherwise).
	env.OnActivity(acts.PlanFinancialReport, mock.Anything, mock.Anything).Return(activities.FinancialReportPlan{Received: true}, nil).Maybe()
	return calls
}

// signAt sends the signature update at the given time; a refusal lands in *refused.
func signAt(env *testsuite.TestWorkflowEnvironment, at time.Duration, by string, refused *error) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateSignConvention, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) {
				if refused != nil {
					*refused = err
				}
			},
			OnComplete: func(any, error) {},
		}, Signature{SignedBy: by})
	}, at)
}

// retainedDossier runs a dossier retained one hour after its call closed.
func retainedDossier(env *testsuite.TestWorkflowEnvironment) *conventionCalls {
	env.OnActivity(acts.RecordApplicationState, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.NotifyApplicationDecided, mock.Anything, mock.Anything).Return(nil)
	decideAt(env, 2*time.Hour, selection.Retained)
	return mockConvention(env)
}

func TestConventionSignedAfterOneReminder(t *testing.T) {
	env := newEnv(t)
	calls := retainedDossier(env)
	var refused error
	signAt(env, 10*24*time.Hour, "  ", &refused) // nobody named: refused
	signAt(env, 11*24*time.Hour, "Marie Curie, présidente", nil)

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.NoError(t, env.GetWorkflowError())
	var res ApplicationResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.ConventionSigned, res.Convention)
	require.Error(t, refused)
	require.Equal(t, []int{1}, calls.reminders) // day 7 only
	require.Zero(t, calls.warned)
	require.Nil(t, calls.lapsed)
	require.Equal(t, 1, calls.signed)
	require.Equal(t, 1, calls.confirmed, "the signature is confirmed to both")
}

func TestUnsignedConventionIsRemindedWarnedThenLapses(t *testing.T) {
	env := newEnv(t)
	calls := retainedDossier(env)

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.NoError(t, env.GetWorkflowError())
	var res ApplicationResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.ConventionLapsed, res.Convention)
	require.Equal(t, []int{1, 2}, calls.reminders)
	require.Equal(t, 1, calls.warned)
	require.NotNil(t, calls.lapsed)
	require.Equal(t, calls.lapsed.SentAt.Add(30*24*time.Hour), calls.lapsed.LapseAt)
	require.Zero(t, calls.signed)
	require.Zero(t, calls.confirmed)

}
