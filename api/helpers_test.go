package api_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/mocks"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
	"github.com/dian-p104/aap/workflows"
)

// fixedNow is the clock of every test unless a test sets its own: a late
// November day, so that the latest accepted campaign year is 2027.
var fixedNow = time.Date(2026, 11, 29, 10, 0, 0, 0, time.UTC)

// mailRetryFor is an unusual value, so the tests can see it reach the workflow input.
const mailRetryFor = 90 * time.Minute

// testEnv is the API wired to a mocked Temporal client and a real SQLite database.
type testEnv struct {
	router    *gin.Engine
	temporal  *mocks.Client
	db        *gorm.DB
	campaigns *store.Campaigns
	policies  *policy.Set
	// bearer is sent as "Authorization: Bearer …" by do; "" sends none (anonymous).
	bearer string
	// links signs association links as the activities do.
	links *auth.LinkSigner
}

type envConfig struct {
	now       time.Time
	devMode   bool
	rateLimit int
	catcher   *mailcatcher.Catcher
	log       io.Writer
	ds        api.DSDescriptors
	dsSecret  string
	// limeSurvey: the PNE summary asks the PNE workflow for LimeSurvey's state.
	limeSurvey bool
}

type envOption func(*envConfig)

// withNow fixes the service clock at now instead of fixedNow.
func withNow(now time.Time) envOption { return func(c *envConfig) { c.now = now } }

// withDevMode builds the router as `aap dev` does (policy "demo" accepted).
func withDevMode() envOption { return func(c *envConfig) { c.devMode = true } }

// withRateLimit sets the requests a minute allowed per token.
func withRateLimit(n int) envOption { return func(c *envConfig) { c.rateLimit = n } }

// withLog writes the server's logs (text) to w instead of discarding them.
func withLog(w io.Writer) envOption { return func(c *envConfig) { c.log = w } }

// withDS lets calls take their dossiers from DS through client; secret signs the webhooks.
func withDS(client api.DSDescriptors, secret string) envOption {
	return func(c *envConfig) { c.ds, c.dsSecret = client, secret }
}

// withLimeSurvey configures the PNE's questionnaire on LimeSurvey.
func withLimeSurvey() envOption { return func(c *envConfig) { c.limeSurvey = true } }

// withCatcher registers the dev mail catcher's pages.
func withCatcher(cat *mailcatcher.Catcher) envOption {
	return func(c *envConfig) { c.catcher = cat }
}

func newEnv(t *testing.T, opts ...envOption) *testEnv {
	t.Helper()
	cfg := envConfig{now: fixedNow}
	for _, o := range opts {
		o(&cfg)
	}
	pols, err := policy.Load(policies.FS)
	require.NoError(t, err)
	db := storetest.SQLite(t)
	tc := mocks.NewClient(t)
	campaigns := store.NewCampaigns(db)
	logger := slog.New(slog.DiscardHandler)
	if cfg.log != nil {
		logger = slog.New(slog.NewTextHandler(cfg.log, nil))
	}
	now := func() time.Time { return cfg.now }
	campaignService := &api.CampaignService{Temporal: tc, Campaigns: campaigns, Policies: pols,
		DevMode: cfg.devMode, MailRetryFor: mailRetryFor, Now: now, Logger: logger,
		DS: cfg.ds, DSConnectors: store.NewDSConnectors(db), DSWebhookSecret: cfg.dsSecret, PublicURL: "https://aap.example.gouv.fr"}
	if cfg.ds == nil {
		campaignService.DS = ds.New("", "") // not configured
	}
	applications := store.NewApplications(db)
	links, err := auth.NewLinkSigner([]byte("a test secret of at least 32 bytes"))
	require.NoError(t, err)
	reports := store.NewFinancialReports(db)
	conventions := &api.ConventionService{Temporal: tc, Conventions: store.NewConventions(db),
		Applications: applications, Campaigns: campaigns, Reports: reports}
	router := api.NewRouter(api.Deps{
		Campaigns: campaignService,
		Applications: &api.ApplicationService{Temporal: tc, Campaigns: campaigns,
			Applications: applications, Reports: reports, MailRetryFor: mailRetryFor, Now: now, Logger: logger},
		Selection: &api.SelectionService{Temporal: tc, Campaigns: campaignService, Applications: applications,
			PNE: store.NewPNEResults(db), Reports: reports},
		Conventions: conventions,
		FinancialReports: &api.FinancialReportService{Temporal: tc, Conventions: conventions, Reports: reports,
			Now: now, Logger: logger},
		PNE: &api.PNEService{Structures: store.NewPNEStructures(db), Policies: pols, Now: now, Logger: logger,
			LimeSurvey: cfg.limeSurvey, Temporal: tc},
		Controls: &api.ControlService{Temporal: tc, Controls: store.NewControls(db), Conventions: store.NewConventions(db),
			Applications: applications, Campaigns: campaigns, Policies: pols, DevMode: cfg.devMode, MailRetryFor: mailRetryFor, Now: now},
		CTAI: &api.CTAIService{Temporal: tc, Requests: store.NewCTAIRequests(db), Policies: pols,
			MailRetryFor: mailRetryFor, Now: now, Logger: logger},
		DB: db, Temporal: tc, Catcher: cfg.catcher, Logger: logger,
		RateLimit: cfg.rateLimit, Now: now, Links: links, Policies: pols,
		// Every sign-in route is served (the provider's and the dev one), so the route tests cover them;
		// the provider is never reached (page tests open sessions with agentSession).
		OIDC: web.NewOIDC(web.OIDCConfig{Issuer: "http://127.0.0.1:1", ClientID: "aap", ClientSecret: "secret",
			RedirectURL: "http://127.0.0.1:8080/connexion/retour"}), DevSignIn: true,
	})
	e := &testEnv{router: router, temporal: tc, db: db, campaigns: campaigns, policies: pols, links: links}
	e.bearer = e.token(t, auth.NewToken{Name: "DIAN (tests)", Role: auth.RoleDIAN})
	return e
}

// token creates an API token in the test database and returns its secret.
func (e *testEnv) token(t *testing.T, n auth.NewToken) string {
	t.Helper()
	secret, _, err := auth.Issue(t.Context(), store.NewTokens(e.db), n, fixedNow.Add(-time.Hour))
	require.NoError(t, err)
	return secret
}

// as returns the same environment acting with another bearer ("" for anonymous).
func (e *testEnv) as(bearer string) *testEnv {
	other := *e
	other.bearer = bearer
	return &other
}

// asCorrespondent acts as a correspondent of territory (level derived as `aap token create` does).
func (e *testEnv) asCorrespondent(t *testing.T, territory, level string) *testEnv {
	t.Helper()
	return e.as(e.token(t, auth.NewToken{Name: "correspondant " + territory, Role: auth.RoleCorrespondent,
		Territory: territory, Level: level}))
}

// anonymous acts without a token.
func (e *testEnv) anonymous() *testEnv { return e.as("") }

// do sends one request to the router; headers are name, value pairs.
func (e *testEnv) do(t *testing.T, method, path string, body []byte, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	require.Zero(t, len(headers)%2, "headers come in name, value pairs")
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
	}
	req := httptest.NewRequest(method, path, r)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if e.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+e.bearer)
	}
	for i := 0; i < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	checkContract(t, req, rec)
	return rec
}

func (e *testEnv) get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, http.MethodGet, path, nil)
}

func (e *testEnv) postCampaign(t *testing.T, body []byte, headers ...string) *httptest.ResponseRecorder {
	t.Helper()
	return e.do(t, http.MethodPost, "/api/v1/campaigns", body, headers...)
}

// createCampaign posts body and requires a 201; it returns the campaign as JSON.
func (e *testEnv) createCampaign(t *testing.T, body []byte, headers ...string) map[string]any {
	t.Helper()
	rec := e.postCampaign(t, body, headers...)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	return decodeObject(t, rec)
}

// acceptStarts makes ExecuteWorkflow succeed, however often it is called (possibly never).
func (e *testEnv) acceptStarts() {
	e.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).
		Return(&mocks.WorkflowRun{}, nil).Maybe()
}

// startCall is one ExecuteWorkflow call the API made.
type startCall struct {
	options  client.StartWorkflowOptions
	workflow any
	input    any
}

// starts lists the ExecuteWorkflow calls made so far.
func (e *testEnv) starts(t *testing.T) []startCall {
	t.Helper()
	var out []startCall
	for _, c := range e.temporal.Calls {
		if c.Method != "ExecuteWorkflow" {
			continue
		}
		require.Len(t, c.Arguments, 4, "ExecuteWorkflow(ctx, options, workflow, input)")
		out = append(out, startCall{options: c.Arguments.Get(1).(client.StartWorkflowOptions),
			workflow: c.Arguments.Get(2), input: c.Arguments.Get(3)})
	}
	return out
}

// answerStateQuery makes the campaign workflow's state query answer st.
func (e *testEnv) answerStateQuery(t *testing.T, workflowID string, st workflows.CampaignState) {
	t.Helper()
	payloads, err := converter.GetDefaultDataConverter().ToPayloads(st)
	require.NoError(t, err)
	e.temporal.On("QueryWorkflow", mock.Anything, workflowID, "", workflows.QueryCampaignState).
		Return(client.NewValue(payloads), nil).Once()
}

// storedCount is the number of campaign rows in the database.
func (e *testEnv) storedCount(t *testing.T) int64 {
	t.Helper()
	_, total, err := e.campaigns.List(t.Context(), store.CampaignFilter{Limit: 1})
	require.NoError(t, err)
	return total
}

// body is a campaign request as JSON-to-be; tests edit a copy of validBody.
type body map[string]any

// validBody is a departmental campaign of 2027 in the Rhône that every rule accepts at fixedNow.
func validBody() body {
	return body{
		"year": 2027, "level": "departmental", "territory": "69",
		"title":               "Intégration des étrangers primo-arrivants dans le Rhône",
		"budget_eur":          rawJSON("12500.5"),
		"themes":              []string{"langue", "emploi"},
		"publish_at":          "2027-01-15T09:00:00+01:00",
		"close_at":            "2027-05-31T18:00:00+02:00",
		"agir_articulation":   "Actions complémentaires de l'accompagnement AGIR.",
		"indicators":          []string{"nombre de bénéficiaires"},
		"evaluation_criteria": []string{"assiduité"},
		"contact_email":       "ddets-integration@rhone.gouv.fr",
	}
}

func (b body) with(key string, value any) body {
	b[key] = value
	return b
}

func (b body) without(key string) body {
	delete(b, key)
	return b
}

func (b body) json(t *testing.T) []byte {
	t.Helper()
	raw, err := json.Marshal(b)
	require.NoError(t, err)
	return raw
}

// fieldRule is one entry of error.fields, without its message.
type fieldRule struct{ Field, Rule string }

// problem is the one JSON error shape of the API.
type problem struct {
	Code    string           `json:"code"`
	Message string           `json:"message"`
	Fields  []api.FieldError `json:"fields"`
}

// requireProblem checks the status and the {"error": {code, message, fields}}
// shape of an error response, and returns the error.
func requireProblem(t *testing.T, rec *httptest.ResponseRecorder, status int, code string) problem {
	t.Helper()
	require.Equal(t, status, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Header().Get("Content-Type"), "application/json")
	var envelope map[string]json.RawMessage
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &envelope), rec.Body.String())
	require.Contains(t, envelope, "error", "errors are wrapped in an \"error\" object")
	require.Len(t, envelope, 1, "the error object is the only member: %s", rec.Body.String())
	var p problem
	require.NoError(t, json.Unmarshal(envelope["error"], &p))
	assert.Equal(t, code, p.Code)
	assert.NotEmpty(t, p.Message, "every error carries a French message")
	return p
}

// requireFields checks a 422 and that error.fields holds exactly want, each with a message.
func requireFields(t *testing.T, rec *httptest.ResponseRecorder, want ...fieldRule) {
	t.Helper()
	p := requireProblem(t, rec, http.StatusUnprocessableEntity, "validation_failed")
	got := make([]fieldRule, len(p.Fields))
	for i, f := range p.Fields {
		got[i] = fieldRule{f.Field, f.Rule}
		assert.NotEmpty(t, f.Message, "field %s, rule %s has no message", f.Field, f.Rule)
	}
	assert.ElementsMatch(t, want, got, "error.fields of %s", rec.Body.String())
}

func decodeObject(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var out map[string]any
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &out), rec.Body.String())
	return out
}

// listPage is the body of GET /api/v1/campaigns.
type listPage struct {
	Items []struct {
		ID        string `json:"id"`
		Year      int    `json:"year"`
		Territory string `json:"territory"`
		State     string `json:"state"`
	} `json:"items"`
	Total    int64 `json:"total"`
	Page     int   `json:"page"`
	PageSize int   `json:"page_size"`
}

func (e *testEnv) list(t *testing.T, query string) listPage {
	t.Helper()
	rec := e.get(t, "/api/v1/campaigns"+query)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var page listPage
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page), rec.Body.String())
	return page
}

// rawJSON is a JSON literal written as is in a body (e.g. a number with its exact digits).
func rawJSON(literal string) json.RawMessage { return json.RawMessage(literal) }

// seed describes a campaign written straight into the database.
type seed struct {
	year      int
	level     string
	territory string
	phase     string
	createdAt time.Time
	publishAt time.Time
	closeAt   time.Time
}

// seedCampaign stores a campaign without going through the API (and so without a workflow).
func (e *testEnv) seedCampaign(t *testing.T, s seed) *models.Campaign {
	t.Helper()
	if s.level == "" {
		s.level = models.LevelDepartmental
	}
	if s.phase == "" {
		s.phase = models.PhaseScheduled
	}
	if s.publishAt.IsZero() {
		s.publishAt = time.Date(s.year, 1, 15, 8, 0, 0, 0, time.UTC)
	}
	if s.closeAt.IsZero() {
		s.closeAt = time.Date(s.year, 5, 31, 16, 0, 0, 0, time.UTC)
	}
	id := uuid.NewString()
	c := &models.Campaign{
		ID: id, WorkflowID: workflows.CampaignWorkflowID(s.year, s.level, s.territory, id),
		Year: s.year, Level: s.level, Territory: s.territory, Title: "Campagne de test " + s.territory,
		BudgetCents: 1000000, Themes: []string{"langue"}, PublishAt: s.publishAt, CloseAt: s.closeAt,
		AGIRArticulation: "Articulation AGIR.", Indicators: []string{"bénéficiaires"},
		EvaluationCriteria: []string{"assiduité"}, ContactEmail: "contact@example.gouv.fr",
		PolicyName: "2025", Phase: s.phase, CreatedAt: s.createdAt, UpdatedAt: s.createdAt,
	}
	_, created, err := e.campaigns.Create(t.Context(), c)
	require.NoError(t, err)
	require.True(t, created)
	return c
}

func urlPathEscape(s string) string { return url.PathEscape(s) }

// undecodable is a query answer whose payload cannot be read into a CampaignState.
type undecodable struct{ converter.EncodedValue }

func (undecodable) HasValue() bool         { return true }
func (undecodable) Get(valuePtr any) error { return errors.New("payload encoding: unknown") }
