package api

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/platform/metrics"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/internal/web"
)

// Deps are what the HTTP server needs.
type Deps struct {
	Campaigns    *CampaignService
	Applications *ApplicationService
	Selection    *SelectionService
	Conventions  *ConventionService
	PNE          *PNEService
	Controls     *ControlService
	CTAI         *CTAIService
	// FinancialReports records the comptes-rendus financiers (§8.4).
	FinancialReports *FinancialReportService
	DB               *gorm.DB
	Temporal         client.Client
	// TemporalNamespace is the namespace the client works in (AAP_TEMPORAL_NAMESPACE), which
	// /readyz checks exists; empty: "default", as the SDK's client.
	TemporalNamespace string
	// Catcher is the dev mail catcher whose pages are served under /dev/mail; nil in production.
	Catcher *mailcatcher.Catcher
	Logger  *slog.Logger
	// RateLimit is the number of requests a minute allowed per token (AAP_RATE_LIMIT); 0: unlimited.
	RateLimit int
	// OverviewCacheFor is how long the national overview's figures are kept (AAP_OVERVIEW_CACHE); 0: none.
	OverviewCacheFor time.Duration
	// ContactEmail is DIAN's mailbox (AAP_DIAN_EMAIL), given on the contact and personal-data pages.
	ContactEmail string
	// Hosting is the host the legal notice names (AAP_HOSTING).
	Hosting string
	// Links signs and checks the links emailed to associations (AAP_LINK_SECRET).
	Links *auth.LinkSigner
	// OIDC is the identity provider the agents sign in to the pages with; DevSignIn
	// offers `aap dev`'s sign-in instead (choose an agent) when there is none.
	OIDC      *web.OIDC
	DevSignIn bool
	// Now is the clock of authentication, links and the overview's deadlines; nil: time.Now.
	Now func() time.Time
	// Policies give the overview its targets and deadlines; nil leaves them out.
	Policies *policy.Set
	// Metrics is the process's Prometheus registry, served at /metrics; nil makes
	// one with the HTTP and database metrics only (no Temporal SDK metrics).
	Metrics *metrics.Metrics
}

// NewRouter builds the HTTP handler of the engine.
func NewRouter(d Deps) *gin.Engine {
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	m := d.Metrics
	if m == nil {
		m = metrics.New()
		if err := m.WatchDatabase(d.DB); err != nil {
			d.Logger.Error("database metrics not registered", "error", err)
		}
	}
	r.Use(requestID(), m.Middleware(), accessLog(d.Logger), gin.CustomRecovery(func(c *gin.Context, err any) {
		d.Logger.Error("panic in handler", "error", err, "request_id", c.GetString(requestIDKey))
		respondError(c, errInternal)
	}))
	r.NoRoute(func(c *gin.Context) { respondError(c, errNotFound) })

	// Every route checks its path and query parameters and form body at the
	// door (textinput); the API answers a refusal as its 422, pages as a page.
	api := r.Group("", textinput.Middleware(refuseInput))
	api.GET("/healthz", func(c *gin.Context) { c.JSON(http.StatusOK, gin.H{"status": "ok"}) })
	api.GET("/readyz", readiness(d))
	api.GET("/api/openapi.yaml", serveOpenAPI)

	now := d.Now
	if now == nil {
		now = time.Now
	}
	authn := authenticate(store.NewTokens(d.DB), auth.NewRateLimiter(d.RateLimit), now)
	// The metrics carry national counts (calls by phase, dossiers, emails): DIAN's.
	api.GET("/metrics", authn, dianOnlyRoute, gin.WrapH(m.Handler()))
	v1 := api.Group("/api/v1", authn, authorize(d.DB, d.Logger))
	audit := store.NewAudit(d.DB)
	registerCampaigns(v1, d.Campaigns, store.NewConventions(d.DB))
	// A DS webhook carries no token of ours: the call's signature in its URL authenticates it.
	api.POST("/webhooks/ds/:id", campaignHandlers{svc: d.Campaigns}.dsWebhook)
	registerApplications(v1, d.Applications)
	registerAttachments(v1, store.NewApplications(d.DB)) // application_attachments.go
	v1.POST("/campaigns/:id/selection", selectionHandlers{svc: d.Selection}.record)
	v1.POST("/applications/:id/agir-assessment", agirAssessmentHandlers{applications: store.NewApplications(d.DB), now: now}.assess)
	registerConventions(v1, d.Conventions, d.FinancialReports)
	v1.GET("/emails", emailHandlers{emails: store.NewEmails(d.DB)}.list)
	v1.GET("/audit", auditHandlers{audit: audit}.list)
	registerPNE(v1, d.PNE)
	registerControls(v1, d.Controls)
	registerCTAI(v1, d.CTAI)

	ov := overview.New(d.DB, d.Policies, d.Now)
	ov.CacheFor = d.OverviewCacheFor
	mon := &MonitoringService{Monitoring: ov, Campaigns: store.NewCampaigns(d.DB),
		DB: d.DB, Temporal: d.Temporal, Logger: d.Logger}
	registerMonitoring(v1, mon)

	// Every page a person reads is in this one group, in the shared DSFR layout and
	// under its security headers (web.SecurityHeaders); web asks agents for the sign-in
	// (the identity provider, or `aap dev`'s choice of an agent) and serves the static files.
	pages := r.Group("")
	web.Register(pages, web.Deps{Monitoring: mon.Monitoring, DB: d.DB, Temporal: d.Temporal,
		Links: d.Links, OIDC: d.OIDC, DevSignIn: d.DevSignIn, DevMail: d.Catcher != nil, ContactEmail: d.ContactEmail, Hosting: d.Hosting,
		Now: d.Now, Logger: d.Logger,
		AgentPages: func(g *gin.RouterGroup, kit web.AgentKit) {
			registerAgentForms(g, kit, d)
			registerAgentPages(g, kit, d) // pages_agent.go: PNE, controls, CTAI, audit trail
		}})

	registerPublic(r, d, now)
	if d.Links != nil {
		links := linkHandlers{links: d.Links, now: now, applications: store.NewApplications(d.DB),
			campaigns: store.NewCampaigns(d.DB), conventions: d.Conventions, pne: d.PNE,
			reports: d.FinancialReports, campaignRules: d.Campaigns, reportFiles: store.NewReportDocuments(d.DB)}
		// In the pages' layout, under their security headers (web.SecurityHeaders), with the links' own
		// page for a refused input.
		linkPages := r.Group("/liens", web.SecurityHeaders(), textinput.Middleware(links.refuseInput))
		linkPages.GET("/:token", links.show)
		linkPages.POST("/:token", links.act)
		linkPages.GET("/:token/documents/:name", links.document)
	}
	if d.Catcher != nil {
		d.Catcher.Register(r, "/dev/mail")
	}
	return r
}

// readiness reports whether the database answers, Temporal's frontend answers and the
// configured namespace exists on it: a frontend that answers is not enough, every start,
// signal and query of a namespace it does not know fails. Each check says "ok" or why not.
func readiness(d Deps) gin.HandlerFunc {
	namespace := d.TemporalNamespace
	if namespace == "" {
		namespace = "default"
	}
	return func(c *gin.Context) {
		ctx, cancel := context.WithTimeout(c.Request.Context(), 3*time.Second)
		defer cancel()
		checks := gin.H{"database": "ok", "temporal": "ok", "namespace": "ok"}
		status := http.StatusOK
		if sqlDB, err := d.DB.DB(); err != nil || sqlDB.PingContext(ctx) != nil {
			checks["database"], status = "unreachable", http.StatusServiceUnavailable
		}
		if _, err := d.Temporal.CheckHealth(ctx, &client.CheckHealthRequest{}); err != nil {
			checks["temporal"], checks["namespace"], status = "unreachable", "not_checked", http.StatusServiceUnavailable
		} else if _, err := d.Temporal.WorkflowService().DescribeNamespace(ctx,
			&workflowservice.DescribeNamespaceRequest{Namespace: namespace}); err != nil {
			var notFound *serviceerror.NamespaceNotFound
			checks["namespace"], status = "unreachable", http.StatusServiceUnavailable
			if errors.As(err, &notFound) {
				checks["namespace"] = "not_found"
			}
		}
		state := "ready"
		if status != http.StatusOK {
			state = "not_ready"
		}
		c.JSON(status, gin.H{"status": state, "checks": checks, "namespace": namespace})
	}
}

const requestIDKey = "request_id"

// requestID keeps the caller's X-Request-ID or makes one, and returns it.
func requestID() gin.HandlerFunc {
	return func(c *gin.Context) {
		id := c.GetHeader("X-Request-ID")
		if id == "" || len(id) > 100 {
			id = uuid.NewString()
		}
		c.Set(requestIDKey, id)
		c.Header("X-Request-ID", id)
		c.Next()
	}
}

func accessLog(log *slog.Logger) gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		attrs := []any{"method", c.Request.Method, "path", c.FullPath(), "status", c.Writer.Status(),
			"duration_ms", time.Since(start).Milliseconds(), "request_id", c.GetString(requestIDKey)}
		if len(c.Errors) > 0 {
			log.Error("request failed", append(attrs, "error", c.Errors.String())...)
			return
		}
		log.Info("request", attrs...)
	}
}
