package engine

import (
	"bytes"
	"context"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/worker"
	"github.com/dian-p104/aap/workflows"
)

// A whole evaluation year (§8.4), with time skipping: the real activities on
// SQLite and an SMTP listener, the API on the same database. The 2027
// questionnaire evaluates the actions funded in 2026: the list on 15 March,
// invitations on 31 March, one structure answers through the API, one through
// a LimeSurvey CSV import, the third never; reminders go only to those who have
// not answered; the closure on 31 May records who missed. A 2027 selection then
// refuses the non-respondent under the 2025 rule (one miss blocks) and accepts
// it under the 2024 rule (two consecutive misses needed). Two of them filed a 2027
// dossier on 10 April, blocked provisionally: the closure confirms one block, lifts the other.
func TestPNEWholeYearThenNextSelection(t *testing.T) {
	db := storetest.SQLite(t)
	catcher, err := mailcatcher.Start(mailcatcher.Options{Addr: "127.0.0.1:0", Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = catcher.Close() })
	host, port, _ := net.SplitHostPort(catcher.Addr())
	p, _ := strconv.Atoi(port)
	outbox, err := mail.NewOutbox(db, mail.NewSMTPSender(config.SMTP{Host: host, Port: p, TLS: config.TLSNone}), "AAP <no-reply@aap.localhost>")
	require.NoError(t, err)
	pols, err := loadPolicies(config.Config{})
	require.NoError(t, err)
	p2024, err := pols.ForYear(2024)
	require.NoError(t, err)
	p2025, err := pols.ForYear(2025)
	require.NoError(t, err)
	log := slog.New(slog.DiscardHandler)

	// 2026: three structures funded in the Rhône.
	funded := seedYearCampaign(t, db, 2026, models.PhaseSelected, p2025)
	keys := []string{"siret:11", "siret:22", "siret:33"}
	for i, key := range keys {
		seedYearDossier(t, db, funded, key, "Structure "+strconv.Itoa(i+1), "structure"+strconv.Itoa(i+1)+"@example.org", "retenu")
	}

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestWorkflowEnvironment()
	env.SetStartTime(time.Date(2027, time.January, 2, 10, 0, 0, 0, french.Paris))
	// The real activities heartbeat, as on a worker. The delayed callbacks below run API
	// requests (SQLite writes) on the workflow's goroutine: no false deadlock on a busy machine.
	opts := worker.Options()
	opts.DeadlockDetectionTimeout = time.Minute
	env.SetWorkerOptions(opts)
	acts := &activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		PNE: store.NewPNEStructures(db), PNEResults: store.NewPNEResults(db), FinancialReports: store.NewFinancialReports(db),
		Outbox: outbox, DIANEmail: "dian@aap.localhost", Logger: log}
	env.RegisterActivity(acts)
	router := yearRouter(db, pols, env.Now, log)
	secret, _, err := auth.Issue(context.Background(), store.NewTokens(db), auth.NewToken{Name: "DIAN (test)", Role: auth.RoleDIAN},
		time.Date(2026, time.December, 1, 9, 0, 0, 0, time.UTC))
	require.NoError(t, err)
	call := func(router http.Handler, method, path, contentType, body string) *httptest.ResponseRecorder {
		return callAs(router, secret, method, path, contentType, body)
	}

	token := func(key string) (uint64, string) {
		var s models.PNEStructure
		require.NoError(t, db.Where("year = ? AND association_key = ?", 2027, key).Take(&s).Error)
		return s.ID, s.Token
	}
	// 5 April: the first structure's answer is recorded through the API.
	env.RegisterDelayedCallback(func() {
		id, _ := token("siret:11")
		rec := call(router, http.MethodPut, "/api/v1/pne/2027/structures/"+strconv.FormatUint(id, 10), "application/json", `{"answered": true}`)
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	}, time.Date(2027, time.April, 5, 10, 0, 0, 0, french.Paris).Sub(env.Now()))
	// 20 April (after the first reminder): the second's through a LimeSurvey CSV export.
	env.RegisterDelayedCallback(func() {
		_, tok := token("siret:22")
		rec := call(router, http.MethodPost, "/api/v1/pne/2027/responses", "text/csv", "token,submitdate\n"+tok+",2027-04-19 18:30:00\n")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	}, time.Date(2027, time.April, 20, 10, 0, 0, 0, french.Paris).Sub(env.Now()))

	// 10 April: two of them file a dossier in a 2027 call (2025 rule: the 2027 questionnaire
	// counts); neither has answered yet, so both are blocked provisionally until 31 May.
	open := seedYearCampaign(t, db, 2027, models.PhasePublished, p2025)
	filed := map[string]*models.Application{}
	env.RegisterDelayedCallback(func() {
		for _, key := range []string{"siret:22", "siret:33"} {
			filed[key] = seedYearDossier(t, db, open, key, "Structure "+key, "dossier-"+key[6:]+"@asso.example", "")
			check, err := acts.CheckRenewal(context.Background(), activities.ApplicationRef{ApplicationID: filed[key].ID, WorkflowID: filed[key].WorkflowID})
			require.NoError(t, err)
			require.Equal(t, []string{models.BlockPNE}, check.Provisional, key)
		}
	}, time.Date(2027, time.April, 10, 10, 0, 0, 0, french.Paris).Sub(env.Now()))

	env.ExecuteWorkflow(workflows.PNEWorkflow, workflows.PNEInput{Year: 2027, Policy: p2025, SurveyURL: "https://enquetes.example/pne"})
	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res workflows.PNEWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, workflows.PNEWorkflowResult{Phase: workflows.PNEPhaseClosed, Structures: 3, Answered: 2}, res)

	// Invitations to all three; reminder 1 (14 April) to the two without an
	// answer; reminders 2 to 4 to the non-respondent only.
	received := map[string][]string{}
	msgs, err := catcher.List()
	require.NoError(t, err)
	for _, m := range msgs {
		for _, to := range m.To {
			received[to] = append(received[to], m.Subject)
		}
	}
	count := func(to, prefix string) int {
		n := 0
		for _, s := range received[to] {
			if strings.HasPrefix(s, prefix) {
				n++
			}
		}
		return n
	}
	require.Equal(t, 0, count("structure1@example.org", "Rappel"), "answered before the first reminder")
	require.Equal(t, 1, count("structure2@example.org", "Rappel"), "reminded once, then answered by CSV")
	require.Equal(t, 4, count("structure3@example.org", "Rappel"), "reminded until the closure")
	for _, to := range []string{"structure1@example.org", "structure2@example.org", "structure3@example.org"} {
		require.Equal(t, len(received[to])-count(to, "Rappel"), 1, "one invitation to %s", to)
	}

	missed, err := store.NewPNEResults(db).MissedYears(context.Background(), keys)
	require.NoError(t, err)
	require.Equal(t, map[string][]int{"siret:33": {2027}}, missed, "the closure records the one who missed")

	// The closure rechecked the provisional blocks: confirmed for the one who missed,
	// lifted for the one who answered on 19 April; each porteur and the correspondent told.
	blocks := func(key string) models.RenewalBlock {
		b, err := store.NewFinancialReports(db).Blocks(context.Background(), filed[key].ID)
		require.NoError(t, err)
		require.Len(t, b, 1)
		return b[0]
	}
	confirmed, lifted := blocks("siret:33"), blocks("siret:22")
	require.False(t, confirmed.Provisional)
	require.Nil(t, confirmed.LiftedAt)
	require.NotNil(t, confirmed.RecheckedAt)
	require.False(t, lifted.Provisional)
	require.NotNil(t, lifted.LiftedAt)
	require.Equal(t, 1, count("dossier-33@asso.example", "Blocage confirmé à la clôture du PNE 2026"))
	require.Equal(t, 1, count("dossier-22@asso.example", "Blocage levé à la clôture du PNE 2026"))
	require.Equal(t, 1, count("ddets@example.gouv.fr", "Blocage confirmé"))
	require.Equal(t, 1, count("ddets@example.gouv.fr", "Blocage levé"))
	rec := call(router, http.MethodGet, "/api/v1/pne/2027", "", "")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Contains(t, rec.Body.String(), `"answered":2`)

	// The next selection (2027 calls, closed): the non-respondent retained.
	for _, tc := range []struct {
		pol    policy.Policy
		status int
	}{{p2025, http.StatusUnprocessableEntity}, {p2024, http.StatusOK}} {
		c := seedYearCampaign(t, db, 2027, models.PhaseClosed, tc.pol)
		app := seedYearDossier(t, db, c, "siret:33", "Structure 3", "structure3@example.org", "")
		body := `{"decisions": [{"application_id": "` + app.ID + `", "decision": "retenu", "granted_eur": 5000, "score": 70}]}`
		rec := call(router, http.MethodPost, "/api/v1/campaigns/"+c.ID+"/selection?dry_run=true", "application/json", body)
		require.Equal(t, tc.status, rec.Code, "policy %s: %s", tc.pol.Name, rec.Body.String())
		if tc.status != http.StatusOK {
			require.Contains(t, rec.Body.String(), `"rule":"pne_blocked"`)
			require.Contains(t, rec.Body.String(), "PNE 2026 (envoyé en 2027)")
		}
	}
}

func seedYearCampaign(t *testing.T, db *gorm.DB, year int, phase string, pol policy.Policy) *models.Campaign {
	t.Helper()
	c := &models.Campaign{ID: uuid.NewString(), Year: year, Level: models.LevelDepartmental, Territory: "69",
		Title: "Appel " + strconv.Itoa(year), BudgetCents: 10_000_000, Themes: []string{"langue"}, ContactEmail: "ddets@example.gouv.fr",
		PolicyName: pol.Name, Policy: pol, Phase: phase}
	c.WorkflowID = workflows.CampaignWorkflowID(year, c.Level, c.Territory, c.ID)
	require.NoError(t, db.Create(c).Error)
	return c
}

func seedYearDossier(t *testing.T, db *gorm.DB, c *models.Campaign, key, name, email, decision string) *models.Application {
	t.Helper()
	app := &models.Application{ID: uuid.NewString(), CampaignID: c.ID, Year: c.Year, AssociationKey: key, AssociationName: name,
		AssociationEmail: email, Title: "Ateliers de français", TitleKey: "ateliers de francais", Theme: "langue",
		RequestedCents: 1_000_000, BeneficiariesNonBPI: 20, Decision: decision, CERSigned: true}
	if decision == "retenu" {
		decided := time.Date(c.Year, 7, 1, 10, 0, 0, 0, time.UTC)
		app.DecidedAt, app.GrantedCents = &decided, 1_000_000
	}
	app.WorkflowID = workflows.ApplicationWorkflowID(c.WorkflowID, app.ID)
	require.NoError(t, db.Create(app).Error)
	if decision == "retenu" { // its convention signed: §8.4 lists the structures that benefited
		require.NoError(t, db.Create(&models.Convention{ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: c.ID,
			Reference: "CONV-" + app.ID, State: models.ConventionSigned}).Error)
	}
	return app
}

func yearRouter(db *gorm.DB, pols *policy.Set, now func() time.Time, log *slog.Logger) *gin.Engine {
	tc := &mocks.Client{} // the dry-run selection and the PNE routes never ask Temporal
	campaigns := &api.CampaignService{Temporal: tc, Campaigns: store.NewCampaigns(db), Policies: pols, Now: now, Logger: log}
	return api.NewRouter(api.Deps{
		Campaigns: campaigns,
		Selection: &api.SelectionService{Temporal: tc, Campaigns: campaigns, Applications: store.NewApplications(db),
			PNE: store.NewPNEResults(db), Reports: store.NewFinancialReports(db)},
		PNE: &api.PNEService{Structures: store.NewPNEStructures(db), Policies: pols, Now: now, Logger: log},
		DB:  db, Temporal: tc, Logger: log,
	})
}

// callAs sends one request with a bearer token.
func callAs(router http.Handler, bearer, method, path, contentType, body string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, bytes.NewReader([]byte(body)))
	req.Header.Set("Authorization", "Bearer "+bearer)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	rec := httptest.NewRecorder()
	router.ServeHTTP(rec, req)
	return rec
}
