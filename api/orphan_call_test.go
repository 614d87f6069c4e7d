package api_test

import (
	"log/slog"
	"net/http"
	"runtime"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// crashAtNextStart makes the next workflow start never return to the API: the request's
// goroutine ends there, as a killed process would, running nothing after.
func (e *testEnv) crashAtNextStart(t *testing.T, request func()) {
	t.Helper()
	e.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).
		Run(func(mock.Arguments) { runtime.Goexit() }).Once()
	died := make(chan struct{})
	go func() {
		defer close(died)
		request()
	}()
	<-died
}

// The API dies between a call's row and its workflow's start, and again between a CTAI
// request's row and its workflow's start. Both are stored with their start intent and
// count nowhere: the call is in no list and accepts no dossier, the request is in no
// summary. The reconciler starts both, once, calls first; from then on they count.
func TestACallAndACTAIRequestLeftWithoutTheirWorkflowAreStartedByTheReconciler(t *testing.T) {
	e := newEnv(t)
	e.crashAtNextStart(t, func() { e.postCampaign(t, validBody().json(t)) })
	e.crashAtNextStart(t, func() { e.postCTAI(t, ctaiBody()) })

	var call models.Campaign
	require.NoError(t, e.db.First(&call).Error, "the call's row was written before the crash")
	assert.True(t, call.WorkflowPending)
	var request models.CTAIRequest
	require.NoError(t, e.db.First(&request).Error, "the request's row was written before the crash")
	assert.True(t, request.WorkflowPending)

	list := e.get(t, "/api/v1/campaigns")
	require.Equal(t, http.StatusOK, list.Code, list.Body.String())
	assert.EqualValues(t, 0, decodeObject(t, list)["total"], "a call without its workflow is in no list")
	year, err := store.NewCTAIRequests(e.db).ListYear(t.Context(), request.Year)
	require.NoError(t, err)
	assert.Empty(t, year, "nor is a CTAI request in the year's summary")
	require.NoError(t, e.db.Model(&models.Campaign{}).Where("id = ?", call.ID).
		Updates(map[string]any{"publish_at": fixedNow.Add(-time.Hour)}).Error)
	requireProblem(t, e.do(t, http.MethodPost, "/api/v1/campaigns/"+call.ID+"/applications", dossierBody().json(t)),
		http.StatusConflict, "campaign_not_started")
	var dossiers int64
	require.NoError(t, e.db.Model(&models.Application{}).Count(&dossiers).Error)
	assert.Zero(t, dossiers, "the call accepts no dossier before its workflow runs")

	log := slog.New(slog.DiscardHandler)
	now := func() time.Time { return fixedNow }
	rec := &api.PendingStarts{
		Campaigns: &api.CampaignService{Temporal: e.temporal, Campaigns: e.campaigns, Policies: e.policies, Now: now, Logger: log},
		Applications: &api.ApplicationService{Temporal: e.temporal, Campaigns: e.campaigns,
			Applications: store.NewApplications(e.db), Now: now, Logger: log},
		CTAI: &api.CTAIService{Temporal: e.temporal, Requests: store.NewCTAIRequests(e.db), Policies: e.policies, Now: now, Logger: log},
	}
	n, err := rec.StartPending(t.Context(), call.CreatedAt)
	require.NoError(t, err)
	assert.Zero(t, n, "too recent: a request may still be starting it")

	e.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).Return(&mocks.WorkflowRun{}, nil).Twice()
	n, err = rec.StartPending(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	n, err = rec.StartPending(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "started once")
	starts := e.starts(t)
	require.Len(t, starts, 4, "the two starts the crashes interrupted, then the reconciler's")
	assert.Equal(t, call.WorkflowID, starts[2].options.ID, "calls first")
	assert.Equal(t, request.WorkflowID, starts[3].options.ID)

	list = e.get(t, "/api/v1/campaigns")
	assert.EqualValues(t, 1, decodeObject(t, list)["total"])
	year, err = store.NewCTAIRequests(e.db).ListYear(t.Context(), request.Year)
	require.NoError(t, err)
	assert.Len(t, year, 1)
}

// A call and a CTAI request whose workflow started are not left pending.
func TestAFiledCallAndCTAIRequestAreNotLeftPending(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	require.Equal(t, http.StatusCreated, e.postCampaign(t, validBody().json(t)).Code)
	require.Equal(t, http.StatusCreated, e.postCTAI(t, ctaiBody()).Code)
	calls, err := e.campaigns.StartPending(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, calls)
	requests, err := store.NewCTAIRequests(e.db).StartPending(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, requests)
}

func dossierBody() body {
	return body{
		"association": map[string]any{"siret": "73282932000074", "name": "Accueil Rhône",
			"email": "contact@accueil-rhone.example.org", "cer_signed": true},
		"project": map[string]any{"title": "Ateliers sociolinguistiques", "theme": "langue", "description": "Ateliers de français pour des signataires du CIR.",
			"requested_eur": 5000, "total_budget_eur": 30000, "beneficiaries": map[string]any{"bpi": 20, "non_bpi": 40}},
	}
}
