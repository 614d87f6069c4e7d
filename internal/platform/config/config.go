// Package config reads the engine's configuration from AAP_* environment
// variables. It is read once in cmd and passed down; nothing deeper reads the
// environment.
package config

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// TLSPolicy says how the SMTP client secures its connection.
type TLSPolicy string

const (
	TLSNone          TLSPolicy = "none"          // plain SMTP (the dev catcher, a local relay)
	TLSOpportunistic TLSPolicy = "opportunistic" // STARTTLS when the server offers it
	TLSMandatory     TLSPolicy = "mandatory"     // STARTTLS required; on port 465, implicit TLS
)

// DefaultCatcherPort is where `aap dev` runs its built-in SMTP catcher.
const DefaultCatcherPort = 1025

// SMTP is the outgoing mail relay. An empty Host means the built-in catcher (dev only).
type SMTP struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      TLSPolicy
}

// Config is the whole configuration of one aap process.
type Config struct {
	HTTPAddr          string
	DataDir           string
	DatabaseURL       string
	TemporalAddress   string
	TemporalNamespace string
	// TemporalRetention is how long the namespace keeps closed workflows' histories; `aap migrate`
	// creates the namespace with it when the cluster has none of that name.
	TemporalRetention time.Duration
	TemporalPort      int
	// WorkflowCacheSize is how many workflows a worker keeps in memory between their tasks
	// (the SDK's sticky cache, worker.SetStickyWorkflowCacheSize); one evicted is replayed
	// from its history at its next task. About 150 KiB each for an open dossier.
	WorkflowCacheSize int
	// TemporalCacheSize is how many workflows' mutable states the embedded Temporal
	// server (`aap dev`) keeps in memory (history.hostLevelCacheMaxSize).
	TemporalCacheSize int
	// MemoryLimit is the Go runtime's soft memory limit in bytes (debug.SetMemoryLimit, as
	// GOMEMLIMIT): past it the collector runs more often instead of letting the heap double.
	// 0: not set (`aap dev` takes DevMemoryLimit, `aap api` and `aap worker` the runtime's own,
	// GOMEMLIMIT or none); NoMemoryLimit: none.
	MemoryLimit int64
	// PprofAddr is where the process serves Go's profiles (/debug/pprof/); empty: not served.
	PprofAddr string
	SMTP      SMTP
	MailFrom  string
	PolicyDir string
	LogFormat string
	// CarifOrefFile maps each region to its Carif-Oref's address (YAML); empty: none configured.
	CarifOrefFile string
	// MailRetryFor bounds how long a transient SMTP failure is retried before the email is given up.
	MailRetryFor time.Duration
	// PNESurveyURL is the LimeSurvey questionnaire of the PNE (§8.4); each structure's link adds "?token=…".
	PNESurveyURL string
	// MailRate paces batches of emails (the PNE's), in messages per second; 0: unpaced.
	MailRate int
	// DIANEmail is the national administration's mailbox: the PNE lists, the regions' control
	// syntheses and the CTAI opinions are sent there.
	DIANEmail string
	// Hosting is the service's host as the legal notice names it (name, address, telephone);
	// empty: the page says the instance is a development one.
	Hosting string
	// RateLimit is the number of API requests a minute allowed per token; 0: unlimited.
	RateLimit int
	// OverviewCacheFor is how long the API keeps a year's national overview and answers it
	// again (its answer says computed_at); 0: computed for every request. At most a minute.
	OverviewCacheFor time.Duration
	// LinkSecret signs the links emailed to associations (HMAC-SHA256); `aap dev`
	// makes one in its data directory when empty, `aap api` and `aap worker` refuse to start.
	LinkSecret string
	// PublicURL is the address the associations' links start with.
	PublicURL string
	// MetricsAddr is where `aap worker` serves /metrics (the API serves it on AAP_HTTP_ADDR); empty: not served.
	MetricsAddr string
	// DS and LimeSurvey are the connectors to Démarches Simplifiées and to the PNE's questionnaire.
	DS         DS
	LimeSurvey LimeSurvey
	// OIDC is the identity provider of the agents' sign-in (ProConnect).
	OIDC OIDC
}

// DefaultDIANEmail is DIAN's mailbox until AAP_DIAN_EMAIL says otherwise.
const DefaultDIANEmail = "dian@aap.localhost"

// DefaultPNESurveyURL is the PNE questionnaire's address until AAP_PNE_SURVEY_URL says otherwise.
const DefaultPNESurveyURL = "https://enquetes.example.gouv.fr/index.php/pne"

// Variable documents one environment variable (the README's configuration table is built from this list).
type Variable struct {
	Name, Default, Meaning string
}

// Variables lists every variable the engine reads, with its default.
var Variables = []Variable{
	{"AAP_HTTP_ADDR", "127.0.0.1:8080", "address of the HTTP API and pages"},
	{"AAP_DATA_DIR", "./data", "data directory of `aap dev`: SQLite files, caught mail, Temporal's state"},
	{"AAP_DATABASE_URL", "", "empty: SQLite in the data directory; postgres://…: PostgreSQL"},
	{"AAP_TEMPORAL_ADDRESS", "", "Temporal frontend host:port; empty in `aap dev`: the embedded server"},
	{"AAP_TEMPORAL_NAMESPACE", "default", "Temporal namespace"},
	{"AAP_TEMPORAL_RETENTION", "720h", "retention of closed workflows in the namespace `aap migrate` creates when absent (Go duration, at least 24h)"},
	{"AAP_TEMPORAL_PORT", "7233", "frontend port of the embedded Temporal server (`aap dev`)"},
	{"AAP_TEMPORAL_CACHE_SIZE", "500", "workflows whose state the embedded Temporal server (`aap dev`) keeps in memory (history.hostLevelCacheMaxSize)"},
	{"AAP_WORKFLOW_CACHE_SIZE", "500", "workflows a worker keeps in memory between their tasks (the SDK's sticky cache); production: 1000–5000 per worker"},
	{"AAP_MEMORY_LIMIT", "200MiB in `aap dev`, none otherwise", "soft memory limit of the Go runtime (as GOMEMLIMIT): 200MiB, 2GiB…; off: none"},
	{"AAP_PPROF_ADDR", "", "host:port where the process serves Go's profiles at /debug/pprof/, without a token (keep it on loopback); empty: not served"},
	{"AAP_SMTP_HOST", "", "SMTP relay; empty in `aap dev`: the built-in catcher"},
	{"AAP_SMTP_PORT", "1025 (catcher) / 587", "SMTP port; 465 means implicit TLS"},
	{"AAP_SMTP_USERNAME", "", "SMTP user (PLAIN/LOGIN auth when set)"},
	{"AAP_SMTP_PASSWORD", "", "SMTP password"},
	{"AAP_SMTP_TLS", "none (catcher) / opportunistic", "none, opportunistic or mandatory"},
	{"AAP_MAIL_FROM", "AAP intégration <no-reply@aap.localhost>", "sender of every email"},
	{"AAP_POLICY_DIR", "", "folder of yearly policy files (YYYY.yaml); empty: the policies shipped in the binary"},
	{"AAP_CARIF_OREF_FILE", "", "YAML file: region INSEE code → Carif-Oref address, for the list of funded language actions (§4.1.2)"},
	{"AAP_MAIL_RETRY_FOR", "24h", "how long a transient SMTP failure is retried, with backoff (Go duration, at least 1m)"},
	{"AAP_PNE_SURVEY_URL", DefaultPNESurveyURL, "LimeSurvey questionnaire of the PNE (§8.4); each structure gets it with ?token=<its token>"},
	{"AAP_MAIL_RATE", "10", "messages per second of a batch of emails (PNE invitations and reminders), over one SMTP connection; 0: unpaced"},
	{"AAP_DIAN_EMAIL", DefaultDIANEmail, "DIAN's mailbox: PNE lists, control syntheses, CTAI opinions"},
	{"AAP_HOSTING", "", "the host the legal notice (/mentions-legales) names: name, address, telephone; empty: a development instance"},
	{"AAP_RATE_LIMIT", "600", "API requests a minute allowed per token (429 with Retry-After beyond); 0: unlimited"},
	{"AAP_LINK_SECRET", "", "secret (at least 32 characters) signing the links emailed to associations; `aap dev` keeps one in its data directory, production refuses to start without it"},
	{"AAP_PUBLIC_URL", "http://<AAP_HTTP_ADDR>", "address the emailed links start with, e.g. https://aap.interieur.gouv.fr"},
	{"AAP_METRICS_ADDR", "", "host:port where `aap worker` serves /metrics, without a token (keep it internal); the API and `aap dev` serve it on AAP_HTTP_ADDR to a DIAN token only; empty: not served by the worker"},
	{"AAP_DS_TOKEN", "", "Démarches Simplifiées API token (Bearer); empty: no call can take its dossiers from DS"},
	{"AAP_DS_ENDPOINT", DefaultDSEndpoint, "Démarches Simplifiées GraphQL API v2 endpoint"},
	{"AAP_DS_PULL_EVERY", "1h", "how often an open call's démarche is pulled (Go duration, at least 1m); a DS webhook pulls at once"},
	{"AAP_DS_WEBHOOK_SECRET", "", "secret (at least 32 characters) signing each call's DS webhook URL; empty: webhooks refused"},
	{"AAP_LIMESURVEY_URL", "", "LimeSurvey RemoteControl 2 JSON-RPC URL, e.g. https://enquetes.example.gouv.fr/index.php/admin/remotecontrol; empty: PNE answers by CSV import only"},
	{"AAP_LIMESURVEY_USER", "", "LimeSurvey user of the RemoteControl API"},
	{"AAP_LIMESURVEY_PASSWORD", "", "its password"},
	{"AAP_LIMESURVEY_SURVEY_ID", "", "the PNE questionnaire's survey ID in LimeSurvey"},
	{"AAP_OIDC_ISSUER", "", "OpenID Provider the agents sign in with (ProConnect), e.g. https://auth.agentconnect.gouv.fr/api/v2; required by `aap api`; empty in `aap dev`: the dev sign-in"},
	{"AAP_OIDC_CLIENT_ID", "", "the client ID the provider gave"},
	{"AAP_OIDC_CLIENT_SECRET", "", "the client secret the provider gave"},
	{"AAP_OIDC_REDIRECT_URL", "", "address of /connexion/retour as registered with the provider, e.g. https://aap.interieur.gouv.fr/connexion/retour"},
	{"AAP_LOG_FORMAT", "text", "text or json"},
}

// Load reads the configuration through getenv (os.Getenv in production, a map in tests).
// Every bad value is reported, each naming its variable.
func Load(getenv func(string) string) (Config, error) {
	l := &loader{getenv: getenv}
	c := l.read()
	l.servers(&c)
	l.relay(&c)
	l.emails(&c)
	l.api(&c)
	l.connectors(&c)
	l.oidc(&c)
	c.DataDir = filepath.Clean(c.DataDir)
	return c, errors.Join(l.errs...)
}

// loader reads the variables and collects every bad value, in the order checked.
type loader struct {
	getenv func(string) string
	errs   []error
}

// get returns the trimmed value of a variable, or def when it is unset or blank.
func (l *loader) get(name, def string) string {
	if v := strings.TrimSpace(l.getenv(name)); v != "" {
		return v
	}
	return def
}

func (l *loader) bad(name, value, rule string) {
	l.errs = append(l.errs, fmt.Errorf("%s=%q: %s", name, value, rule))
}

// read takes the text settings as they are, with their defaults.
func (l *loader) read() Config {
	return Config{
		HTTPAddr:          l.get("AAP_HTTP_ADDR", "127.0.0.1:8080"),
		DataDir:           l.get("AAP_DATA_DIR", "./data"),
		DatabaseURL:       l.get("AAP_DATABASE_URL", ""),
		TemporalAddress:   l.get("AAP_TEMPORAL_ADDRESS", ""),
		TemporalNamespace: l.get("AAP_TEMPORAL_NAMESPACE", "default"),
		MailFrom:          l.get("AAP_MAIL_FROM", "AAP intégration <no-reply@aap.localhost>"),
		PolicyDir:         l.get("AAP_POLICY_DIR", ""),
		CarifOrefFile:     l.get("AAP_CARIF_OREF_FILE", ""),
		LogFormat:         l.get("AAP_LOG_FORMAT", "text"),
		PNESurveyURL:      l.get("AAP_PNE_SURVEY_URL", DefaultPNESurveyURL),
		DIANEmail:         l.get("AAP_DIAN_EMAIL", DefaultDIANEmail),
		Hosting:           l.get("AAP_HOSTING", ""),
		LinkSecret:        l.getenv("AAP_LINK_SECRET"),
		MetricsAddr:       l.get("AAP_METRICS_ADDR", ""),
		PprofAddr:         l.get("AAP_PPROF_ADDR", ""),
		SMTP: SMTP{
			Host:     l.get("AAP_SMTP_HOST", ""),
			Username: l.get("AAP_SMTP_USERNAME", ""),
			Password: l.getenv("AAP_SMTP_PASSWORD"),
		},
	}
}

// servers checks the addresses the engine listens on or connects to: metrics, HTTP,
// database, Temporal.
func (l *loader) servers(c *Config) {
	if c.MetricsAddr != "" {
		if _, _, err := net.SplitHostPort(c.MetricsAddr); err != nil {
			l.bad("AAP_METRICS_ADDR", c.MetricsAddr, "expected host:port, e.g. 0.0.0.0:9464")
		}
	}
	if c.PprofAddr != "" {
		if _, _, err := net.SplitHostPort(c.PprofAddr); err != nil {
			l.bad("AAP_PPROF_ADDR", c.PprofAddr, "expected host:port, e.g. 127.0.0.1:6060")
		}
	}
	if _, _, err := net.SplitHostPort(c.HTTPAddr); err != nil {
		l.bad("AAP_HTTP_ADDR", c.HTTPAddr, "expected host:port, e.g. 127.0.0.1:8080")
	}
	if c.DatabaseURL != "" {
		if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
			l.bad("AAP_DATABASE_URL", c.DatabaseURL, "expected empty (SQLite) or a postgres:// URL")
		}
	}
	if c.TemporalAddress != "" {
		if _, _, err := net.SplitHostPort(c.TemporalAddress); err != nil {
			l.bad("AAP_TEMPORAL_ADDRESS", c.TemporalAddress, "expected host:port, e.g. temporal:7233")
		}
	}
	var err error
	if c.TemporalRetention, err = time.ParseDuration(l.get("AAP_TEMPORAL_RETENTION", "720h")); err != nil || c.TemporalRetention < 24*time.Hour {
		l.bad("AAP_TEMPORAL_RETENTION", l.getenv("AAP_TEMPORAL_RETENTION"), "expected a duration of at least 24h, e.g. 720h (30 days)")
	}
	if c.TemporalPort, err = parsePort(l.get("AAP_TEMPORAL_PORT", "7233")); err != nil {
		l.bad("AAP_TEMPORAL_PORT", l.getenv("AAP_TEMPORAL_PORT"), err.Error())
	}
	if c.WorkflowCacheSize, err = strconv.Atoi(l.get("AAP_WORKFLOW_CACHE_SIZE", "500")); err != nil || c.WorkflowCacheSize < 1 {
		l.bad("AAP_WORKFLOW_CACHE_SIZE", l.getenv("AAP_WORKFLOW_CACHE_SIZE"), "expected a whole number of workflows, at least 1, e.g. 500")
	}
	if c.TemporalCacheSize, err = strconv.Atoi(l.get("AAP_TEMPORAL_CACHE_SIZE", "500")); err != nil || c.TemporalCacheSize < 1 {
		l.bad("AAP_TEMPORAL_CACHE_SIZE", l.getenv("AAP_TEMPORAL_CACHE_SIZE"), "expected a whole number of workflows, at least 1, e.g. 500")
	}
	if v := l.get("AAP_MEMORY_LIMIT", ""); v != "" {
		if c.MemoryLimit, err = parseMemoryLimit(v); err != nil {
			l.bad("AAP_MEMORY_LIMIT", v, err.Error())
		}
	}
}

// relay reads the SMTP relay's port and TLS policy (the mail catcher's when no host is set) and
// checks its credentials go together.
func (l *loader) relay(c *Config) {
	var err error
	defaultPort, defaultTLS := "587", TLSOpportunistic
	if c.SMTP.Host == "" {
		defaultPort, defaultTLS = strconv.Itoa(DefaultCatcherPort), TLSNone
	}
	if c.SMTP.Port, err = parsePort(l.get("AAP_SMTP_PORT", defaultPort)); err != nil {
		l.bad("AAP_SMTP_PORT", l.getenv("AAP_SMTP_PORT"), err.Error())
	}
	switch tls := TLSPolicy(strings.ToLower(l.get("AAP_SMTP_TLS", string(defaultTLS)))); tls {
	case TLSNone, TLSOpportunistic, TLSMandatory:
		c.SMTP.TLS = tls
	default:
		l.bad("AAP_SMTP_TLS", string(tls), "expected none, opportunistic or mandatory")
	}
	if (c.SMTP.Username == "") != (c.SMTP.Password == "") {
		l.bad("AAP_SMTP_USERNAME", c.SMTP.Username, "AAP_SMTP_USERNAME and AAP_SMTP_PASSWORD go together")
	}
}

// emails checks the addresses, retry delay, survey link and rate of the emails sent.
func (l *loader) emails(c *Config) {
	var err error
	if _, err := mail.ParseAddress(c.DIANEmail); err != nil {
		l.bad("AAP_DIAN_EMAIL", c.DIANEmail, "expected an email address, e.g. dian@interieur.gouv.fr")
	}
	if _, err := mail.ParseAddress(c.MailFrom); err != nil {
		l.bad("AAP_MAIL_FROM", c.MailFrom, "expected an email address, e.g. AAP <no-reply@example.gouv.fr>")
	}
	if c.MailRetryFor, err = time.ParseDuration(l.get("AAP_MAIL_RETRY_FOR", "24h")); err != nil || c.MailRetryFor < time.Minute {
		l.bad("AAP_MAIL_RETRY_FOR", l.getenv("AAP_MAIL_RETRY_FOR"), "expected a duration of at least 1m, e.g. 24h")
	}
	if u, err := url.Parse(c.PNESurveyURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
		l.bad("AAP_PNE_SURVEY_URL", c.PNESurveyURL, "expected an http(s) URL without query, e.g. "+DefaultPNESurveyURL)
	}
	if c.MailRate, err = strconv.Atoi(l.get("AAP_MAIL_RATE", "10")); err != nil || c.MailRate < 0 {
		l.bad("AAP_MAIL_RATE", l.getenv("AAP_MAIL_RATE"), "expected a whole number of messages per second, 0 for no limit")
	}
}

// api reads the API's rate limit, the secret and public URL of the links it signs, and the
// log format.
func (l *loader) api(c *Config) {
	var err error
	if c.RateLimit, err = strconv.Atoi(l.get("AAP_RATE_LIMIT", "600")); err != nil || c.RateLimit < 0 {
		l.bad("AAP_RATE_LIMIT", l.getenv("AAP_RATE_LIMIT"), "expected a whole number of requests a minute per token, 0 for no limit")
	}
	if c.OverviewCacheFor, err = time.ParseDuration(l.get("AAP_OVERVIEW_CACHE", "5s")); err != nil || c.OverviewCacheFor < 0 || c.OverviewCacheFor > time.Minute {
		l.bad("AAP_OVERVIEW_CACHE", l.getenv("AAP_OVERVIEW_CACHE"), "expected a duration from 0s (no cache) to 1m, e.g. 5s")
	}
	if c.LinkSecret != "" && len(c.LinkSecret) < 32 {
		l.bad("AAP_LINK_SECRET", "(hidden)", "expected at least 32 characters, e.g. the output of `openssl rand -hex 32`")
	}
	c.PublicURL = strings.TrimSuffix(l.get("AAP_PUBLIC_URL", "http://"+c.HTTPAddr), "/")
	if u, err := url.Parse(c.PublicURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" {
		l.bad("AAP_PUBLIC_URL", c.PublicURL, "expected an http(s) URL without query, e.g. https://aap.interieur.gouv.fr")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		l.bad("AAP_LOG_FORMAT", c.LogFormat, "expected text or json")
	}
}

func parsePort(s string) (int, error) {
	p, err := strconv.Atoi(s)
	if err != nil || p < 1 || p > 65535 {
		return 0, errors.New("expected a port number between 1 and 65535")
	}
	return p, nil
}
