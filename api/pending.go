package api

import (
	"context"
	"fmt"
	"log/slog"
	"time"
)

// No record without its workflow. A call, a dossier and a CTAI request are written with
// their start intent (workflow_pending) in the row's own transaction; the API then starts
// the workflow (its ID derived from the record, so a second start finds the first) and
// clears the intent. Whatever dies in between, PendingStarts starts what was left pending;
// until then the record counts nowhere (a call accepts no dossier). We chose this over
// "the workflow first, its first activity writing the row" because the API answers 201
// with the stored record (double-funding flags, idempotent replays are read from the
// database), and a refused filing (503) must leave nothing behind, which a workflow
// started first could not undo.

// PendingGrace leaves a request in flight the time to start its own workflow (a few
// seconds at most) before the reconciler does it.
const PendingGrace = time.Minute

// PendingStarts is the reconciler: it starts the workflows a crash left pending. `aap api`
// and `aap dev` run it at start, and the reconcile schedule runs it every minute on a
// worker (workflows.ReconcileWorkflow), so it survives the API.
type PendingStarts struct {
	Campaigns    *CampaignService
	Applications *ApplicationService
	CTAI         *CTAIService
}

// StartPending starts the workflow of every record stored before storedBefore whose start
// intent is still pending, calls first (a call's dossiers need it), and clears each
// intent; it returns how many it started. Starts are idempotent, so any number of
// reconcilers may run at once.
func (p *PendingStarts) StartPending(ctx context.Context, storedBefore time.Time) (int, error) {
	total := 0
	for _, kind := range []func(context.Context, time.Time) (int, error){
		p.Campaigns.StartPending, p.Applications.StartPending, p.CTAI.StartPending,
	} {
		n, err := kind(ctx, storedBefore)
		total += n
		if err != nil {
			return total, err
		}
	}
	return total, nil
}

// startEach starts the workflow of each pending record, then clears its intent.
func startEach[T any](ctx context.Context, log *slog.Logger, kind string, rows []T, id func(*T) string,
	start func(*T) error, started func(context.Context, string) error) (int, error) {
	n := 0
	for i := range rows {
		r := &rows[i]
		if err := start(r); err != nil {
			return n, fmt.Errorf("start pending %s %s: %w", kind, id(r), err)
		}
		if err := started(ctx, id(r)); err != nil {
			return n, err
		}
		log.Warn("started the workflow of a record left pending", "kind", kind, "id", id(r))
		n++
	}
	return n, nil
}

// clearIntent clears the start intent of a record whose workflow runs. A failure is only
// logged: the reconciler clears it later (its start is idempotent).
func clearIntent(ctx context.Context, log *slog.Logger, kind, id string, pending *bool, clear func(context.Context, string) error) {
	if !*pending {
		return
	}
	if err := clear(ctx, id); err != nil {
		log.Error("record "+kind+" workflow started", kind, id, "error", err)
	}
	*pending = false
}
