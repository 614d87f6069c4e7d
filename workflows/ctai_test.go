package workflows

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/models"
)

// proposal is an unfavourable proposal (no bilan) on 120,000 € asked.
var proposal = ctai.Proposal{Opinion: ctai.OpinionUnfavourable,
	Outcomes:  []ctai.Outcome{{Rule: ctai.RuleCeiling, Passed: true}, {Rule: ctai.RuleBilan, Missing: []string{"bilan : absent"}}},
	Coherence: ctai.Coherence{StateFundingCents: 12_000_000}}

var agent = models.Actor{Name: "Agent DIAN"}

func opinion(d ctai.Decision) CTAIOpinionUpdate { return CTAIOpinionUpdate{Decision: d, Actor: agent} }

func refusalType(err error) string {
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) {
		return appErr.Type()
	}
	return fmt.Sprint(err)
}

// The engine proposes, DIAN decides (§3.4): nothing is emailed until an agent
// records the opinion; a refused opinion changes nothing; the first recorded wins.
func TestCTAIWorkflowProposesAndWaitsForDIAN(t *testing.T) {
	env := newEnv(t)
	rules := loadPolicy(t, 2027).CTAI
	in := CTAIInput{RequestID: "r-1", Year: 2027, Rules: rules}
	ref := activities.CTAIRef{RequestID: "r-1", WorkflowID: "default-test-workflow-id"}
	var order []string
	env.OnActivity(acts.ProposeCTAI, mock.Anything, activities.CTAIEvaluation{CTAIRef: ref, Rules: rules}).
		Return(func(context.Context, activities.CTAIEvaluation) (ctai.Proposal, error) {
			order = append(order, "propose")
			return proposal, nil
		}).Once()
	var recorded []activities.CTAIDecisionRecord
	env.OnActivity(acts.RecordCTAIOpinion, mock.Anything, mock.Anything).Return(func(_ context.Context, rec activities.CTAIDecisionRecord) error {
		order = append(order, "record")
		recorded = append(recorded, rec)
		return nil
	}).Once()
	env.OnActivity(acts.NotifyCTAIOpinion, mock.Anything, ref).Return(func(context.Context, activities.CTAIRef) error {
		order = append(order, "notify")
		return nil
	}).Once()
	var proposed CTAIState
	env.RegisterDelayedCallback(func() { proposed = query[CTAIState](t, env, QueryCTAIState) }, 24*time.Hour)
	unmotivated := updateAt(env, 25*time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionUnfavourable}))
	overriding := updateAt(env, 26*time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: 10_000_000}))
	decided := ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: 10_000_000, Motivation: "Bilan transmis depuis au correspondant."}
	// Two agents at once: the first wins, the second is told it is decided.
	o := &outcomes{refused: map[string]int{}}
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateCTAIOpinion, "first", o.callback(), opinion(decided))
		env.UpdateWorkflow(UpdateCTAIOpinion, "second", o.callback(), opinion(ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: "Non"}))
	}, 27*time.Hour)

	env.ExecuteWorkflow(CTAIWorkflow, in)
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	assert.Equal(t, CTAIState{Phase: CTAIPhaseProposed, ProposedOpinion: ctai.OpinionUnfavourable, FailedRules: 1}, proposed,
		"a day later the proposal waits for DIAN, nothing sent")

	require.True(t, unmotivated.completed)
	assert.Equal(t, ErrTypeCTAIOpinionRefused, refusalType(unmotivated.err), "an unfavourable opinion without motivation")
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(unmotivated.err, &appErr))
	var violations []ctai.Violation
	require.NoError(t, appErr.Details(&violations))
	assert.Equal(t, []ctai.Violation{{Field: "motivation", Rule: ctai.MotivationUnfavourable,
		Message: "un avis défavorable est motivé : la collectivité doit savoir pourquoi (§3.3)"}}, violations)
	assert.Equal(t, ErrTypeCTAIOpinionRefused, refusalType(overriding.err), "overriding an unfavourable proposal without motivation")
	assert.Equal(t, 1, o.completed)
	assert.Equal(t, map[string]int{ErrTypeCTAIAlreadyDecided: 1}, o.refused, "one winner")

	assert.Equal(t, []string{"propose", "record", "notify"}, order, "recorded, then emailed")
	require.Len(t, recorded, 1)
	assert.Equal(t, decided, recorded[0].Decision)
	assert.Equal(t, agent, recorded[0].Actor)
	assert.Equal(t, t0.Add(27*time.Hour), recorded[0].At.UTC())
	var res CTAIResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.Equal(t, CTAIResult{ProposedOpinion: ctai.OpinionUnfavourable, Opinion: ctai.OpinionFavourable, FailedRules: 1}, res)
}

// Above 150,000 € the validator demands a motivation; just at it, none.
func TestCTAIOpinionAboveTheCeilingNeedsAMotivation(t *testing.T) {
	for _, c := range []struct {
		cents int64
		want  string
	}{{15_000_000, ""}, {15_000_001, ErrTypeCTAIOpinionRefused}} {
		t.Run(fmt.Sprint(c.cents), func(t *testing.T) {
			env := newEnv(t)
			large := ctai.Proposal{Opinion: ctai.OpinionFavourable, Coherence: ctai.Coherence{StateFundingCents: 50_000_000}}
			env.OnActivity(acts.ProposeCTAI, mock.Anything, mock.Anything).Return(large, nil)
			env.OnActivity(acts.RecordCTAIOpinion, mock.Anything, mock.Anything).Return(nil).Maybe()
			env.OnActivity(acts.NotifyCTAIOpinion, mock.Anything, mock.Anything).Return(nil).Maybe()
			out := updateAt(env, time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: c.cents}))
			env.RegisterDelayedCallback(func() {
				if out.err != nil { // refused: the motivated opinion ends the test
					updateAt(env, time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: c.cents, Motivation: "Métropole"}))
				}
			}, 2*time.Hour)
			env.ExecuteWorkflow(CTAIWorkflow, CTAIInput{RequestID: "r-4", Year: 2027, Rules: loadPolicy(t, 2027).CTAI})
			require.NoError(t, env.GetWorkflowError())
			require.True(t, out.completed)
			if c.want == "" {
				assert.NoError(t, out.err)
				return
			}
			assert.Equal(t, c.want, refusalType(out.err))
		})
	}
}

// A conflict in the record (another agent's opinion won in the database) answers already decided.
func TestCTAIOpinionLosingInTheDatabaseIsAlreadyDecided(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.ProposeCTAI, mock.Anything, mock.Anything).Return(proposal, nil)
	env.OnActivity(acts.RecordCTAIOpinion, mock.Anything, mock.Anything).
		Return(temporal.NewNonRetryableApplicationError("decided meanwhile", activities.ErrTypeConflict, nil)).Once()
	env.OnActivity(acts.RecordCTAIOpinion, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.NotifyCTAIOpinion, mock.Anything, mock.Anything).Return(nil).Once()
	lost := updateAt(env, time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: "Bilan absent"}))
	won := updateAt(env, 2*time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: "Bilan absent"}))
	env.ExecuteWorkflow(CTAIWorkflow, CTAIInput{RequestID: "r-5", Year: 2027, Rules: loadPolicy(t, 2027).CTAI})
	require.NoError(t, env.GetWorkflowError())
	assert.Equal(t, ErrTypeCTAIAlreadyDecided, refusalType(lost.err))
	assert.NoError(t, won.err, "the state was left open: the workflow takes the next opinion")
}

// The validator saw the envelope before another request's opinion was recorded;
// the database, checking again in the transaction that records (§3.5: « dans la
// limite de l'enveloppe »), refuses: the agent gets the validator's refusal with
// the envelope's figures as then, the request stays proposed, and the motivated
// opinion is recorded. The envelope travels with the record.
func TestCTAIOpinionBeyondTheEnvelopeInTheDatabaseNeedsAMotivation(t *testing.T) {
	env := newEnv(t)
	rules := loadPolicy(t, 2027).CTAI
	rules.NationalEnvelopeEUR = 200_000
	fits := ctai.Proposal{Opinion: ctai.OpinionFavourable, Coherence: ctai.Coherence{StateFundingCents: 12_000_000}}
	env.OnActivity(acts.ProposeCTAI, mock.Anything, mock.Anything).Return(fits, nil)
	var envelopes []int64
	env.OnActivity(acts.RecordCTAIOpinion, mock.Anything, mock.Anything).Return(func(_ context.Context, rec activities.CTAIDecisionRecord) error {
		envelopes = append(envelopes, rec.EnvelopeCents)
		if rec.Decision.Motivation != "" {
			return nil
		}
		return temporal.NewNonRetryableApplicationError("beyond", activities.ErrTypeCTAIEnvelopeExceeded, nil,
			activities.CTAIEnvelopeUse{UsedCents: 9_000_000})
	}).Twice()
	env.OnActivity(acts.NotifyCTAIOpinion, mock.Anything, mock.Anything).Return(nil).Once()
	// The API read 0 € used: the validator lets it through; the database does not.
	raced := updateAt(env, time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: 12_000_000}))
	var between CTAIState
	env.RegisterDelayedCallback(func() { between = query[CTAIState](t, env, QueryCTAIState) }, 90*time.Minute)
	motivated := updateAt(env, 2*time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: 12_000_000,
		Motivation: "Priorité nationale : 2 000 CIR."}))
	env.ExecuteWorkflow(CTAIWorkflow, CTAIInput{RequestID: "r-6", Year: 2027, Rules: rules})
	require.NoError(t, env.GetWorkflowError())

	require.True(t, raced.completed)
	assert.Equal(t, ErrTypeCTAIOpinionRefused, refusalType(raced.err))
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(raced.err, &appErr))
	var violations []ctai.Violation
	require.NoError(t, appErr.Details(&violations))
	assert.Equal(t, []ctai.Violation{{Field: "motivation", Rule: ctai.MotivationBeyondEnvelope,
		Message: "avec ce montant, les avis favorables de l'année délégueraient 210\u00a0000,00\u00a0€, au-delà de l'enveloppe nationale (200\u00a0000,00\u00a0€) : un dépassement est motivé (§3.5)"}},
		violations, "the figures the database read")
	assert.Equal(t, CTAIPhaseProposed, between.Phase, "the refused opinion changed nothing")
	assert.NoError(t, motivated.err)
	assert.Equal(t, []int64{20_000_000, 20_000_000}, envelopes)
	assert.Equal(t, CTAIPhaseReviewed, query[CTAIState](t, env, QueryCTAIState).Phase)
}

func TestCTAIWorkflowOpinionUndeliverableStillEnds(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.ProposeCTAI, mock.Anything, mock.Anything).Return(ctai.Proposal{Opinion: ctai.OpinionFavourable}, nil)
	env.OnActivity(acts.RecordCTAIOpinion, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.NotifyCTAIOpinion, mock.Anything, mock.Anything).
		Return(temporal.NewNonRetryableApplicationError("550 refused", activities.ErrTypeEmailRefused, nil)).Once()
	updateAt(env, time.Hour, UpdateCTAIOpinion, opinion(ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: "Hors enveloppe"}))
	env.ExecuteWorkflow(CTAIWorkflow, CTAIInput{RequestID: "r-2", Year: 2027, Rules: loadPolicy(t, 2027).CTAI})
	require.NoError(t, env.GetWorkflowError())
	st := query[CTAIState](t, env, QueryCTAIState)
	assert.True(t, st.NotificationFailed)
	assert.Equal(t, CTAIPhaseReviewed, st.Phase)
	assert.Equal(t, ctai.OpinionUnfavourable, st.Opinion, "DIAN overrode the favourable proposal")
}

func TestCTAIWorkflowFailsWhenTheRequestIsGone(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.ProposeCTAI, mock.Anything, mock.Anything).
		Return(ctai.Proposal{}, temporal.NewNonRetryableApplicationError("gone", activities.ErrTypeNotFound, nil))
	env.ExecuteWorkflow(CTAIWorkflow, CTAIInput{RequestID: "r-3", Year: 2027, Rules: loadPolicy(t, 2027).CTAI})
	require.Error(t, env.GetWorkflowError())
	env.AssertNotCalled(t, "NotifyCTAIOpinion", mock.Anything, mock.Anything)
}
