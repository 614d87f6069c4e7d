// Package worker registers the aap workflows and activities on a Temporal worker.
package worker

import (
	"time"

	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/workflows"
)

// stopTimeout is how long a stopping worker waits for its activities in flight.
const stopTimeout = 8 * time.Second

// SetCacheSize sizes the cache where the process keeps workflows between their tasks
// (AAP_WORKFLOW_CACHE_SIZE): a call's dossiers wait for months, each held costs its
// coroutines and state, and one evicted is replayed from its short history at its next
// task. The SDK's cache is process-wide and sized once, when the process's first SDK
// worker starts: `aap dev` calls this before its embedded Temporal server, whose own
// system workers (schedules, batches) are SDK workers too. Called after them it was
// ignored, and every dossier filed stayed in memory up to the SDK's 10,000 (issue 20).
// 0 (a test's bare config): the SDK's default.
func SetCacheSize(cacheSize int) {
	if cacheSize > 0 {
		sdkworker.SetStickyWorkflowCacheSize(cacheSize)
	}
}

// New returns a worker polling the aap task queue. Several may run at once,
// on one machine or many: Temporal hands each task to one of them, and the activities of
// one that dies are taken over within seconds (keepAlive). SetCacheSize comes first.
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, Options())
	Register(w, acts)
	return w
}

// Options are the worker's options, also for a test environment running the real
// activities (env.SetWorkerOptions), so that they heartbeat there as in production.
func Options() sdkworker.Options {
	return sdkworker.Options{
		Interceptors: []interceptor.WorkerInterceptor{&keepAlive{}},
		// A graceful stop lets the activities in flight finish (an email being sent is
		// recorded sent) instead of cancelling them mid-send: a send cancelled after the
		// relay took the message would be retried, and the email sent twice, by the next
		// worker, now within seconds (keepAlive). Within compose's 10 s stop grace period.
		WorkerStopTimeout: stopTimeout,
	}
}

// Register adds every workflow and activity to a registry (a worker, a replayer, a test environment).
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.CampaignWorkflow)
	r.RegisterWorkflow(workflows.ApplicationWorkflow)
	r.RegisterWorkflow(workflows.PNEWorkflow)
	r.RegisterWorkflow(workflows.ControlWorkflow)
	r.RegisterWorkflow(workflows.CTAIWorkflow)
	r.RegisterWorkflow(workflows.DSConnectorWorkflow)
	r.RegisterWorkflow(workflows.ReconcileWorkflow)
	r.RegisterActivity(acts)
}
