package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
)

// While the call is open the démarche is pulled every PullEvery and at once on a
// webhook's request; after the closure once more, retried hourly while DS is down.
func TestDSConnectorPullsOnScheduleOnWebhookAndAfterClosure(t *testing.T) {
	env := newEnv(t)
	start := env.Now()
	closeAt := start.Add(3*time.Hour + 30*time.Minute)
	var pulls []time.Duration
	failuresAfterClosure := 2
	env.OnActivity(acts.PullDemarche, mock.Anything, activities.DSPullInput{CampaignID: "c-1"}).
		Return(func(context.Context, activities.DSPullInput) (activities.DSPullResult, error) {
			at := env.Now().Sub(start)
			pulls = append(pulls, at)
			if at >= closeAt.Sub(start) && failuresAfterClosure > 0 {
				failuresAfterClosure--
				return activities.DSPullResult{}, temporal.NewNonRetryableApplicationError("DS down", activities.ErrTypeDSRefused, nil)
			}
			return activities.DSPullResult{Filed: 1}, nil
		})
	env.RegisterDelayedCallback(func() { env.SignalWorkflow(SignalDSPull, nil) }, 90*time.Minute)
	env.ExecuteWorkflow(DSConnectorWorkflow, DSConnectorInput{CampaignID: "c-1", CloseAt: closeAt, PullEvery: time.Hour})
	require.NoError(t, env.GetWorkflowError())
	var res DSConnectorResult
	require.NoError(t, env.GetWorkflowResult(&res))
	h := time.Hour
	assert.Equal(t, []time.Duration{0, h, 90 * time.Minute, 150 * time.Minute, 210 * time.Minute, 210*time.Minute + h, 210*time.Minute + 2*h}, pulls,
		"0, 1 h, the webhook at 1 h 30, 2 h 30, the closure at 3 h 30 (DS down), then hourly until it answers")
	assert.Equal(t, DSConnectorResult{Pulls: 7}, res)
}

// A cancelled call stops its connector at the next pull.
func TestDSConnectorStopsWhenTheCallIsCancelled(t *testing.T) {
	env := newEnv(t)
	env.OnActivity(acts.PullDemarche, mock.Anything, mock.Anything).Return(activities.DSPullResult{Stopped: true}, nil).Once()
	env.ExecuteWorkflow(DSConnectorWorkflow, DSConnectorInput{CampaignID: "c-2", CloseAt: env.Now().Add(48 * time.Hour)})
	require.NoError(t, env.GetWorkflowError())
	var res DSConnectorResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.Equal(t, 1, res.Pulls)
}

// A dossier from DS is put en instruction at the closure and its decision sent; one
// filed through the API tells DS nothing.
func TestApplicationFromDSTellsDS(t *testing.T) {
	for _, dsNumber := range []int{0, 501} {
		env := newEnv(t)
		var told []string
		env.OnActivity(acts.PassDSDossierEnInstruction, mock.Anything, mock.Anything).Return(func(context.Context, activities.ApplicationRef) error {
			told = append(told, "en_instruction")
			return nil
		})
		env.OnActivity(acts.SendDSDecision, mock.Anything, mock.Anything).Return(func(context.Context, activities.ApplicationRef) error {
			told = append(told, "decision")
			return nil
		})
		runDecidedDossier(t, env, dsNumber)
		if dsNumber == 0 {
			assert.Empty(t, told)
		} else {
			assert.Equal(t, []string{"en_instruction", "decision"}, told)
		}
	}
}

// runDecidedDossier runs a dossier not retained an hour after its call's closure.
func runDecidedDossier(t *testing.T, env *testsuite.TestWorkflowEnvironment, dsNumber int) {
	t.Helper()
	env.OnActivity(acts.RecordApplicationState, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.NotifyApplicationDecided, mock.Anything, mock.Anything).Return(nil)
	decideAt(env, 2*time.Hour, selection.NotRetained)
	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour), DSNumber: dsNumber})
	require.NoError(t, env.GetWorkflowError())
}

// A call with a démarche starts its connector at the publication, and its closure summary
// leaves after the connector's pull that follows the closure (an hour at most).
func TestCampaignWithDemarcheRunsItsConnector(t *testing.T) {
	for _, tc := range []struct {
		name      string
		pullTakes time.Duration
		summaryAt time.Duration // after the closure
	}{
		{"pull done", 10 * time.Minute, 10 * time.Minute},
		{"DS down for longer", 3 * time.Hour, dsClosureWait},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := newEnv(t)
			in := campaignInput(24*time.Hour, 48*time.Hour)
			in.DSDemarche, in.DSPullEvery = 4242, 6*time.Hour
			var started *DSConnectorInput
			// A stand-in connector whose pull after the closure takes tc.pullTakes.
			env.RegisterWorkflowWithOptions(func(ctx workflow.Context, got DSConnectorInput) (DSConnectorResult, error) {
				started = &got
				if err := workflow.Sleep(ctx, got.CloseAt.Sub(workflow.Now(ctx))+tc.pullTakes); err != nil {
					return DSConnectorResult{}, err
				}
				return DSConnectorResult{Pulls: 5}, nil
			}, workflow.RegisterOptions{Name: "DSConnectorWorkflow"})
			env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(nil)
			env.OnActivity(acts.NotifyCampaignPublished, mock.Anything, mock.Anything).Return(nil)
			var summaryAt time.Time
			env.OnActivity(acts.NotifyCampaignClosed, mock.Anything, mock.Anything).Return(func(context.Context, activities.CampaignRef) error {
				summaryAt = env.Now()
				return nil
			}).Once()
			selectAfter(t, env, 10*24*time.Hour)
			env.ExecuteWorkflow(CampaignWorkflow, in)
			require.NoError(t, env.GetWorkflowError())
			require.NotNil(t, started, "the connector was started")
			assert.Equal(t, DSConnectorInput{CampaignID: "c-1", CloseAt: in.CloseAt, PullEvery: 6 * time.Hour}, *started)
			assert.True(t, summaryAt.Equal(in.CloseAt.Add(tc.summaryAt)), "summary at %v", summaryAt.Sub(in.CloseAt))
		})
	}
}
