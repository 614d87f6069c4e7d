package activities

import (
	"context"
	"errors"
	"time"
)

// PendingStarter starts the workflows of the records a crash left with their start intent
// (calls, dossiers, CTAI requests stored before storedBefore) and says how many. The API's
// service layer implements it (it alone starts workflows); the engine wires it in.
type PendingStarter interface {
	StartPending(ctx context.Context, storedBefore time.Time) (int, error)
}

// StartPendingInput is what the reconcile workflow passes: how old a pending record must
// be, so that a request still in flight starts its own workflow.
type StartPendingInput struct {
	Grace time.Duration
}

// StartPendingWorkflows starts the workflows left pending (the reconcile schedule runs it
// every minute on a worker, so it survives the API). A failure is retried: the starts are
// idempotent.
func (a *Activities) StartPendingWorkflows(ctx context.Context, in StartPendingInput) (int, error) {
	if a.PendingStarts == nil {
		return 0, errors.New("no reconciler wired on this worker")
	}
	n, err := a.PendingStarts.StartPending(ctx, time.Now().Add(-in.Grace))
	if n > 0 {
		a.log(ctx).Warn("started workflows left pending", "count", n)
	}
	return n, err
}
