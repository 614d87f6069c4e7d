package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// defaultMailRetryFor bounds the retries of a transient SMTP failure when the
// input leaves MailRetryFor at zero (AAP_MAIL_RETRY_FOR's default).
const defaultMailRetryFor = 24 * time.Hour

// emailOptions: a transient SMTP failure retries with backoff for retryFor
// (hours, not seconds: a relay may be down for a while); a refusal (5xx,
// malformed address) stops at once. Drawing an attachment (a convention's PDF) and a
// slow relay heartbeat (activityHeartbeat): a dead worker's email is retried within seconds.
func emailOptions(retryFor time.Duration) workflow.ActivityOptions {
	if retryFor <= 0 {
		retryFor = defaultMailRetryFor
	}
	return workflow.ActivityOptions{
		StartToCloseTimeout:    3 * time.Minute,
		HeartbeatTimeout:       activityHeartbeat,
		ScheduleToCloseTimeout: retryFor,
		RetryPolicy: &temporal.RetryPolicy{
			InitialInterval:        10 * time.Second,
			BackoffCoefficient:     2,
			MaximumInterval:        30 * time.Minute,
			NonRetryableErrorTypes: []string{activities.ErrTypeEmailRefused, activities.ErrTypeNotFound},
		},
	}
}

// localEmailOptions are emailOptions for a local activity, run inside the workflow task that
// asked for it (a dossier's renewal check as it goes under review, renewal.go): the same retries and bounds, without the heartbeat, which a
// local activity has no use for (the SDK keeps its workflow task alive while it runs, and a dead
// worker's task is retried whole on another). A backoff longer than the workflow task's timeout
// becomes a timer, so a relay down for hours waits as it would for a regular activity.
func localEmailOptions(retryFor time.Duration) workflow.LocalActivityOptions {
	o := emailOptions(retryFor)
	return workflow.LocalActivityOptions{
		StartToCloseTimeout:    o.StartToCloseTimeout,
		ScheduleToCloseTimeout: o.ScheduleToCloseTimeout,
		RetryPolicy:            o.RetryPolicy,
	}
}
