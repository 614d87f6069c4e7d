package workflows

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// selectionInput is a call of 100 000 € under the 2024 thresholds.
func selectionInput() CampaignInput {
	in := campaignInput(time.Hour, 2*time.Hour)
	in.BudgetCents = 10_000_000
	in.Policy = policy.Policy{Name: "2024", Year: 2024, Selection: policy.Selection{
		EmploymentLanguageMinPercent: 70, NonBPIBeneficiariesMinPercent: 30,
		EmploymentLanguageThemes: []string{"emploi", "langue"}, PNEMissesBlockingRenewal: 2,
	}}
	return in
}

// sendSelection sends the update at the given time and reports its refusal (by the
// validator or by the handler) or its outcome.
func sendSelection(env *testsuite.TestWorkflowEnvironment, at time.Duration, u SelectionUpdate, rejected *error, outcome *SelectionOutcome) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateSelection, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { *rejected = err },
			OnComplete: func(v any, err error) {
				if err != nil {
					*rejected = err
					return
				}
				*outcome = v.(SelectionOutcome)
			},
		}, u)
	}, at)
}

func mockCampaignActivities(env *testsuite.TestWorkflowEnvironment) {
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.NotifyCampaignPublished, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.NotifyCampaignClosed, mock.Anything, mock.Anything).Return(nil)
}

func TestSelectionIsRefusedBeforeTheCallCloses(t *testing.T) {
	env := newEnv(t)
	mockCampaignActivities(env)
	var rejected error
	var outcome SelectionOutcome
	sendSelection(env, 90*time.Minute, SelectionUpdate{Draft: testDraft(1)}, &rejected, &outcome)
	selectAfter(t, env, 3*time.Hour)

	env.ExecuteWorkflow(CampaignWorkflow, selectionInput())
	require.NoError(t, env.GetWorkflowError())
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(rejected, &appErr), "%v", rejected)
	require.Equal(t, ErrTypeSelectionNotOpen, appErr.Type())
}

// An Update naming no draft is refused by the validator: nothing enters the history.
func TestSelectionNamingNoDraftIsRefused(t *testing.T) {
	for name, draft := range map[string]activities.SelectionDraftRef{
		"no ID":        {Digest: strings.Repeat("ab", 32), Decisions: 2},
		"short digest": {ID: "draft-1", Digest: strings.Repeat("ab", 31), Decisions: 2},
		"no decision":  {ID: "draft-1", Digest: strings.Repeat("ab", 32)},
	} {
		t.Run(name, func(t *testing.T) {
			c := &campaign{state: CampaignState{Phase: models.PhaseClosed}}
			require.True(t, isRefusal(c.validateSelection(SelectionUpdate{Draft: draft}), ErrTypeSelectionRefused))
		})
	}
	c := &campaign{state: CampaignState{Phase: models.PhaseClosed}}
	require.NoError(t, c.validateSelection(SelectionUpdate{Draft: testDraft(1)}), "one decision, a 64-digit digest")
}

// A draft the activity refuses (it breaks the call's rules: the rules changed since the API
// checked it) fails the Update with the violations and leaves the call closed: a later
// selection is recorded.
func TestSelectionBreakingTheRulesLeavesNoTrace(t *testing.T) {
	env := newEnv(t)
	mockCampaignActivities(env)
	violations := []selection.Violation{{Rule: selection.RuleEnvelope, Field: "decisions", Message: "le total accordé dépasse l'enveloppe"}}
	env.OnActivity(acts.RecordSelection, mock.Anything, mock.Anything).Return(activities.SelectionOutcome{},
		temporal.NewNonRetryableApplicationError("refusée", activities.ErrTypeSelectionRefused, nil, violations)).Once()
	var rejected error
	var outcome SelectionOutcome
	sendSelection(env, 3*time.Hour, SelectionUpdate{Draft: testDraft(1)}, &rejected, &outcome)
	selectAfter(t, env, 4*time.Hour)

	env.ExecuteWorkflow(CampaignWorkflow, selectionInput())
	require.NoError(t, env.GetWorkflowError())
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(rejected, &appErr), "%v", rejected)
	require.Equal(t, ErrTypeSelectionRefused, appErr.Type())
	var got []selection.Violation
	require.NoError(t, appErr.Details(&got))
	require.Equal(t, violations, got)
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.PhaseSelected, res.Phase, "the later selection was recorded")
	env.AssertNumberOfCalls(t, "RecordSelection", 2)
}

func TestSelectionAtTheThresholdsIsRecordedAndDispatched(t *testing.T) {
	env := newEnv(t)
	mockCampaignActivities(env)
	var recorded activities.SelectionRecord
	totals := selection.Totals{GrantedCents: 10_000_000, RetainedCount: 2}
	env.OnActivity(acts.RecordSelection, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.SelectionRecord) (activities.SelectionOutcome, error) {
			recorded = r
			return activities.SelectionOutcome{Totals: totals}, nil
		}).Once()
	env.OnActivity(acts.DispatchDecisions, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.NotifyCarifOref, mock.Anything, mock.Anything).Return(nil).Once()
	var rejected error
	var outcome SelectionOutcome
	sendSelection(env, 3*time.Hour, SelectionUpdate{Draft: testDraft(1), Actor: models.Actor{Name: "Jeanne Martin"}}, &rejected, &outcome)

	env.ExecuteWorkflow(CampaignWorkflow, selectionInput())
	require.NoError(t, rejected)
	require.NoError(t, env.GetWorkflowError())
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.PhaseSelected, res.Phase)
	require.Equal(t, totals, outcome.Totals)
	require.Equal(t, testDraft(1), recorded.Draft)
	require.Equal(t, selectionInput().SelectionRules(), recorded.Rules, "judged by the call's rules")
	require.Equal(t, "Jeanne Martin", recorded.Actor.Name)
	require.True(t, recorded.At.Equal(t0.Add(3*time.Hour)))
	env.AssertExpectations(t)
}
