package workflows

import (
	"context"
	"errors"
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

var committeeDossiers = []selection.Dossier{
	{ApplicationID: "a-1", AssociationName: "Langues en partage", Theme: "langue", RequestedCents: 7_000_000, BeneficiariesBPI: 7, BeneficiariesNonBPI: 3},
	{ApplicationID: "a-2", AssociationName: "Santé pour tous", Theme: "sante", RequestedCents: 5_000_000, BeneficiariesBPI: 5, BeneficiariesNonBPI: 5},
}

func decisions(granted1, granted2 int64) []selection.Decision {
	return []selection.Decision{
		{ApplicationID: "a-1", Decision: selection.Retained, GrantedCents: granted1, Score: 80},
		{ApplicationID: "a-2", Decision: selection.Retained, GrantedCents: granted2, Score: 60},
	}
}

// sendSelection sends the update at the given time and reports its outcome.
func sendSelection(env *testsuite.TestWorkflowEnvironment, at time.Duration, u SelectionUpdate, rejected *error, outcome *SelectionOutcome) {
	env.RegisterDelayedCallback(func() {
		env.UpdateWorkflow(UpdateSelection, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { *rejected = err },
			OnComplete: func(v any, err error) {
				if err == nil {
					*outcome = v.(SelectionOutcome)
				}
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
	sendSelection(env, 90*time.Minute, SelectionUpdate{Dossiers: committeeDossiers, Decisions: decisions(7_000_000, 3_000_000)}, &rejected, &outcome)
	selectAfter(t, env, 3*time.Hour)

	env.ExecuteWorkflow(CampaignWorkflow, selectionInput())
	require.NoError(t, env.GetWorkflowError())
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(rejected, &appErr), "%v", rejected)
	require.Equal(t, ErrTypeSelectionNotOpen, appErr.Type())
}

func TestSelectionBreakingTheRulesLeavesNoTrace(t *testing.T) {
	env := newEnv(t)
	mockCampaignActivities(env)
	var rejected error
	var outcome SelectionOutcome
	// 7 000 € + 3 000,01 € = one cent over the envelope, and 69,99 % to employment and language.
	sendSelection(env, 3*time.Hour, SelectionUpdate{Dossiers: committeeDossiers, Decisions: decisions(7_000_000, 3_000_001)}, &rejected, &outcome)
	selectAfter(t, env, 4*time.Hour)

	env.ExecuteWorkflow(CampaignWorkflow, selectionInput())
	require.NoError(t, env.GetWorkflowError())
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(rejected, &appErr), "%v", rejected)
	require.Equal(t, ErrTypeSelectionRefused, appErr.Type())
	var violations []selection.Violation
	require.NoError(t, appErr.Details(&violations))
	rules := []string{}
	for _, v := range violations {
		rules = append(rules, v.Rule)
	}
	require.Equal(t, []string{selection.RuleEnvelope, selection.RuleEmploymentLanguageShare}, rules)
	// Only the later, empty selection was recorded.
	env.AssertNumberOfCalls(t, "RecordSelection", 1)
}

func TestSelectionAtTheThresholdsIsRecordedAndDispatched(t *testing.T) {
	env := newEnv(t)
	mockCampaignActivities(env)
	var recorded activities.SelectionRecord
	env.OnActivity(acts.RecordSelection, mock.Anything, mock.Anything).Return(
		func(_ context.Context, r activities.SelectionRecord) error { recorded = r; return nil }).Once()
	env.OnActivity(acts.DispatchDecisions, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.NotifyCarifOref, mock.Anything, mock.Anything).Return(nil).Once()
	var rejected error
	var outcome SelectionOutcome
	// Exactly the envelope, exactly 70 % to language.
	sendSelection(env, 3*time.Hour, SelectionUpdate{Dossiers: committeeDossiers, Decisions: decisions(7_000_000, 3_000_000)}, &rejected, &outcome)

	env.ExecuteWorkflow(CampaignWorkflow, selectionInput())
	require.NoError(t, rejected)
	require.NoError(t, env.GetWorkflowError())
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, models.PhaseSelected, res.Phase)
	require.Equal(t, int64(10_000_000), outcome.Totals.GrantedCents)
	require.Equal(t, 2, outcome.Totals.RetainedCount)
	require.Len(t, recorded.Decisions, 2)
	require.True(t, recorded.At.Equal(t0.Add(3*time.Hour)))
	env.AssertExpectations(t)
}
