package engine

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/workflows"
)

func TestStartPNEWorkflowsStartsTheYearsStillToComeOnce(t *testing.T) {
	pols, err := loadPolicies(config.Config{})
	require.NoError(t, err)
	cfg := config.Config{PNESurveyURL: "https://enquetes.example/pne", MailRate: 7, MailRetryFor: time.Hour}
	log := slog.New(slog.DiscardHandler)

	// 29 November 2026: the 2026 questionnaire closed on 31 May; 2027's is to come.
	tc := mocks.NewClient(t)
	var started []workflows.PNEInput
	tc.On("ExecuteWorkflow", mock.Anything, mock.MatchedBy(func(o client.StartWorkflowOptions) bool {
		territory, _ := o.TypedSearchAttributes.GetKeyword(workflows.TerritoryKey)
		year, _ := o.TypedSearchAttributes.GetInt64(workflows.YearKey)
		phase, _ := o.TypedSearchAttributes.GetKeyword(workflows.PhaseKey)
		return o.ID == "aap/pne/2027" && o.WorkflowIDConflictPolicy == enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING &&
			territory == workflows.NationalTerritory && year == 2027 && phase == workflows.PNEPhaseScheduled
	}), mock.Anything, mock.Anything).Run(func(args mock.Arguments) {
		started = append(started, args.Get(3).(workflows.PNEInput))
	}).Return(&mocks.WorkflowRun{}, nil).Once()
	require.NoError(t, startPNEWorkflows(context.Background(), tc, pols, cfg, time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC), log))
	require.Len(t, started, 1)
	require.Equal(t, 2027, started[0].Year)
	require.Equal(t, "2025", started[0].Policy.Name, "the latest policy until 2027's is written")
	require.Equal(t, "https://enquetes.example/pne", started[0].SurveyURL)
	require.Equal(t, 7, started[0].PerSecond)

	// 1 March 2027: 2027 (running: a finished run answers AlreadyStarted) and 2028.
	tc = mocks.NewClient(t)
	tc.On("ExecuteWorkflow", mock.Anything, mock.MatchedBy(func(o client.StartWorkflowOptions) bool { return o.ID == "aap/pne/2027" }),
		mock.Anything, mock.Anything).Return(nil, serviceerror.NewWorkflowExecutionAlreadyStarted("done", "", "")).Once()
	tc.On("ExecuteWorkflow", mock.Anything, mock.MatchedBy(func(o client.StartWorkflowOptions) bool { return o.ID == "aap/pne/2028" }),
		mock.Anything, mock.Anything).Return(&mocks.WorkflowRun{}, nil).Once()
	require.NoError(t, startPNEWorkflows(context.Background(), tc, pols, cfg, time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC), log))

	tc = mocks.NewClient(t)
	tc.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(nil, errors.New("unavailable")).Once()
	require.ErrorContains(t, startPNEWorkflows(context.Background(), tc, pols, cfg, time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC), log), "PNE workflow of 2027")
}
