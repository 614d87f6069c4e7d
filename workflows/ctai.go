package workflows

import (
	"errors"
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

// QueryCTAIState returns a CTAI request's CTAIState.
const QueryCTAIState = "ctai-state"

// UpdateCTAIOpinion records a DIAN agent's opinion on the proposal (an Update
// with a validator: a refused opinion never enters the history).
const UpdateCTAIOpinion = "ctai-opinion"

// Error types of a refused opinion.
const (
	// ErrTypeCTAIOpinionRefused carries []ctai.Violation as details.
	ErrTypeCTAIOpinionRefused = "CTAIOpinionRefused"
	// ErrTypeCTAINotProposed: the engine's proposal is not recorded yet.
	ErrTypeCTAINotProposed = "CTAINotProposed"
	// ErrTypeCTAIAlreadyDecided: an opinion is recorded already; the first one won.
	ErrTypeCTAIAlreadyDecided = "CTAIAlreadyDecided"
)

// Phases of a CTAI request's workflow (the AapPhase search attribute).
const (
	CTAIPhaseFiled    = "ctai-filed"    // filed, being evaluated
	CTAIPhaseProposed = "ctai-proposed" // the proposal is recorded; DIAN decides
	CTAIPhaseReviewed = "ctai-reviewed" // DIAN's opinion recorded and sent
)

// CTAIInput starts a request's workflow. The ceilings are copied in at start:
// editing a policy file never changes a request being instructed.
type CTAIInput struct {
	RequestID    string
	Year         int
	Rules        policy.CTAI
	MailRetryFor time.Duration
}

// CTAIOpinionUpdate is a DIAN agent's opinion, with the year's envelope used
// by the other requests gathered by the API (validators may not do I/O).
type CTAIOpinionUpdate struct {
	Decision          ctai.Decision
	EnvelopeUsedCents int64
	// Actor is the agent, named by the audit entry recorded with the opinion.
	Actor models.Actor
}

// CTAIState is what the state query answers.
type CTAIState struct {
	Phase string `json:"phase"`
	// ProposedOpinion is the engine's; Opinion DIAN's, once recorded.
	ProposedOpinion string `json:"proposed_opinion,omitempty"`
	Opinion         string `json:"opinion,omitempty"`
	// FailedRules counts the rules the request breaks.
	FailedRules int `json:"failed_rules"`
	// NotificationFailed: the opinion could not be emailed within the retry delay.
	NotificationFailed bool `json:"notification_failed,omitempty"`
}

// CTAIResult is returned when the request's workflow ends.
type CTAIResult struct {
	ProposedOpinion string
	Opinion         string
	FailedRules     int
}

type ctaiRequest struct {
	in       CTAIInput
	ref      activities.CTAIRef
	state    CTAIState
	proposal ctai.Proposal
	deciding oneAtATime
}

// CTAIWorkflow carries a collectivité's CTAI request (§3.4: « la DIAN et la
// DIAIR valideront les demandes de délégation de crédits après avoir effectué
// un contrôle de cohérence »): it applies each rule and records the proposal
// with the coherence figures, waits for a DIAN agent's opinion (the Update
// UpdateCTAIOpinion), records it with the agent, and only then emails it to
// the collectivité, the correspondent and DIAN.
func CTAIWorkflow(ctx workflow.Context, in CTAIInput) (CTAIResult, error) {
	w := &ctaiRequest{in: in, state: CTAIState{Phase: CTAIPhaseFiled},
		ref: activities.CTAIRef{RequestID: in.RequestID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}}
	if err := w.setup(ctx); err != nil {
		return CTAIResult{}, err
	}
	return w.run(ctx)
}

func (w *ctaiRequest) setup(ctx workflow.Context) error {
	if err := workflow.SetQueryHandler(ctx, QueryCTAIState, func() (CTAIState, error) { return w.state, nil }); err != nil {
		return err
	}
	return workflow.SetUpdateHandlerWithOptions(ctx, UpdateCTAIOpinion,
		func(ctx workflow.Context, u CTAIOpinionUpdate) error {
			return w.deciding.decide(ctx, func() error { return w.validateOpinion(u) }, func() error { return w.recordOpinion(ctx, u) })
		},
		workflow.UpdateHandlerOptions{Validator: w.validateOpinion})
}

func (w *ctaiRequest) run(ctx workflow.Context) (CTAIResult, error) {
	recordCtx := workflow.WithActivityOptions(ctx, recordOptions)
	eval := activities.CTAIEvaluation{CTAIRef: w.ref, Rules: w.in.Rules}
	if err := workflow.ExecuteActivity(recordCtx, acts.ProposeCTAI, eval).Get(ctx, &w.proposal); err != nil {
		return CTAIResult{}, err
	}
	w.state.ProposedOpinion, w.state.FailedRules = w.proposal.Opinion, w.proposal.Failed()
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(CTAIPhaseProposed)); err != nil {
		return CTAIResult{}, err
	}
	w.state.Phase = CTAIPhaseProposed
	if err := workflow.Await(ctx, func() bool { return w.state.Phase == CTAIPhaseReviewed }); err != nil {
		return CTAIResult{}, err
	}
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(w.in.MailRetryFor))
	if err := workflow.ExecuteActivity(mailCtx, acts.NotifyCTAIOpinion, w.ref).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("CTAI opinion not delivered", "request", w.in.RequestID, "error", err)
		w.state.NotificationFailed = true
	}
	if err := workflow.Await(ctx, func() bool { return workflow.AllHandlersFinished(ctx) }); err != nil {
		return CTAIResult{}, err
	}
	return CTAIResult{ProposedOpinion: w.state.ProposedOpinion, Opinion: w.state.Opinion, FailedRules: w.state.FailedRules}, nil
}

func (w *ctaiRequest) validateOpinion(u CTAIOpinionUpdate) error {
	if err := refuseBadText(text{"opinion", u.Decision.Opinion}, text{"motivation", u.Decision.Motivation}); err != nil {
		return err
	}
	switch w.state.Phase {
	case CTAIPhaseFiled:
		return temporal.NewApplicationError("la proposition du moteur n'est pas encore enregistrée", ErrTypeCTAINotProposed)
	case CTAIPhaseReviewed:
		return temporal.NewApplicationError("l'avis de la DIAN est déjà enregistré", ErrTypeCTAIAlreadyDecided)
	}
	if v := ctai.CheckDecision(u.Decision, w.proposal, w.in.Rules, u.EnvelopeUsedCents); v != nil {
		return temporal.NewApplicationError("l'avis ne peut être enregistré tel quel", ErrTypeCTAIOpinionRefused, v)
	}
	return nil
}

func (w *ctaiRequest) recordOpinion(ctx workflow.Context, u CTAIOpinionUpdate) error {
	ctx = workflow.WithActivityOptions(ctx, recordOptions)
	rec := activities.CTAIDecisionRecord{CTAIRef: w.ref, Decision: u.Decision, Actor: u.Actor, At: workflow.Now(ctx),
		EnvelopeCents: w.in.Rules.NationalEnvelopeEUR * 100}
	if err := workflow.ExecuteActivity(ctx, acts.RecordCTAIOpinion, rec).Get(ctx, nil); err != nil {
		if isConflict(err) {
			return temporal.NewApplicationError("l'avis de la DIAN est déjà enregistré", ErrTypeCTAIAlreadyDecided)
		}
		if isRefusal(err, activities.ErrTypeCTAIEnvelopeExceeded) {
			return w.envelopeRefusal(err, u)
		}
		return err
	}
	if err := workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(CTAIPhaseReviewed)); err != nil {
		return err
	}
	w.state.Opinion, w.state.Phase = u.Decision.Opinion, CTAIPhaseReviewed
	return nil
}

// envelopeRefusal turns the database's refusal of an opinion passing the
// envelope (another request's favourable opinion was recorded between the
// validator's check and this one) into the validator's refusal, with the
// envelope's figures as the transaction read them: the phase stays proposed.
func (w *ctaiRequest) envelopeRefusal(err error, u CTAIOpinionUpdate) error {
	var appErr *temporal.ApplicationError
	var use activities.CTAIEnvelopeUse
	if !errors.As(err, &appErr) || appErr.Details(&use) != nil {
		return err
	}
	v := ctai.CheckDecision(u.Decision, w.proposal, w.in.Rules, use.UsedCents)
	return temporal.NewApplicationError("l'avis ne peut être enregistré tel quel", ErrTypeCTAIOpinionRefused, v)
}
