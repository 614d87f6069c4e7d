package workflows

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/models"
)

// campaignWrites mocks the campaign's activities and records the order in which
// its record activities wrote ("phase:closed", "cancelled").
type campaignWrites struct {
	mu    sync.Mutex
	order []string
	// cancelling is closed when the cancellation's write starts.
	cancelling chan struct{}
}

func mockCampaignWrites(env *testsuite.TestWorkflowEnvironment, phase func(activities.PhaseChange)) *campaignWrites {
	w := &campaignWrites{cancelling: make(chan struct{})}
	env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(
		func(_ context.Context, ch activities.PhaseChange) error {
			phase(ch)
			w.write("phase:" + ch.Phase)
			return nil
		}).Maybe()
	env.OnActivity(acts.NotifyCampaignPublished, mock.Anything, mock.Anything).Return(nil).Maybe()
	env.OnActivity(acts.NotifyCampaignClosed, mock.Anything, mock.Anything).Return(nil).Maybe()
	env.OnActivity(acts.RecordCampaignCancelled, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.CampaignCancellation) error {
			close(w.cancelling)
			w.write("cancelled")
			return nil
		}).Once()
	env.OnActivity(acts.DispatchCancellation, mock.Anything, mock.Anything).Return(nil).Once()
	return w
}

func (w *campaignWrites) write(what string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.order = append(w.order, what)
}

// requireCancelledLast: the call ends cancelled, and no phase was written after its cancellation.
func requireCancelledLast(t *testing.T, env *testsuite.TestWorkflowEnvironment, w *campaignWrites, cancel *updateOutcome) {
	t.Helper()
	require.NoError(t, env.GetWorkflowError())
	require.True(t, cancel.completed)
	require.NoError(t, cancel.err)
	require.NotEmpty(t, w.order)
	assert.Equal(t, "cancelled", w.order[len(w.order)-1], "no phase written over the cancellation: %v", w.order)
	var res CampaignResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.Equal(t, models.PhaseCancelled, res.Phase, "the phase recorded did not overwrite the cancellation")
}

// A cancellation arrives while the closure is being written: it is recorded
// after the phase, and the workflow does not take the call back to « closed ».
func TestCancellationArrivingDuringAPhaseWriteIsRecordedAfterIt(t *testing.T) {
	env := newEnv(t)
	cancel := &updateOutcome{}
	var w *campaignWrites
	w = mockCampaignWrites(env, func(ch activities.PhaseChange) {
		if ch.Phase != models.PhaseClosed {
			return
		}
		env.UpdateWorkflow(UpdateCancelCampaign, "", &testsuite.TestUpdateCallback{
			OnAccept: func() {},
			OnReject: func(err error) { cancel.completed, cancel.err = true, err },
			OnComplete: func(_ any, err error) {
				cancel.completed, cancel.err = true, err
			},
		}, Cancellation{Reason: "Enveloppe redéployée"})
		select { // the cancellation's write, if it does not wait for this one
		case <-w.cancelling:
		case <-time.After(300 * time.Millisecond):
		}
	})

	env.ExecuteWorkflow(CampaignWorkflow, campaignInput(time.Hour, 2*time.Hour))

	requireCancelledLast(t, env, w, cancel)
}
