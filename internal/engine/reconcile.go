package engine

import (
	"context"
	"log/slog"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/store"
)

// No dossier without its workflow. The API writes the dossier's row and its start intent
// (workflow_pending) in one transaction, then starts the workflow (its ID derived from the
// dossier, so a second start finds the first) and clears the intent. Whatever dies between
// the two, the reconciler below starts what was left pending; until then the dossier counts
// nowhere (closure summary, selection, signals). We chose this over "the workflow first, its
// first activity writing the row" because the API must answer 201 with the stored dossier
// (its double-funding flags and idempotent replays are read from the database), and because
// a refused filing must leave nothing behind, which a workflow started first could not undo.

// pendingGrace leaves a request in flight the time to start its own workflow (the start is a
// few seconds at most) before the reconciler does it.
const pendingGrace = time.Minute

// reconcileEvery is how often `aap api` and `aap dev` look for pending starts.
const reconcileEvery = time.Minute

// startPendingLoop starts the workflows left pending, now and every reconcileEvery, until ctx
// ends. Several API replicas may run it at once: starts are idempotent.
func startPendingLoop(ctx context.Context, db *gorm.DB, tc client.Client, cfg config.Config, log *slog.Logger) {
	svc := &api.ApplicationService{Temporal: tc, Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		MailRetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log}
	go func() {
		for {
			if n, err := svc.StartPending(ctx, time.Now().Add(-pendingGrace)); err != nil {
				log.Error("start pending dossier workflows", "error", err)
			} else if n > 0 {
				log.Warn("started pending dossier workflows", "count", n)
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(reconcileEvery):
			}
		}
	}()
}
