package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// ReconcileScheduleID is the Temporal Schedule that runs ReconcileWorkflow every
// ReconcileEvery (created by `aap migrate` and `aap dev`). No personal data.
const ReconcileScheduleID = "aap/reconcile"

// ReconcileEvery is how often the schedule looks for records left without their workflow.
const ReconcileEvery = time.Minute

// ReconcileInput starts a reconcile run: how old a pending record must be before it is
// started here (a request in flight starts its own).
type ReconcileInput struct {
	Grace time.Duration
}

// ReconcileResult says how many workflows the run started.
type ReconcileResult struct {
	Started int
}

// reconcileOptions: one pass reads at most a batch of each kind and starts them; a failure
// (the database or Temporal away) is retried within the minute, then the next run takes over.
var reconcileOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 2 * time.Minute,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: 20 * time.Second,
		MaximumAttempts: 5,
	},
}

// ReconcileWorkflow starts the workflows of the calls, dossiers and CTAI requests a crash
// left with their start intent (the row written, the workflow not started). The schedule
// runs it every minute on a worker, so the repair does not depend on an API replica
// staying up; it is short-lived, its history a few events.
func ReconcileWorkflow(ctx workflow.Context, in ReconcileInput) (ReconcileResult, error) {
	ctx = workflow.WithActivityOptions(ctx, reconcileOptions)
	var a *activities.Activities
	var res ReconcileResult
	err := workflow.ExecuteActivity(ctx, a.StartPendingWorkflows, activities.StartPendingInput{Grace: in.Grace}).Get(ctx, &res.Started)
	return res, err
}
