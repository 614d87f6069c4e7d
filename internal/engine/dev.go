package engine

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/platform/devserver"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/platform/metrics"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/worker"
	"github.com/dian-p104/aap/workflows"
)

// Dev is the whole engine in one process: embedded Temporal server, SQLite
// (or AAP_DATABASE_URL), the mail catcher, the worker and the HTTP API.
type Dev struct {
	HTTPURL      string
	TemporalAddr string
	SMTPAddr     string
	Catcher      *mailcatcher.Catcher
	DB           *gorm.DB
	Temporal     client.Client
	// Metrics is the registry served at /metrics (HTTP, database, Temporal SDK).
	Metrics *metrics.Metrics

	stops []func() // in reverse order of start
}

// StartDev starts every part. cfg.TemporalPort 0 and a ":0" address pick free
// ports (tests). On error, whatever started is stopped again.
func StartDev(ctx context.Context, cfg config.Config, log *slog.Logger) (_ *Dev, err error) {
	d := &Dev{Metrics: metrics.New()}
	defer func() {
		if err != nil {
			d.Stop() // whatever started, in reverse order
		}
	}()
	if err := os.MkdirAll(cfg.DataDir, 0o755); err != nil {
		return nil, fmt.Errorf("AAP_DATA_DIR=%q: %w", cfg.DataDir, err)
	}
	policies, err := loadPolicies(cfg)
	if err != nil {
		return nil, err
	}
	links, err := linkSigner(cfg, true)
	if err != nil {
		return nil, err
	}
	// The API's port is taken first, so that the links emailed by the worker
	// point at it (a ":0" address picks a free port only now).
	ln, err := listenHTTP(cfg.HTTPAddr)
	if err != nil {
		return nil, err
	}
	served := false
	d.stops = append(d.stops, func() {
		if !served {
			_ = ln.Close()
		}
	})
	d.HTTPURL = "http://" + ln.Addr().String()
	if cfg.PublicURL == "" || strings.HasSuffix(cfg.PublicURL, ":0") {
		cfg.PublicURL = d.HTTPURL
	}
	if cfg.OIDC.Issuer != "" && cfg.OIDC.RedirectURL == "" {
		// A port picked now (":0", the tests) is known only here: the provider sends the agent back to it.
		cfg.OIDC.RedirectURL = strings.TrimSuffix(cfg.PublicURL, "/") + "/connexion/retour"
	}
	worker.SetCacheSize(cfg.WorkflowCacheSize) // before the embedded server's own SDK workers
	if err := d.startTemporal(ctx, cfg, log); err != nil {
		return nil, err
	}
	if cfg.SMTP.Host == "" {
		if err := d.startCatcher(&cfg, log); err != nil {
			return nil, err
		}
	}
	if err := d.openDatabase(cfg, log); err != nil {
		return nil, err
	}
	if cfg.OIDC.Issuer == "" { // the dev sign-in needs someone to choose
		if err := seedDevAgents(ctx, store.NewAgents(d.DB), log); err != nil {
			return nil, err
		}
	}
	if err := d.startWorker(ctx, cfg, policies, links, log); err != nil {
		return nil, err
	}

	reconcileCtx, stopReconciling := context.WithCancel(context.WithoutCancel(ctx))
	d.stops = append(d.stops, stopReconciling)
	startPendingAtStart(reconcileCtx, pendingStarts(d.DB, d.Temporal, cfg, policies, log), log)
	router := newAPIRouter(apiWiring{DB: d.DB, Temporal: d.Temporal, Config: cfg, Policies: policies,
		Links: links, Metrics: d.Metrics, Logger: log, DevMode: true, Catcher: d.Catcher})
	srv := serveOn(ln, router, log)
	served = true
	d.stops = append(d.stops, func() { _ = srv.shutdown() })
	return d, nil
}

// openDatabase opens the database (closed at Stop), brings its schema up to date and
// watches its connection pool in the metrics.
func (d *Dev) openDatabase(cfg config.Config, log *slog.Logger) (err error) {
	if d.DB, err = store.Open(cfg.DatabaseURL, cfg.DataDir, log); err != nil {
		return err
	}
	d.stops = append(d.stops, func() { _ = store.Close(d.DB) })
	if err := store.Migrate(d.DB); err != nil {
		return err
	}
	return d.Metrics.WatchDatabase(d.DB)
}

// startWorker starts the worker on the activities (stopped at Stop), then the PNE workflows
// the policies schedule.
func (d *Dev) startWorker(ctx context.Context, cfg config.Config, policies *policy.Set, links *auth.LinkSigner, log *slog.Logger) error {
	acts, err := newActivities(d.DB, d.Temporal, cfg, links, log)
	if err != nil {
		return err
	}
	acts.PendingStarts = pendingStarts(d.DB, d.Temporal, cfg, policies, log)
	if err := ensureReconcileSchedule(ctx, d.Temporal, log); err != nil {
		return err
	}
	w := worker.New(d.Temporal, acts)
	if err := w.Start(); err != nil {
		return fmt.Errorf("start worker: %w", err)
	}
	d.stops = append(d.stops, w.Stop)
	d.stops = append(d.stops, runAcknowledgements(acts, cfg, log))
	return startPNEWorkflows(ctx, d.Temporal, policies, cfg, time.Now(), log)
}

func (d *Dev) startTemporal(ctx context.Context, cfg config.Config, log *slog.Logger) error {
	if cfg.TemporalAddress != "" {
		d.TemporalAddr = cfg.TemporalAddress
	} else {
		srv, err := devserver.Start(devserver.Options{
			FrontendPort: cfg.TemporalPort,
			DatabaseFile: filepath.Join(cfg.DataDir, "temporal.db"),
			LogFile:      filepath.Join(cfg.DataDir, "temporal.log"),
			Namespace:    cfg.TemporalNamespace,
			CacheSize:    cfg.TemporalCacheSize,
			// Registered at creation so the first campaign can use them; an
			// existing namespace gets new ones from ensureSearchAttributes below.
			SearchAttributes: workflows.SearchAttributes(),
		})
		if err != nil {
			return fmt.Errorf("embedded Temporal server (AAP_TEMPORAL_PORT=%d): %w", cfg.TemporalPort, err)
		}
		d.stops = append(d.stops, srv.Stop)
		d.TemporalAddr = srv.HostPort()
	}
	c, err := dialTemporal(ctx, d.TemporalAddr, cfg.TemporalNamespace, d.Metrics.SDKHandler(), log)
	if err != nil {
		return err
	}
	d.stops = append(d.stops, c.Close)
	d.Temporal = c
	return ensureSearchAttributes(ctx, c, cfg.TemporalNamespace)
}

// startCatcher runs the built-in SMTP catcher and points the mail settings at it.
func (d *Dev) startCatcher(cfg *config.Config, log *slog.Logger) error {
	catcher, err := mailcatcher.Start(mailcatcher.Options{
		Addr:   net.JoinHostPort("127.0.0.1", strconv.Itoa(cfg.SMTP.Port)),
		Dir:    filepath.Join(cfg.DataDir, "mail"),
		Logger: log,
	})
	if err != nil {
		return fmt.Errorf("mail catcher (AAP_SMTP_PORT=%d): %w", cfg.SMTP.Port, err)
	}
	d.stops = append(d.stops, func() { _ = catcher.Close() })
	d.Catcher = catcher
	d.SMTPAddr = catcher.Addr()
	_, port, _ := net.SplitHostPort(catcher.Addr())
	cfg.SMTP.Port, _ = strconv.Atoi(port)
	cfg.SMTP.TLS = config.TLSNone
	return nil
}

// Stop stops every part in reverse order: the HTTP API first, the Temporal server last.
func (d *Dev) Stop() {
	for i := len(d.stops) - 1; i >= 0; i-- {
		d.stops[i]()
	}
	d.stops = nil
}

// PrintURLs tells the person at the terminal where everything is.
func (d *Dev) PrintURLs(w io.Writer, cfg config.Config) {
	fmt.Fprintf(w, "\naap dev is running (data in %s)\n", cfg.DataDir)
	fmt.Fprintf(w, "  HTTP API          %s/api/v1/campaigns   (OpenAPI: %s/api/openapi.yaml)\n", d.HTTPURL, d.HTTPURL)
	fmt.Fprintf(w, "  health            %s/healthz  %s/readyz\n", d.HTTPURL, d.HTTPURL)
	fmt.Fprintf(w, "  agents' pages     %s/   (%s; metrics: %s/metrics)\n", d.HTTPURL, signInNote(cfg), d.HTTPURL)
	fmt.Fprintf(w, "  API token         AAP_DATA_DIR=%s aap token create --role dian --name \"DIAN (dev)\"   (then: curl -H \"Authorization: Bearer <token>\" …)\n", cfg.DataDir)
	if d.Catcher != nil {
		fmt.Fprintf(w, "  caught emails     %s/dev/mail   (SMTP on %s)\n", d.HTTPURL, d.SMTPAddr)
	}
	fmt.Fprintf(w, "  Temporal          %s, namespace %q (temporal workflow list --address %s)\n", d.TemporalAddr, cfg.TemporalNamespace, d.TemporalAddr)
	fmt.Fprintf(w, "Ctrl-C stops it; starting it again resumes every running workflow.\n\n")
}

// RunDev runs `aap dev` until ctx ends (Ctrl-C).
func RunDev(ctx context.Context, cfg config.Config, log *slog.Logger, out io.Writer) error {
	d, err := StartDev(ctx, cfg, log)
	if err != nil {
		return err
	}
	d.PrintURLs(out, cfg)
	<-ctx.Done()
	log.Info("stopping aap dev")
	d.Stop()
	return nil
}
