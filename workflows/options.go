package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// longActivityHeartbeat is the HeartbeatTimeout of the activities that may run for minutes
// (batches of emails, signalling every dossier, the PNE list): a worker killed mid-way is
// noticed within seconds and another worker resumes the work from the last heartbeat,
// instead of waiting for the StartToCloseTimeout (30 minutes, hours for a paced batch).
// The activities heartbeat every 2 s at least.
const longActivityHeartbeat = 10 * time.Second

// Activity options shared by the workflows (emails have theirs, email.go), set
// with explicit timeouts and retry policies; errors that retrying cannot fix are
// non-retryable types.
var (
	// dispatchOptions: signalling every dossier of a large call may take a while; heartbeats show progress.
	dispatchOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    longActivityHeartbeat,
		RetryPolicy:         &temporal.RetryPolicy{InitialInterval: time.Second, BackoffCoefficient: 2, MaximumInterval: time.Minute},
	}
	// listOptions: drawing up the PNE list and emailing it, as an XLSX file, to DIAN and to
	// every correspondent (one SMTP session each) may take minutes; heartbeats show progress.
	listOptions = workflow.ActivityOptions{
		StartToCloseTimeout: 30 * time.Minute,
		HeartbeatTimeout:    longActivityHeartbeat,
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
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeNotFound},
		},
	}
)
