package workflows

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/ctai"
)

func TestCTAIWorkflowEvaluatesRecordsAndNotifies(t *testing.T) {
	env := newEnv(t)
	rules := loadPolicy(t, 2027).CTAI
	in := CTAIInput{RequestID: "r-1", Year: 2027, Rules: rules}
	ref := activities.CTAIRef{RequestID: "r-1", WorkflowID: "default-test-workflow-id"}
	var order []string
	env.OnActivity(acts.EvaluateCTAI, mock.Anything, activities.CTAIEvaluation{CTAIRef: ref, Rules: rules}).
		Return(func(context.Context, activities.CTAIEvaluation) (activities.CTAIOpinion, error) {
			order = append(order, "evaluate")
			return activities.CTAIOpinion{Opinion: ctai.OpinionUnfavourable, Failed: 2}, nil
		}).Once()
	env.OnActivity(acts.NotifyCTAIOpinion, mock.Anything, ref).Return(func(context.Context, activities.CTAIRef) error {
		order = append(order, "notify")
		return nil
	}).Once()
	env.ExecuteWorkflow(CTAIWorkflow, in)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res CTAIResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.Equal(t, CTAIResult{Opinion: ctai.OpinionUnfavourable, FailedRules: 2}, res)
	assert.Equal(t, []string{"evaluate", "notify"}, order, "the opinion is recorded before it is sent")
	st := query[CTAIState](t, env, QueryCTAIState)
	assert.Equal(t, CTAIState{Phase: CTAIPhaseReviewed, Opinion: ctai.OpinionUnfavourable, FailedRules: 2}, st)
}

func TestCTAIWorkflowOpinionUndeliverableStillEnds(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.EvaluateCTAI, mock.Anything, mock.Anything).Return(activities.CTAIOpinion{Opinion: ctai.OpinionFavourable}, nil)
	env.OnActivity(acts.NotifyCTAIOpinion, mock.Anything, mock.Anything).
		Return(temporal.NewNonRetryableApplicationError("550 refused", activities.ErrTypeEmailRefused, nil)).Once()
	env.ExecuteWorkflow(CTAIWorkflow, CTAIInput{RequestID: "r-2", Year: 2027, Rules: loadPolicy(t, 2027).CTAI})
	require.NoError(t, env.GetWorkflowError())
	st := query[CTAIState](t, env, QueryCTAIState)
	assert.True(t, st.NotificationFailed)
	assert.Equal(t, ctai.OpinionFavourable, st.Opinion)
}

func TestCTAIWorkflowFailsWhenTheRequestIsGone(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.EvaluateCTAI, mock.Anything, mock.Anything).
		Return(activities.CTAIOpinion{}, temporal.NewNonRetryableApplicationError("gone", activities.ErrTypeNotFound, nil))
	env.ExecuteWorkflow(CTAIWorkflow, CTAIInput{RequestID: "r-3", Year: 2027, Rules: loadPolicy(t, 2027).CTAI})
	require.Error(t, env.GetWorkflowError())
	env.AssertNotCalled(t, "NotifyCTAIOpinion", mock.Anything, mock.Anything)
}
