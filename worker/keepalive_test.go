package worker

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

const (
	testHeartbeatTimeout = 400 * time.Millisecond
	// slowStep outlasts the HeartbeatTimeout several times over without heartbeating.
	slowStep = 4 * testHeartbeatTimeout
)

// slowActivity records one heartbeat of its own ("step-1", as a batch records its
// progress), then works for slowStep without heartbeating (an email on a slow relay).
func slowActivity(ctx context.Context) error {
	activity.RecordHeartbeat(ctx, "step-1")
	time.Sleep(slowStep)
	return nil
}

func slowWorkflow(ctx workflow.Context) error {
	ctx = workflow.WithActivityOptions(ctx, workflow.ActivityOptions{
		StartToCloseTimeout: time.Minute,
		HeartbeatTimeout:    testHeartbeatTimeout,
		RetryPolicy:         &temporal.RetryPolicy{MaximumAttempts: 1},
	})
	return workflow.ExecuteActivity(ctx, slowActivity).Get(ctx, nil)
}

// runSlow runs slowWorkflow with the given interceptors and returns the details of every
// heartbeat the server saw and the workflow's error.
func runSlow(t *testing.T, interceptors ...interceptor.WorkerInterceptor) ([]string, error) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	// The machine may be busy: no false deadlock while the activity works.
	env.SetWorkerOptions(sdkworker.Options{Interceptors: interceptors, DeadlockDetectionTimeout: time.Minute})
	env.RegisterWorkflow(slowWorkflow)
	env.RegisterActivity(slowActivity)
	var mu sync.Mutex
	var beats []string
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var d string
		if details.HasValues() {
			require.NoError(t, details.Get(&d))
		}
		mu.Lock()
		defer mu.Unlock()
		beats = append(beats, d)
	})
	env.ExecuteWorkflow(slowWorkflow)
	require.True(t, env.IsWorkflowCompleted())
	mu.Lock()
	defer mu.Unlock()
	return beats, env.GetWorkflowError()
}

// Without the keep-alive, an activity busy longer than its HeartbeatTimeout is declared
// lost (what lets a dead worker's activity be retried within seconds, and would kill a
// live one); with it, the activity runs to its end, and every beat repeats the details
// the activity recorded, so a retry would still resume from its progress.
func TestKeepAliveHeartbeatsALiveActivity(t *testing.T) {
	_, err := runSlow(t)
	var timeout *temporal.TimeoutError
	require.ErrorAs(t, err, &timeout, "without the keep-alive the activity times out")
	assert.Equal(t, enumspb.TIMEOUT_TYPE_HEARTBEAT, timeout.TimeoutType())

	beats, err := runSlow(t, &keepAlive{})
	require.NoError(t, err)
	// No gap as long as the HeartbeatTimeout: at least one beat per timeout (the SDK
	// throttles them to 80 % of it).
	require.GreaterOrEqual(t, len(beats), int(slowStep/testHeartbeatTimeout), "beats: %v", beats)
	for i, d := range beats {
		assert.Equal(t, "step-1", d, "beat %d repeats the activity's own details", i)
	}
}
