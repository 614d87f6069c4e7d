package engine_test

import (
	"context"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/dian-p104/aap/internal/engine"
	"github.com/dian-p104/aap/internal/platform/devserver"
	"github.com/dian-p104/aap/workflows"
)

// A bare cluster has no namespace of ours: `aap migrate` creates it with the configured
// retention and registers the search attributes, and running it again changes nothing.
func TestMigrateCreatesTheNamespaceOnABareCluster(t *testing.T) {
	srv, err := devserver.Start(devserver.Options{Namespace: "some-other-namespace"})
	require.NoError(t, err)
	t.Cleanup(srv.Stop)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := devConfig(t.TempDir())
	cfg.TemporalAddress, cfg.TemporalNamespace, cfg.TemporalRetention = srv.HostPort(), "aap-production", 72*time.Hour
	log := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))

	require.NoError(t, engine.RunMigrate(ctx, cfg, log))
	require.NoError(t, engine.RunMigrate(ctx, cfg, log), "a second run finds everything in place")

	c, err := client.DialContext(ctx, client.Options{HostPort: srv.HostPort(), Namespace: cfg.TemporalNamespace})
	require.NoError(t, err)
	defer c.Close()
	ns, err := c.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: "aap-production"})
	require.NoError(t, err)
	require.Equal(t, 72*time.Hour, ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration())
	attrs, err := c.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: "aap-production"})
	require.NoError(t, err)
	for name, kind := range workflows.SearchAttributes() {
		require.Equal(t, kind, attrs.GetCustomAttributes()[name], name)
	}
	// The reconciler's schedule: created once, every minute, skipping a run still going.
	sched, err := c.ScheduleClient().GetHandle(ctx, workflows.ReconcileScheduleID).Describe(ctx)
	require.NoError(t, err)
	require.Len(t, sched.Schedule.Spec.Intervals, 1)
	require.Equal(t, workflows.ReconcileEvery, sched.Schedule.Spec.Intervals[0].Every)
	require.Equal(t, enumspb.SCHEDULE_OVERLAP_POLICY_SKIP, sched.Schedule.Policy.Overlap)
	action, ok := sched.Schedule.Action.(*client.ScheduleWorkflowAction)
	require.True(t, ok)
	require.Equal(t, "ReconcileWorkflow", action.Workflow)
}
