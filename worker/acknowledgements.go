package worker

import (
	"context"
	"errors"
	"log/slog"
	"slices"
	"time"

	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// AcknowledgementSender sends the accusés de réception that the filings store pending
// (models.AcknowledgementPending, in the dossier's own transaction), within a second or
// two of the filing (within a minute during a burst of filings: ackBurstWait), and checks
// the association's renewal conditions (§8.4) as the dossier is filed. It runs in every
// worker process. A dossier's workflow waits for its call's closure before its first task
// (its start delay): a call that receives thousands of dossiers in its last hours costs
// the Temporal server one row each, and their emails go out from the database beside it
// (issue 20; docs/measurements.md).
//
// Several workers may run it at once: each dossier is claimed by exactly one
// (ClaimAcknowledgements), and a sender that dies leaves its claims due again after
// ackLease. The emails are idempotent (the outbox's key), so a claim that outlived its
// sender sends nothing twice.
type AcknowledgementSender struct {
	// Acts sends (activities.AcknowledgeFilings) and its Applications store holds the
	// accusés de réception's state.
	Acts *activities.Activities
	// RetryFor is how long a relay that is down is retried (AAP_MAIL_RETRY_FOR), from the filing.
	RetryFor time.Duration
	Now      func() time.Time
	Logger   *slog.Logger
}

const (
	// ackEvery is how often the sender looks for accusés de réception to send.
	ackEvery = time.Second
	// ackBatch dossiers are read at a time.
	ackBatch = 200
	// ackClaim dossiers are claimed, sent over one SMTP connection and recorded together:
	// few enough that a slow relay sends them well within ackLease.
	ackClaim = 20
	// ackLease: a claimed accusé de réception is due again past it (its sender died), and
	// another worker sends it. One still being sent then (a slow relay) is not sent twice:
	// its outbox row is leased while it is sent, and the second try finds it so.
	ackLease = 30 * time.Second
	// A relay that is down is tried again after the time since the filing, within these
	// bounds: about twice as long each time, as the email activities' retry policy
	// (workflows.emailOptions).
	ackFirstRetry = 10 * time.Second
	ackMaxRetry   = 30 * time.Minute

	// During a burst of filings, at least ackBurstFilings accusés de réception due in the
	// last ackBurstWindow (10 filings a second), the sender sends only those due for
	// ackBurstWait: its claims, outbox rows and SMTP sessions take the cores and the
	// database's writes the filings need. Measured on `aap dev` (2 cores, 10,000 dossiers
	// at concurrency 16): the intake 187–206 /s with the sender at work, 215 /s with it held
	// back, 220–277 /s with this rule (docs/measurements.md, 7 December, 20:08). A lone
	// filing, or a trickle, is still told within a second or two.
	ackBurstWindow  = 2 * time.Second
	ackBurstFilings = 20
	ackBurstWait    = time.Minute
)

// Run sends what is due (pass) every ackEvery until ctx ends.
func (s *AcknowledgementSender) Run(ctx context.Context) {
	tick := time.NewTicker(ackEvery)
	defer tick.Stop()
	for {
		if _, err := s.pass(ctx); err != nil && ctx.Err() == nil {
			s.Logger.Warn("accusés de réception: pass failed, tried again next pass", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// pass sends the accusés de réception due now, or during a burst of filings only those
// due for ackBurstWait, and reports how many it claimed.
func (s *AcknowledgementSender) pass(ctx context.Context) (int, error) {
	now := s.Now()
	recent, err := s.Acts.Applications.JustDue(ctx, now.Add(-ackBurstWindow), now, ackBurstFilings)
	if err != nil {
		return 0, err
	}
	if recent >= ackBurstFilings {
		return s.sendDue(ctx, ackBurstWait)
	}
	return s.sendDue(ctx, 0)
}

// sendDue sends every accusé de réception due for at least held. When ctx ends (the worker
// stops) it claims no more, and lets the sends in flight finish, as the worker does its
// activities (Options): one cancelled after the relay took the message would be sent again.
func (s *AcknowledgementSender) sendDue(ctx context.Context, held time.Duration) (int, error) {
	claimed := 0
	for ctx.Err() == nil {
		now := s.Now()
		due, err := s.Acts.Applications.DueAcknowledgements(ctx, now.Add(-held), ackBatch)
		if err != nil {
			return claimed, err
		}
		n, err := s.sendBatch(ctx, due, now)
		claimed += n
		if err != nil || len(due) < ackBatch {
			return claimed, err
		}
	}
	return claimed, nil
}

// sendBatch sends the accusés de réception of due, ackClaim at a time (sendClaimed).
func (s *AcknowledgementSender) sendBatch(ctx context.Context, due []models.Application, now time.Time) (int, error) {
	inFlight := context.WithoutCancel(ctx)
	claimed := 0
	for from := 0; from < len(due) && ctx.Err() == nil; from += ackClaim {
		n, err := s.sendClaimed(inFlight, due[from:min(from+ackClaim, len(due))], now)
		claimed += n
		if err != nil {
			return claimed, err
		}
	}
	return claimed, nil
}

// sendClaimed claims the dossiers of due that no other worker has, in one write, checks
// their renewal conditions, sends their accusés de réception over one SMTP connection and
// records what became of them in one write: the sends write to the database a filing writes
// to, and a write each (claim, record) and a connection each cost an intake more than the
// emails themselves (measured: docs/measurements.md, 7 December).
func (s *AcknowledgementSender) sendClaimed(ctx context.Context, due []models.Application, now time.Time) (int, error) {
	won, err := s.Acts.Applications.ClaimAcknowledgements(ctx, ids(due), now, now.Add(ackLease))
	if err != nil || len(won) == 0 {
		return 0, err // none claimed, or all another worker's
	}
	apps := only(due, won)
	refs := make([]activities.ApplicationRef, len(apps))
	for i, app := range apps {
		refs[i] = activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}
	}
	errs := activities.AcknowledgeFilings(ctx, s.Acts, refs)
	outcomes := make([]store.AcknowledgementOutcome, len(apps))
	for i, app := range apps {
		outcomes[i] = s.outcome(app, errs[i], now)
	}
	return len(apps), s.Acts.Applications.RecordAcknowledgements(ctx, outcomes)
}

// outcome is what a try's error err makes of app's accusé de réception, logged.
func (s *AcknowledgementSender) outcome(app models.Application, err error, now time.Time) store.AcknowledgementOutcome {
	state, dueAgain := ackOutcome(err, app.CreatedAt, now, s.RetryFor)
	switch {
	case state == models.AcknowledgementFailed:
		// A refusal for good has been reported to the correspondent (AcknowledgeFilings).
		s.Logger.Warn("accusé de réception not delivered", "application", app.ID, "error", err)
	case err != nil:
		s.Logger.Info("accusé de réception: relay unavailable, tried again", "application", app.ID, "at", dueAgain, "error", err)
	}
	return store.AcknowledgementOutcome{ApplicationID: app.ID, State: state, DueAgain: dueAgain}
}

// ids lists the dossiers' IDs.
func ids(apps []models.Application) []string {
	out := make([]string, len(apps))
	for i, app := range apps {
		out[i] = app.ID
	}
	return out
}

// only keeps the dossiers of apps whose ID is in keep, in apps' order.
func only(apps []models.Application, keep []string) []models.Application {
	out := make([]models.Application, 0, len(keep))
	for _, app := range apps {
		if slices.Contains(keep, app.ID) {
			out = append(out, app)
		}
	}
	return out
}

// ackOutcome is what a try's error makes of an accusé de réception filed at filedAt: sent;
// failed when retrying cannot help (the relay refused the address, the dossier is gone) or
// the retry window from the filing is over; else pending, due again after a wait about as
// long as the time since the filing.
func ackOutcome(err error, filedAt, now time.Time, retryFor time.Duration) (string, *time.Time) {
	if err == nil {
		return models.AcknowledgementSent, nil
	}
	var appErr *temporal.ApplicationError
	if errors.As(err, &appErr) && appErr.NonRetryable() {
		return models.AcknowledgementFailed, nil
	}
	age := now.Sub(filedAt)
	if age >= retryFor {
		return models.AcknowledgementFailed, nil
	}
	next := now.Add(min(max(age, ackFirstRetry), ackMaxRetry, retryFor-age))
	return models.AcknowledgementPending, &next
}
