package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/policy"
)

// QueryCTAIState returns a CTAI request's CTAIState.
const QueryCTAIState = "ctai-state"

// Phases of a CTAI request's workflow (the AapPhase search attribute).
const (
	CTAIPhaseFiled    = "ctai-filed"    // filed, being evaluated
	CTAIPhaseReviewed = "ctai-reviewed" // opinion recorded and sent
)

// CTAIInput starts a request's workflow. The ceilings are copied in at start:
// editing a policy file never changes a request being instructed.
type CTAIInput struct {
	RequestID    string
	Year         int
	Rules        policy.CTAI
	MailRetryFor time.Duration
}

// CTAIState is what the state query answers.
type CTAIState struct {
	Phase   string `json:"phase"`
	Opinion string `json:"opinion,omitempty"`
	// FailedRules counts the rules the request breaks.
	FailedRules int `json:"failed_rules"`
	// NotificationFailed: the opinion could not be emailed within the retry delay.
	NotificationFailed bool `json:"notification_failed,omitempty"`
}

// CTAIResult is returned when the request's workflow ends.
type CTAIResult struct {
	Opinion     string
	FailedRules int
}

// CTAIWorkflow carries a collectivité's CTAI request (§3): it evaluates each
// rule, records the opinion with every outcome, and emails it to the
// collectivité, the correspondent and DIAN.
func CTAIWorkflow(ctx workflow.Context, in CTAIInput) (CTAIResult, error) {
	st := &CTAIState{Phase: CTAIPhaseFiled}
	if err := workflow.SetQueryHandler(ctx, QueryCTAIState, func() (CTAIState, error) { return *st, nil }); err != nil {
		return CTAIResult{}, err
	}
	ref := activities.CTAIRef{RequestID: in.RequestID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	var opinion activities.CTAIOpinion
	recordCtx := workflow.WithActivityOptions(ctx, recordOptions)
	if err := workflow.ExecuteActivity(recordCtx, acts.EvaluateCTAI, activities.CTAIEvaluation{CTAIRef: ref, Rules: in.Rules}).Get(ctx, &opinion); err != nil {
		return CTAIResult{}, err
	}
	st.Opinion, st.FailedRules = opinion.Opinion, opinion.Failed
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(in.MailRetryFor))
	if err := workflow.ExecuteActivity(mailCtx, acts.NotifyCTAIOpinion, ref).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("CTAI opinion not delivered", "request", in.RequestID, "error", err)
		st.NotificationFailed = true
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(CTAIPhaseReviewed)); err != nil {
		return CTAIResult{}, err
	}
	st.Phase = CTAIPhaseReviewed
	return CTAIResult{Opinion: opinion.Opinion, FailedRules: opinion.Failed}, nil
}
