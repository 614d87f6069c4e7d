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

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/models"
)

// requireInvalidText checks err is the validators' refusal of a text: typed,
// non-retryable, naming the field and the rule.
func requireInvalidText(t *testing.T, err error, field string) {
	t.Helper()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.Equal(t, ErrTypeInvalidText, appErr.Type())
	assert.True(t, appErr.NonRetryable(), "the same text is refused again")
	var r textinput.Refusal
	require.NoError(t, appErr.Details(&r))
	assert.Equal(t, field, r.Field)
	assert.Equal(t, textinput.RuleControlCharacter, r.Rule)
}

// A signature carrying NUL is refused by the Update's validator (no activity
// ever sees it), and the dossier takes the next, clean signature.
func TestSignatureWithAControlCharacterIsRefusedBeforeAnyActivity(t *testing.T) {
	env := newEnv(t)
	calls := retainedDossier(env)
	poisoned := updateAt(env, 10*24*time.Hour, UpdateSignConvention, Signature{SignedBy: "Marie\x00 Curie"})
	clean := updateAt(env, 11*24*time.Hour, UpdateSignConvention, Signature{SignedBy: "Marie Curie, présidente"})

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})

	require.NoError(t, env.GetWorkflowError())
	require.True(t, poisoned.completed)
	requireInvalidText(t, poisoned.err, "signed_by")
	require.True(t, clean.completed)
	require.NoError(t, clean.err)
	require.Len(t, calls.signatures, 1, "only the clean signature reaches the activity")
	assert.Equal(t, "Marie Curie, présidente", calls.signatures[0].SignedBy)
	assert.Equal(t, 1, calls.confirmed)
}

// A cancellation whose reason holds an escape character (C0) or a C1 control is
// refused by the validator; a reason over several lines is not; the next, clean
// cancellation is recorded.
func TestCancellationWithAControlCharacterIsRefusedBeforeAnyActivity(t *testing.T) {
	env := newEnv(t)
	var recorded []string
	env.OnActivity(acts.RecordCampaignCancelled, mock.Anything, mock.Anything).Return(
		func(_ context.Context, x activities.CampaignCancellation) error {
			recorded = append(recorded, x.Reason)
			return nil
		})
	env.OnActivity(acts.DispatchCancellation, mock.Anything, mock.Anything).Return(nil).Once()
	escape := updateAt(env, time.Hour, UpdateCancelCampaign, Cancellation{Reason: "Enveloppe \x1b[31mredéployée"})
	c1 := updateAt(env, 2*time.Hour, UpdateCancelCampaign, Cancellation{Reason: "Enveloppe \u0085redéployée"})
	clean := updateAt(env, 3*time.Hour, UpdateCancelCampaign, Cancellation{Reason: "Enveloppe redéployée\r\nsur les CTAI"})

	env.ExecuteWorkflow(CampaignWorkflow, campaignInput(10*24*time.Hour, 60*24*time.Hour))

	require.NoError(t, env.GetWorkflowError())
	requireInvalidText(t, escape.err, "reason")
	requireInvalidText(t, c1.err, "reason")
	require.True(t, clean.completed)
	require.NoError(t, clean.err, "tab and newline are admitted in a reason")
	assert.Equal(t, []string{"Enveloppe redéployée\r\nsur les CTAI"}, recorded)
}

// The selection's and the CTAI opinion's validators refuse a control character
// in any of their texts, naming it as the API does.
func TestSelectionAndOpinionValidatorsRefuseControlCharacters(t *testing.T) {
	c := &campaign{state: CampaignState{Phase: models.PhaseClosed}}
	// The decisions' texts are in the draft, refused by the activity (activities' tests).
	u := SelectionUpdate{Draft: testDraft(1), Actor: models.Actor{Name: "Jeanne\x00 Martin"}}
	requireInvalidText(t, c.validateSelection(u), "actor")
	u.Actor.Name = "Jeanne Martin"
	assert.NoError(t, c.validateSelection(u))

	w := &ctaiRequest{state: CTAIState{Phase: CTAIPhaseProposed}}
	requireInvalidText(t, w.validateOpinion(CTAIOpinionUpdate{Decision: ctai.Decision{Opinion: "defavorable", Motivation: "Aucun\x07 bilan"}}), "motivation")
	requireInvalidText(t, w.validateOpinion(CTAIOpinionUpdate{Decision: ctai.Decision{Opinion: "favo\x00rable"}}), "opinion")
}
