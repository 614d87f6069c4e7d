package workflows

import (
	"time"

	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// limeSurveySyncEvery is how often, between the invitations and the closure, the
// completions are read from LimeSurvey (§8.4: « diffusé … sur Lime Survey »).
const limeSurveySyncEvery = 24 * time.Hour

// LimeSurveyState is the LimeSurvey connector's part of the PNE's state.
type LimeSurveyState struct {
	Configured   bool       `json:"configured"`
	Participants int        `json:"participants"`
	Answers      int        `json:"answers"`
	LastSync     *time.Time `json:"last_sync,omitempty"`
	// LastError is LimeSurvey's refusal in French, or why it could not be reached.
	LastError string `json:"last_error,omitempty"`
}

// limeSurveyOptions: LimeSurvey down is retried with backoff for about an hour, then left
// to the next daily read (and the CSV import stays the fallback); a refused status is not retried.
var limeSurveyOptions = workflow.ActivityOptions{
	StartToCloseTimeout: 10 * time.Minute,
	HeartbeatTimeout:    activityHeartbeat,
	RetryPolicy: &temporal.RetryPolicy{
		InitialInterval:        30 * time.Second,
		BackoffCoefficient:     2,
		MaximumInterval:        15 * time.Minute,
		MaximumAttempts:        8,
		NonRetryableErrorTypes: []string{activities.ErrTypeLimeSurveyRefused, activities.ErrTypeNotFound},
	},
}

// registerLimeSurveyParticipants adds the year's structures to the survey before the
// invitations leave, so each emailed link opens its own questionnaire.
func (p *pne) registerLimeSurveyParticipants(ctx workflow.Context, ref activities.PNERef) {
	if p.in.LimeSurvey {
		p.state.LimeSurvey.Participants += p.askLimeSurvey(ctx, acts.RegisterPNEParticipants, ref)
	}
}

// syncLimeSurveyDaily reads the completions every day from the invitations until the closure.
func (p *pne) syncLimeSurveyDaily(ctx workflow.Context, ref activities.PNERef, closeAt time.Time) {
	if !p.in.LimeSurvey {
		return
	}
	workflow.Go(ctx, func(ctx workflow.Context) {
		for next := workflow.Now(ctx).Add(limeSurveySyncEvery); next.Before(closeAt); next = next.Add(limeSurveySyncEvery) {
			if err := sleepUntil(ctx, next); err != nil {
				return
			}
			p.syncLimeSurvey(ctx, ref)
		}
	})
}

// syncLimeSurvey records the answers of the participants who completed the questionnaire.
func (p *pne) syncLimeSurvey(ctx workflow.Context, ref activities.PNERef) {
	if p.in.LimeSurvey {
		p.state.LimeSurvey.Answers += p.askLimeSurvey(ctx, acts.SyncPNECompletions, ref)
	}
}

// askLimeSurvey runs one LimeSurvey activity and records how it went; it returns the
// activity's count (0 when it failed).
func (p *pne) askLimeSurvey(ctx workflow.Context, activity any, ref activities.PNERef) int {
	ctx = workflow.WithActivityOptions(ctx, limeSurveyOptions)
	var n int
	err := workflow.ExecuteActivity(ctx, activity, ref).Get(ctx, &n)
	p.limeSurveyDone(ctx, err)
	return n
}

func (p *pne) limeSurveyDone(ctx workflow.Context, err error) {
	now := workflow.Now(ctx)
	p.state.LimeSurvey.LastSync = &now
	p.state.LimeSurvey.LastError = ""
	if err != nil {
		workflow.GetLogger(ctx).Warn("LimeSurvey not reached; the CSV import stays possible", "year", p.in.Year, "error", err)
		p.state.LimeSurvey.LastError = err.Error()
	}
}
