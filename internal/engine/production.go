package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/platform/metrics"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/worker"
)

// errNeedsTemporal: outside `aap dev` nothing embeds a Temporal server.
var errNeedsTemporal = errors.New("AAP_TEMPORAL_ADDRESS is required outside `aap dev` (e.g. temporal:7233)")

// errNeedsOIDC: the dev sign-in (choose an agent) exists only in `aap dev`; production's agents sign in with the provider.
var errNeedsOIDC = errors.New("AAP_OIDC_ISSUER is required outside `aap dev` (with AAP_OIDC_CLIENT_ID, AAP_OIDC_CLIENT_SECRET " +
	"and AAP_OIDC_REDIRECT_URL): the agents sign in to the pages with the identity provider (ProConnect); the dev sign-in exists only in `aap dev`")

// RunAPI runs `aap api`: the HTTP API against an external Temporal cluster.
// Any number of replicas may run behind a load balancer: they share nothing but
// the database and Temporal.
func RunAPI(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if cfg.TemporalAddress == "" {
		return errNeedsTemporal
	}
	if cfg.OIDC.Issuer == "" {
		return errNeedsOIDC
	}
	p, err := openProduction(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer p.close()
	startPendingAtStart(ctx, pendingStarts(p.db, p.temporal, cfg, p.policies, log), log)
	router := newAPIRouter(apiWiring{DB: p.db, Temporal: p.temporal, Config: cfg, Policies: p.policies,
		Links: p.links, Metrics: p.metrics, Logger: log})
	srv, err := serveHTTP(cfg.HTTPAddr, router, log)
	if err != nil {
		return err
	}
	log.Info("aap api listening", "addr", srv.addr)
	<-ctx.Done()
	return srv.shutdown()
}

// RunWorker runs `aap worker`: the workflows and activities. Several may run at once.
func RunWorker(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if cfg.TemporalAddress == "" {
		return errNeedsTemporal
	}
	if cfg.SMTP.Host == "" {
		return errors.New("AAP_SMTP_HOST is required outside `aap dev` (the built-in catcher runs only there)")
	}
	p, err := openProduction(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer p.close()
	if cfg.MetricsAddr != "" {
		// The worker serves no API: its SDK metrics get a listener of their own.
		mux := http.NewServeMux()
		mux.Handle("/metrics", p.metrics.Handler())
		srv, err := serveHTTP(cfg.MetricsAddr, mux, log)
		if err != nil {
			return err
		}
		defer func() { _ = srv.shutdown() }()
		log.Info("aap worker metrics", "addr", srv.addr)
	}
	acts, err := newActivities(p.db, p.temporal, cfg, p.links, log)
	if err == nil {
		acts.PendingStarts = pendingStarts(p.db, p.temporal, cfg, p.policies, log)
	}
	if err != nil {
		return err
	}
	worker.SetCacheSize(cfg.WorkflowCacheSize)
	w := worker.New(p.temporal, acts)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	stopAcks := runAcknowledgements(acts, cfg, log)
	if err := startPNEWorkflows(ctx, p.temporal, p.policies, cfg, time.Now(), log); err != nil {
		stopAcks()
		w.Stop()
		return err
	}
	log.Info("aap worker polling", "task_queue", "aap", "temporal", cfg.TemporalAddress)
	<-ctx.Done()
	stopAcks()
	w.Stop() // waits for activities in flight, within the worker's stop timeout
	return nil
}

// RunMigrate runs `aap migrate`: the database schema, then, when AAP_TEMPORAL_ADDRESS is set,
// the Temporal namespace (created with AAP_TEMPORAL_RETENTION when absent: a bare cluster has
// none), its search attributes and the reconcile schedule.
func RunMigrate(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	db, err := store.Open(cfg.DatabaseURL, cfg.DataDir, log)
	if err != nil {
		return err
	}
	defer store.Close(db)
	if err := store.Migrate(db); err != nil {
		return err
	}
	log.Info("database schema up to date")
	if cfg.TemporalAddress == "" {
		log.Info("AAP_TEMPORAL_ADDRESS not set: search attributes not registered")
		return nil
	}
	tc, err := dialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, nil, log)
	if err != nil {
		return err
	}
	defer tc.Close()
	if err := ensureNamespace(ctx, tc, cfg.TemporalNamespace, cfg.TemporalRetention, log); err != nil {
		return err
	}
	if err := ensureSearchAttributes(ctx, tc, cfg.TemporalNamespace); err != nil {
		return err
	}
	log.Info("search attributes registered", "namespace", cfg.TemporalNamespace)
	return ensureReconcileSchedule(ctx, tc, log)
}

// production is what `aap api` and `aap worker` both open before they serve: the policies,
// the link signer, and the database (its schema checked) and Temporal, watched by the metrics.
type production struct {
	policies *policy.Set
	links    *auth.LinkSigner
	metrics  *metrics.Metrics
	db       *gorm.DB
	temporal client.Client
}

// openProduction reads the policies and the link secret, then connects; close releases
// the connections.
func openProduction(ctx context.Context, cfg config.Config, log *slog.Logger) (*production, error) {
	policies, err := loadPolicies(cfg)
	if err != nil {
		return nil, err
	}
	links, err := linkSigner(cfg, false)
	if err != nil {
		return nil, err
	}
	m := metrics.New()
	db, tc, err := connect(ctx, cfg, m, log)
	if err != nil {
		return nil, err
	}
	return &production{policies: policies, links: links, metrics: m, db: db, temporal: tc}, nil
}

func (p *production) close() {
	p.temporal.Close()
	_ = store.Close(p.db)
}

// connect opens a migrated database and a Temporal client, both watched by m.
func connect(ctx context.Context, cfg config.Config, m *metrics.Metrics, log *slog.Logger) (*gorm.DB, client.Client, error) {
	db, err := store.Open(cfg.DatabaseURL, cfg.DataDir, log)
	if err != nil {
		return nil, nil, err
	}
	if err := store.CheckSchema(db); err != nil {
		_ = store.Close(db)
		return nil, nil, err
	}
	if err := m.WatchDatabase(db); err != nil {
		_ = store.Close(db)
		return nil, nil, err
	}
	tc, err := dialTemporal(ctx, cfg.TemporalAddress, cfg.TemporalNamespace, m.SDKHandler(), log)
	if err != nil {
		_ = store.Close(db)
		return nil, nil, err
	}
	return db, tc, nil
}
