package activities_test

import (
	"errors"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/connector/ds/dstest"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

var (
	dsPublish = time.Date(2027, 3, 1, 8, 0, 0, 0, time.UTC)
	dsClose   = time.Date(2027, 5, 31, 21, 59, 59, 0, time.UTC)
)

// dsWorld is a call taking its dossiers from a fake DS démarche, the API's creation
// service filing them (its workflow starts accepted by a mocked Temporal client).
type dsWorld struct {
	db       *gorm.DB
	fake     *dstest.Server
	acts     *activities.Activities
	env      *testsuite.TestActivityEnvironment
	campaign *models.Campaign
	temporal *mocks.Client
}

func newDSWorld(t *testing.T) *dsWorld {
	t.Helper()
	db := storetest.SQLite(t)
	log := slog.New(slog.DiscardHandler)
	fake := dstest.New(t, 4242, "jeton-ds", dstest.Descriptors())
	campaigns, applications := store.NewCampaigns(db), store.NewApplications(db)
	c := &models.Campaign{ID: "c-ds", WorkflowID: "aap/2027/dep-69/c-ds", Year: 2027, Level: models.LevelDepartmental, Territory: "69",
		Title: "Intégration dans le Rhône", BudgetCents: 25_000_000, Themes: []string{"langue", "emploi"}, PublishAt: dsPublish, CloseAt: dsClose,
		AGIRArticulation: "x", Indicators: []string{"x"}, EvaluationCriteria: []string{"x"}, ContactEmail: "ddets@rhone.gouv.fr",
		PolicyName: "2027", Phase: models.PhasePublished, DSDemarche: 4242,
		DS: &models.DSConnector{Demarche: 4242, InstructeurID: "SW5zdHJ1Y3RldXItNw==", Mapping: dstest.Mapping()}}
	_, _, err := campaigns.Create(t.Context(), c)
	require.NoError(t, err)
	tc := &mocks.Client{}
	tc.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(&mocks.WorkflowRun{}, nil).Maybe()
	acts := &activities.Activities{Campaigns: campaigns, Applications: applications, Logger: log,
		DS: ds.New(fake.URL, "jeton-ds"), DSConnectors: store.NewDSConnectors(db), DSPageSize: 2,
		Filer: &api.ApplicationService{Temporal: tc, Campaigns: campaigns, Applications: applications,
			Reports: store.NewFinancialReports(db), Now: time.Now, Logger: log}}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	return &dsWorld{db: db, fake: fake, acts: acts, env: env, campaign: c, temporal: tc}
}

func (w *dsWorld) pull(t *testing.T) (activities.DSPullResult, error) {
	t.Helper()
	var res activities.DSPullResult
	v, err := w.env.ExecuteActivity(w.acts.PullDemarche, activities.DSPullInput{CampaignID: w.campaign.ID})
	if err == nil {
		require.NoError(t, v.Get(&res))
	}
	return res, err
}

func (w *dsWorld) connector(t *testing.T) *models.DSConnector {
	t.Helper()
	c, err := w.acts.DSConnectors.Get(t.Context(), w.campaign.ID)
	require.NoError(t, err)
	return c
}

func (w *dsWorld) filed(t *testing.T) []models.Application {
	t.Helper()
	var apps []models.Application
	require.NoError(t, w.db.Where("campaign_id = ?", w.campaign.ID).Order("ds_number").Find(&apps).Error)
	return apps
}

func (w *dsWorld) workflowStarts() int {
	n := 0
	for _, c := range w.temporal.Calls {
		if c.Method == "ExecuteWorkflow" {
			n++
		}
	}
	return n
}

// Three dossiers filed through the API's service with DS's deposit time, one refused
// by the rules listed with its DS number and each field's French error, one deposited
// after the closure refused hors délais; the cursor walks the pages of two.
func TestPullDemarcheFilesAndListsRefusals(t *testing.T) {
	w := newDSWorld(t)
	depot := time.Date(2027, 4, 2, 10, 0, 0, 0, time.UTC)
	for n, title := range map[int]string{101: "Ateliers sociolinguistiques", 102: "Cours de français langue étrangère", 103: "Permanences emploi"} {
		w.fake.Put(dstest.ValidAnswers(title).Dossier(n, ds.StateEnConstruction, depot.Add(time.Duration(n)*time.Minute)))
	}
	bad := dstest.ValidAnswers("Projet sans contrat")
	bad.CERSigned, bad.Requested = false, 40000 // over its budget of 30 000 €
	w.fake.Put(bad.Dossier(104, ds.StateEnConstruction, depot.Add(104*time.Minute)))
	// §2.2.1: one second after the closure is hors délais, whenever it is pulled.
	w.fake.Put(dstest.ValidAnswers("Projet tardif").Dossier(105, ds.StateEnConstruction, dsClose.Add(time.Second)))

	res, err := w.pull(t)
	require.NoError(t, err)
	assert.Equal(t, activities.DSPullResult{Filed: 3, Refused: 2}, res)
	assert.Equal(t, 3, w.fake.Requests("getDossiers"), "5 dossiers in pages of 2")

	apps := w.filed(t)
	require.Len(t, apps, 3)
	assert.Equal(t, 101, *apps[0].DSNumber)
	assert.Equal(t, "langue", apps[0].Theme, "DS's drop-down label is the theme's code")
	assert.True(t, apps[0].CreatedAt.Equal(depot.Add(101*time.Minute)), "deposit time is DS's dateDepot: %v", apps[0].CreatedAt)
	assert.Equal(t, int64(1_500_000), apps[0].RequestedCents)
	assert.Equal(t, 3, w.workflowStarts(), "each filed dossier's workflow started")

	refusals, err := w.acts.DSConnectors.Refusals(t.Context(), w.campaign.ID)
	require.NoError(t, err)
	require.Len(t, refusals, 2)
	assert.Equal(t, 104, refusals[0].DSNumber)
	rules := map[string]models.ConnectorFieldError{}
	for _, e := range refusals[0].Errors {
		rules[e.Field+"/"+e.Rule] = e
	}
	require.Contains(t, rules, "association.cer_signed/required_true")
	assert.Equal(t, "Contrat d'engagement républicain signé", rules["association.cer_signed/required_true"].Label)
	assert.Contains(t, rules["association.cer_signed/required_true"].Message, "contrat d'engagement républicain")
	require.Contains(t, rules, "project.total_budget_eur/covers_funding")
	assert.Equal(t, 105, refusals[1].DSNumber)
	assert.Equal(t, "hors_delais", refusals[1].Errors[0].Rule)
	assert.Contains(t, refusals[1].Errors[0].Message, "hors délais")

	conn := w.connector(t)
	assert.Equal(t, models.ConnectorOK, conn.State())
	assert.Empty(t, conn.Cursor, "the pull reached the last page")
	require.NotNil(t, conn.UpdatedSince)
	assert.True(t, conn.UpdatedSince.Equal(dsClose.Add(time.Second)), "the last change DS reported: %v", conn.UpdatedSince)
}

// The same DS dossier pulled again (changed in DS, or seen twice) is one dossier; a
// refused dossier corrected in DS is filed and leaves the refused list.
func TestPullDemarcheSameDossierTwiceIsOneDossier(t *testing.T) {
	w := newDSWorld(t)
	depot := time.Date(2027, 4, 2, 10, 0, 0, 0, time.UTC)
	d := dstest.ValidAnswers("Ateliers sociolinguistiques").Dossier(201, ds.StateEnConstruction, depot)
	w.fake.Put(d)
	bad := dstest.ValidAnswers("Projet à corriger")
	bad.CERSigned = false
	w.fake.Put(bad.Dossier(202, ds.StateEnConstruction, depot))
	_, err := w.pull(t)
	require.NoError(t, err)

	d.UpdatedAt = depot.Add(time.Hour) // changed in DS since: pulled again
	w.fake.Put(d)
	bad.CERSigned = true
	fixed := bad.Dossier(202, ds.StateEnConstruction, depot)
	fixed.UpdatedAt = depot.Add(time.Hour)
	w.fake.Put(fixed)
	res, err := w.pull(t)
	require.NoError(t, err)
	assert.Equal(t, activities.DSPullResult{Filed: 1, Replayed: 1}, res)
	apps := w.filed(t)
	require.Len(t, apps, 2)
	assert.Equal(t, 202, *apps[1].DSNumber)
	refusals, err := w.acts.DSConnectors.Refusals(t.Context(), w.campaign.ID)
	require.NoError(t, err)
	assert.Empty(t, refusals, "corrected, then filed")
}

// DS fails in the middle of a pull, for a while: the failure is recorded, the cursor
// kept; when DS answers again the next pull resumes there and nothing is lost.
func TestPullDemarcheResumesAfterDSWasDown(t *testing.T) {
	w := newDSWorld(t)
	depot := time.Date(2027, 4, 2, 10, 0, 0, 0, time.UTC)
	titles := []string{"Projet un", "Projet deux", "Projet trois", "Projet quatre", "Projet cinq"}
	for i, title := range titles {
		w.fake.Put(dstest.ValidAnswers(title).Dossier(301+i, ds.StateEnConstruction, depot.Add(time.Duration(i)*time.Hour)))
	}
	w.fake.FailAfter(1, 3, http.StatusServiceUnavailable) // page 1 answers, then DS is down for 3 requests
	_, err := w.pull(t)
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, activities.ErrTypeDSUnavailable, appErr.Type())
	assert.False(t, appErr.NonRetryable())
	conn := w.connector(t)
	assert.Equal(t, models.ConnectorFailing, conn.State())
	assert.Contains(t, conn.LastError, "HTTP 503")
	assert.NotEmpty(t, conn.Cursor, "page 1 was filed: its cursor is kept")
	assert.Nil(t, conn.UpdatedSince, "updatedSince moves only when a pull reaches its last page")
	assert.Len(t, w.filed(t), 2)

	for range 2 { // still down
		_, err = w.pull(t)
		require.Error(t, err)
	}
	assert.Equal(t, 3, w.connector(t).Failures)

	res, err := w.pull(t)
	require.NoError(t, err)
	assert.Equal(t, 3, res.Filed, "resumed after page 1")
	assert.Len(t, w.filed(t), 5, "nothing lost")
	conn = w.connector(t)
	assert.Equal(t, models.ConnectorOK, conn.State())
	assert.Zero(t, conn.Failures)
	assert.Empty(t, conn.LastError)
}

// DS's rate limit: the activity's next retry waits the Retry-After DS asked for;
// a refusal (bad token) is not retried.
func TestPullDemarcheRespectsRateLimitAndRefusals(t *testing.T) {
	w := newDSWorld(t)
	w.fake.Fail(1, http.StatusTooManyRequests, "42")
	_, err := w.pull(t)
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, 42*time.Second, appErr.NextRetryDelay())

	w.acts.DS = ds.New(w.fake.URL, "jeton-révoqué")
	_, err = w.pull(t)
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable())
	assert.Equal(t, activities.ErrTypeDSRefused, appErr.Type())
}

// Decisions go to DS once: en instruction at the closure, then accepted or refused with
// the motivation; DS's state is read first, so running them again sends nothing.
func TestDSDecisionsAreSentOnce(t *testing.T) {
	w := newDSWorld(t)
	depot := time.Date(2027, 4, 2, 10, 0, 0, 0, time.UTC)
	w.fake.Put(dstest.ValidAnswers("Ateliers sociolinguistiques").Dossier(401, ds.StateEnConstruction, depot))
	w.fake.Put(dstest.ValidAnswers("Permanences emploi").Dossier(402, ds.StateEnConstruction, depot))
	_, err := w.pull(t)
	require.NoError(t, err)
	apps := w.filed(t)
	require.Len(t, apps, 2)
	run := func(activity any, app models.Application) {
		t.Helper()
		_, err := w.env.ExecuteActivity(activity, activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID})
		require.NoError(t, err)
	}
	for range 2 {
		run(w.acts.PassDSDossierEnInstruction, apps[0])
	}
	require.Len(t, w.fake.Mutations(), 1, "passed en instruction once")
	assert.Equal(t, ds.StateEnInstruction, w.fake.Get(401).State)
	assert.Equal(t, "SW5zdHJ1Y3RldXItNw==", w.fake.Mutations()[0].InstructeurID)

	require.NoError(t, w.db.Model(&models.Application{}).Where("id = ?", apps[0].ID).
		Updates(map[string]any{"decision": "retenu", "granted_cents": 1_200_000}).Error)
	require.NoError(t, w.db.Model(&models.Application{}).Where("id = ?", apps[1].ID).
		Updates(map[string]any{"decision": "non_retenu", "decision_reason": "Action déjà financée par AGIR."}).Error)
	for range 2 {
		run(w.acts.SendDSDecision, apps[0])
		run(w.acts.SendDSDecision, apps[1]) // still en construction: passed en instruction first
	}
	got := w.fake.Mutations()
	require.Len(t, got, 4, "accepted, en instruction then refused; nothing twice: %+v", got)
	assert.Equal(t, "dossierAccepter", got[1].Operation)
	assert.Equal(t, ds.StateAccepte, w.fake.Get(401).State)
	assert.Contains(t, w.fake.Get(401).Motivation, "12\u00a0000,00\u00a0€")
	assert.Equal(t, []string{"dossierPasserEnInstruction", "dossierRefuser"}, []string{got[2].Operation, got[3].Operation})
	assert.Equal(t, ds.StateRefuse, w.fake.Get(402).State)
	assert.Equal(t, "Dossier non retenu par le comité de sélection : Action déjà financée par AGIR.", w.fake.Get(402).Motivation)

	w.fake.Fail(1, http.StatusBadGateway, "")
	_, err = w.env.ExecuteActivity(w.acts.SendDSDecision, activities.ApplicationRef{ApplicationID: apps[0].ID})
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr) && !appErr.NonRetryable(), "DS down: retried")
}

// The closure summary lists the DS dossiers the rules refused, each with its errors.
func TestClosureSummaryListsRefusedDSDossiers(t *testing.T) {
	w := newDSWorld(t)
	outbox, catcher := withCatcher(t, w.db)
	w.acts.Outbox = outbox
	bad := dstest.ValidAnswers("Projet sans contrat")
	bad.CERSigned = false
	w.fake.Put(bad.Dossier(104, ds.StateEnConstruction, time.Date(2027, 4, 2, 10, 0, 0, 0, time.UTC)))
	_, err := w.pull(t)
	require.NoError(t, err)
	_, err = w.env.ExecuteActivity(w.acts.NotifyCampaignClosed, activities.CampaignRef{CampaignID: w.campaign.ID, WorkflowID: w.campaign.WorkflowID})
	require.NoError(t, err)
	got, err := catcher.WaitFor(t.Context(), 1)
	require.NoError(t, err)
	msg, err := catcher.Get(got[0].ID)
	require.NoError(t, err)
	assert.Contains(t, msg.TextBody, "Dossiers de la démarche Démarches Simplifiées n° 4242 refusés par les règles : 1")
	assert.Contains(t, msg.TextBody, "dossier DS n° 104 : « Contrat d'engagement républicain signé » : le contrat d'engagement républicain doit être signé")
}
