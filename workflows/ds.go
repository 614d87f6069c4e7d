package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// SignalDSPull asks a call's DS connector to pull now (a DS webhook arrived; no payload).
const SignalDSPull = "ds-pull"

// QueryDSConnector returns the connector workflow's DSConnectorState.
const QueryDSConnector = "ds-connector-state"

// DefaultDSPullEvery is how often a call's démarche is pulled while the call is open.
const DefaultDSPullEvery = time.Hour

// dsFinalPullRetry is the wait between attempts of the pull after the closure while DS
// is down, and dsFinalPullAttempts bounds them (a week of hourly attempts).
const (
	dsFinalPullRetry    = time.Hour
	dsFinalPullAttempts = 7 * 24
)

// DSConnectorInput starts (or continues as new) a call's DS connector.
type DSConnectorInput struct {
	CampaignID string
	CloseAt    time.Time
	// PullEvery is the schedule while the call is open; zero means DefaultDSPullEvery.
	PullEvery time.Duration
	// Pulls carries the count across continue-as-new.
	Pulls int
}

// DSConnectorState is what the query answers.
type DSConnectorState struct {
	Pulls       int    `json:"pulls"`
	LastFailure string `json:"last_failure,omitempty"`
	Closed      bool   `json:"closed"`
}

// DSConnectorResult is returned when the connector ends: after the pull that followed the closure.
type DSConnectorResult struct {
	Pulls int
	// FinalPullFailed: DS stayed down for dsFinalPullAttempts after the closure.
	FinalPullFailed bool
}

// dsPullOptions: one pull may read many pages; DS down or rate limiting is retried a few
// times with backoff (a 429 waits its Retry-After), then left to the next scheduled pull,
// which resumes from the saved cursor. A refusal (token, démarche) is not retried.
var dsPullOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 30 * time.Minute,
	HeartbeatTimeout:    activityHeartbeat,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        10 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        5 * time.Minute,
		MaximumAttempts:        5,
		NonRetryableErrorTypes: []string{activities.ErrTypeDSRefused, activities.ErrTypeNotFound},
	},
}

// DSConnectorWorkflow pulls a call's démarche on a schedule while the call is open, and
// at once when a DS webhook signals it, then once after the closure (retried hourly
// while DS is down); a pull that fails is recorded on the connector and the next one
// resumes where it stopped. Its own workflow, not the campaign's: its history grows with
// the pulls, so it continues as new when Temporal suggests it.
func DSConnectorWorkflow(ctx workflow.Context, in DSConnectorInput) (DSConnectorResult, error) {
	st := &DSConnectorState{Pulls: in.Pulls}
	if err := workflow.SetQueryHandler(ctx, QueryDSConnector, func() (DSConnectorState, error) { return *st, nil }); err != nil {
		return DSConnectorResult{}, err
	}
	ctx = workflow.WithActivityOptions(ctx, dsPullOptions)
	every := in.PullEvery
	if every <= 0 {
		every = DefaultDSPullEvery
	}
	requests := workflow.GetSignalChannel(ctx, SignalDSPull)
	for workflow.Now(ctx).Before(in.CloseAt) {
		if stopped := pullDemarche(ctx, in.CampaignID, st); stopped {
			return DSConnectorResult{Pulls: st.Pulls}, nil
		}
		next := workflow.Now(ctx).Add(every)
		if next.After(in.CloseAt) {
			next = in.CloseAt
		}
		if err := awaitPull(ctx, requests, next); err != nil {
			return DSConnectorResult{}, err
		}
		if workflow.GetInfo(ctx).GetContinueAsNewSuggested() {
			in.Pulls = st.Pulls
			return DSConnectorResult{}, workflow.NewContinueAsNewError(ctx, DSConnectorWorkflow, in)
		}
	}
	st.Closed = true
	return finalPull(ctx, in, st)
}

// finalPull pulls once after the closure, so that a dossier deposited just before it
// is filed; while DS is down it tries again hourly, a bounded number of times.
func finalPull(ctx workflow.Context, in DSConnectorInput, st *DSConnectorState) (DSConnectorResult, error) {
	for range dsFinalPullAttempts {
		if stopped := pullDemarche(ctx, in.CampaignID, st); stopped || st.LastFailure == "" {
			return DSConnectorResult{Pulls: st.Pulls}, nil
		}
		if err := workflow.Sleep(ctx, dsFinalPullRetry); err != nil {
			return DSConnectorResult{}, err
		}
	}
	return DSConnectorResult{Pulls: st.Pulls, FinalPullFailed: true}, nil
}

// pullDemarche runs one pull; a failure is recorded (by the activity, on the connector)
// and left to the next pull. It reports whether the connector should stop (call cancelled).
func pullDemarche(ctx workflow.Context, campaignID string, st *DSConnectorState) bool {
	var res activities.DSPullResult
	st.Pulls++
	if err := workflow.ExecuteActivity(ctx, acts.PullDemarche, activities.DSPullInput{CampaignID: campaignID}).Get(ctx, &res); err != nil {
		workflow.GetLogger(ctx).Warn("démarche not pulled; the next pull resumes from the cursor", "campaign", campaignID, "error", err)
		st.LastFailure = err.Error()
		return false
	}
	st.LastFailure = ""
	return res.Stopped
}

// awaitPull waits until the next scheduled pull or a webhook's request, whichever
// comes first; requests that arrived together make one pull.
func awaitPull(ctx workflow.Context, requests workflow.ReceiveChannel, until time.Time) error {
	d := until.Sub(workflow.Now(ctx))
	if d <= 0 {
		return nil
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(workflow.NewTimer(timerCtx, d), func(workflow.Future) {})
	sel.AddReceive(requests, func(c workflow.ReceiveChannel, _ bool) { c.Receive(ctx, nil) })
	sel.Select(ctx)
	for requests.ReceiveAsync(nil) {
	}
	return nil
}

// dsDecisionOptions: telling DS the closure or a decision retries with backoff for up to
// a week while DS is down or rate limiting; the activity reads DS's state first, so a
// retry changes nothing DS already has.
var dsDecisionOptions = workflow.ActivityOptions{
	StartToCloseTimeout:    2 * time.Minute,
	HeartbeatTimeout:       activityHeartbeat,
	ScheduleToCloseTimeout: 7 * 24 * time.Hour,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        30 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        time.Hour,
		NonRetryableErrorTypes: []string{activities.ErrTypeDSRefused, activities.ErrTypeNotFound},
	},
}

// syncDS tells DS what became of a dossier that came from it; a failure is shown on the
// dossier's state, and does not hold the dossier back.
func syncDS(ctx workflow.Context, in ApplicationInput, activity any, ref activities.ApplicationRef, st *ApplicationState) {
	if in.DSNumber == 0 {
		return
	}
	ctx = workflow.WithActivityOptions(ctx, dsDecisionOptions)
	if err := workflow.ExecuteActivity(ctx, activity, ref).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("DS not told", "application", in.ApplicationID, "ds_number", in.DSNumber, "error", err)
		st.DSSyncFailed = true
	}
}
