package workflows_test

import (
	"context"
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/workflows"
)

// fakePendingStarts counts its calls and fails the first failures of them.
type fakePendingStarts struct {
	calls, failures int
	before          time.Time
}

func (f *fakePendingStarts) StartPending(_ context.Context, before time.Time) (int, error) {
	f.calls++
	f.before = before
	if f.calls <= f.failures {
		return 0, errors.New("temporal away")
	}
	return 3, nil
}

// The reconcile run starts what was left pending through the worker's reconciler, older
// than its grace, and a failure (Temporal or the database away) is retried.
func TestReconcileWorkflowStartsThePendingWorkflows(t *testing.T) {
	var s testsuite.WorkflowTestSuite
	env := s.NewTestWorkflowEnvironment()
	fake := &fakePendingStarts{failures: 1}
	env.RegisterActivity(&activities.Activities{PendingStarts: fake, Logger: slog.New(slog.DiscardHandler)})
	env.ExecuteWorkflow(workflows.ReconcileWorkflow, workflows.ReconcileInput{Grace: time.Minute})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res workflows.ReconcileResult
	require.NoError(t, env.GetWorkflowResult(&res))
	assert.Equal(t, 3, res.Started)
	assert.Equal(t, 2, fake.calls, "retried after the failure")
	assert.WithinDuration(t, time.Now().Add(-time.Minute), fake.before, 10*time.Second, "only what is older than the grace")
}
