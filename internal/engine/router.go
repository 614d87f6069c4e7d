package engine

import (
	"log/slog"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/platform/metrics"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
)

// apiWiring is what the API's services are built from, in `aap dev` and `aap api` alike.
type apiWiring struct {
	DB       *gorm.DB
	Temporal client.Client
	Config   config.Config
	Policies *policy.Set
	Links    *auth.LinkSigner
	Metrics  *metrics.Metrics
	Logger   *slog.Logger
	// DevMode lets the campaign and control services run `aap dev`'s shortcuts; Catcher
	// (dev only, nil in production) has its pages served under /dev/mail.
	DevMode bool
	Catcher *mailcatcher.Catcher
}

// oidcOf is the client of the configured identity provider; nil when there is none (`aap dev` only).
func oidcOf(cfg config.Config) *web.OIDC {
	if cfg.OIDC.Issuer == "" {
		return nil
	}
	return web.NewOIDC(web.OIDCConfig{Issuer: cfg.OIDC.Issuer, ClientID: cfg.OIDC.ClientID,
		ClientSecret: cfg.OIDC.ClientSecret, RedirectURL: cfg.OIDC.RedirectURL})
}

// newAPIRouter builds the API's services on the stores of the database and returns its router.
func newAPIRouter(w apiWiring) http.Handler {
	db, tc, cfg, log := w.DB, w.Temporal, w.Config, w.Logger
	campaignStore, applications := store.NewCampaigns(db), store.NewApplications(db)
	reports := store.NewFinancialReports(db)
	campaigns := &api.CampaignService{Temporal: tc, Campaigns: campaignStore, Policies: w.Policies,
		DevMode: w.DevMode, MailRetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log,
		DS: ds.New(cfg.DS.Endpoint, cfg.DS.Token), DSConnectors: store.NewDSConnectors(db), DSPullEvery: cfg.DS.PullEvery,
		DSWebhookSecret: cfg.DS.WebhookSecret, PublicURL: cfg.PublicURL}
	conventions := &api.ConventionService{Temporal: tc, Conventions: store.NewConventions(db),
		Applications: applications, Campaigns: campaignStore, Reports: reports}
	return api.NewRouter(api.Deps{
		Campaigns:   campaigns,
		Conventions: conventions,
		FinancialReports: &api.FinancialReportService{Temporal: tc, Conventions: conventions, Reports: reports,
			Now: time.Now, Logger: log},
		Selection: &api.SelectionService{Temporal: tc, Campaigns: campaigns, Applications: applications,
			PNE: store.NewPNEResults(db), Reports: reports},
		Applications: &api.ApplicationService{Temporal: tc, Campaigns: campaignStore, Applications: applications,
			Reports: reports, MailRetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log},
		PNE: &api.PNEService{Structures: store.NewPNEStructures(db), Policies: w.Policies, Now: time.Now, Logger: log,
			LimeSurvey: cfg.LimeSurvey.URL != "", Temporal: tc},
		Controls: &api.ControlService{Temporal: tc, Controls: store.NewControls(db), Conventions: store.NewConventions(db),
			Applications: applications, Campaigns: campaignStore, Policies: w.Policies, DevMode: w.DevMode,
			MailRetryFor: cfg.MailRetryFor, Now: time.Now},
		CTAI: &api.CTAIService{Temporal: tc, Requests: store.NewCTAIRequests(db), Policies: w.Policies,
			MailRetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log},
		DB: db, Temporal: tc, TemporalNamespace: w.Config.TemporalNamespace, Catcher: w.Catcher, Logger: log,
		RateLimit: cfg.RateLimit, OverviewCacheFor: cfg.OverviewCacheFor, Links: w.Links, ContactEmail: cfg.DIANEmail, Hosting: cfg.Hosting, Policies: w.Policies, Now: time.Now,
		Metrics: w.Metrics, OIDC: oidcOf(cfg), DevSignIn: w.DevMode && cfg.OIDC.Issuer == "",
	})
}
