// Package worker registers the aap workflows and activities on a Temporal worker.
package worker

import (
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/interceptor"
	sdkworker "go.temporal.io/sdk/worker"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/workflows"
)

// New returns a worker polling the aap task queue. Several may run at once,
// on one machine or many: Temporal hands each task to one of them, and the activities of
// one that dies are taken over within seconds (keepAlive).
func New(c client.Client, acts *activities.Activities) sdkworker.Worker {
	w := sdkworker.New(c, workflows.TaskQueue, sdkworker.Options{
		Interceptors: []interceptor.WorkerInterceptor{&keepAlive{}},
	})
	Register(w, acts)
	return w
}

// Register adds every workflow and activity to a registry (a worker, a replayer, a test environment).
func Register(r sdkworker.Registry, acts *activities.Activities) {
	r.RegisterWorkflow(workflows.CampaignWorkflow)
	r.RegisterWorkflow(workflows.ApplicationWorkflow)
	r.RegisterWorkflow(workflows.PNEWorkflow)
	r.RegisterWorkflow(workflows.ControlWorkflow)
	r.RegisterWorkflow(workflows.CTAIWorkflow)
	r.RegisterWorkflow(workflows.DSConnectorWorkflow)
	r.RegisterActivity(acts)
}
