// Package engine assembles the aap processes: `aap dev` (everything in one
// process on embedded defaults) and, for production, `aap api`, `aap worker`
// and `aap migrate` against an external Temporal cluster, PostgreSQL and an
// SMTP relay.
package engine

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"os"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/connector/limesurvey"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/policies"
	"github.com/dian-p104/aap/worker"
)

// newLogger writes text for people in dev, JSON for log collectors in production.
func newLogger(cfg config.Config) *slog.Logger {
	if cfg.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(os.Stderr, nil))
	}
	return slog.New(slog.NewTextHandler(os.Stderr, nil))
}

// loadPolicies reads AAP_POLICY_DIR, or the policies shipped in the binary.
func loadPolicies(cfg config.Config) (*policy.Set, error) {
	var fsys fs.FS = policies.FS
	if cfg.PolicyDir != "" {
		fsys = os.DirFS(cfg.PolicyDir)
	}
	set, err := policy.Load(fsys)
	if err != nil {
		return nil, fmt.Errorf("policies (AAP_POLICY_DIR=%q): %w", cfg.PolicyDir, err)
	}
	return set, nil
}

// newActivities wires the activities to the database and the mail relay.
func newActivities(db *gorm.DB, tc client.Client, cfg config.Config, links *auth.LinkSigner, log *slog.Logger) (*activities.Activities, error) {
	outbox, err := mail.NewOutbox(db, mail.NewSMTPSender(cfg.SMTP), cfg.MailFrom)
	if err != nil {
		return nil, fmt.Errorf("AAP_MAIL_FROM: %w", err)
	}
	carifOref, err := loadCarifOref(cfg.CarifOrefFile)
	if err != nil {
		return nil, err
	}
	campaigns, applications := store.NewCampaigns(db), store.NewApplications(db)
	return &activities.Activities{
		Campaigns: campaigns, Applications: applications, Emails: store.NewEmails(db), Conventions: store.NewConventions(db), PNE: store.NewPNEStructures(db), Controls: store.NewControls(db), CTAI: store.NewCTAIRequests(db), Outbox: outbox, Temporal: tc, CarifOref: carifOref, DIANEmail: cfg.DIANEmail, Logger: log,
		PNEResults: store.NewPNEResults(db), FinancialReports: store.NewFinancialReports(db),
		Links: links, PublicURL: cfg.PublicURL,
		DS: ds.New(cfg.DS.Endpoint, cfg.DS.Token), DSConnectors: store.NewDSConnectors(db),
		LimeSurvey:   limesurvey.New(cfg.LimeSurvey.URL, cfg.LimeSurvey.User, cfg.LimeSurvey.Password),
		LimeSurveyID: cfg.LimeSurvey.SurveyID,
		// A DS dossier is filed by the API's own creation service.
		Filer: &api.ApplicationService{Temporal: tc, Campaigns: campaigns, Applications: applications,
			Reports: store.NewFinancialReports(db), MailRetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log},
	}, nil
}

// httpServer serves handler on a listener until Shutdown.
type httpServer struct {
	srv  *http.Server
	addr string
	done chan error
}

func serveHTTP(addr string, handler http.Handler, log *slog.Logger) (*httpServer, error) {
	ln, err := listenHTTP(addr)
	if err != nil {
		return nil, err
	}
	return serveOn(ln, handler, log), nil
}

func listenHTTP(addr string) (net.Listener, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (AAP_HTTP_ADDR): %w", addr, err)
	}
	return ln, nil
}

// serveOn serves handler on a listener already open.
func serveOn(ln net.Listener, handler http.Handler, log *slog.Logger) *httpServer {
	s := &httpServer{
		srv:  &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second},
		addr: ln.Addr().String(),
		done: make(chan error, 1),
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		if err != nil {
			log.Error("HTTP server stopped", "error", err)
		}
		s.done <- err
	}()
	return s
}

// shutdown lets requests in flight finish, for at most ten seconds.
func (s *httpServer) shutdown() error {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		return err
	}
	return <-s.done
}

// runAcknowledgements starts the worker process's accusé de réception sender
// (worker.AcknowledgementSender); the returned func stops it and waits for its pass in flight.
func runAcknowledgements(acts *activities.Activities, cfg config.Config, log *slog.Logger) (stop func()) {
	sender := &worker.AcknowledgementSender{Acts: acts, RetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		sender.Run(ctx)
	}()
	return func() {
		cancel()
		<-done
	}
}
