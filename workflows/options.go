package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// activityHeartbeat is the HeartbeatTimeout of every activity but the local ones (a dossier's
// renewal check, localEmailOptions): the worker heartbeats each
// one while it runs (worker/keepalive.go, every 2 s), so a worker killed mid-way is noticed
// within seconds and another worker retries the activity (a batch from its last recorded
// progress) instead of waiting for the StartToCloseTimeout (3 minutes for an email, 30 for a
// list, hours for a paced batch).
const activityHeartbeat = 10 * time.Second

// Activity options shared by the workflows (emails have theirs, email.go), set
// with explicit timeouts and retry policies; errors that retrying cannot fix are
// non-retryable types.
var (
	// dispatchOptions: signalling every dossier of a large call may take a while; heartbeats show progress.
	dispatchOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    activityHeartbeat,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	}
	// listOptions: drawing up the PNE list and emailing it, as an XLSX file, to DIAN and to
	// every correspondent (one SMTP session each) may take minutes; heartbeats show progress.
	listOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    activityHeartbeat,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeNotFound},
		},
	}
	// recordOptions: database writes retry until the database is back.
	recordOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Second,
		HeartbeatTimeout:    activityHeartbeat,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeNotFound},
		},
	}
)
