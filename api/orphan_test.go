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
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// The API dies between the dossier's row and its workflow's start (the Temporal call never
// returns to it: the goroutine ends there, as a killed process would, running nothing
// after). The dossier is stored with its start intent and counts nowhere: not in the
// closure summary, not in the committee's list. The reconciler then starts its workflow,
// once, and from then on it counts; running the reconciler again starts nothing.
func TestADossierLeftWithoutItsWorkflowIsStartedByTheReconcilerAndCountsOnlyThen(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished,
		publishAt: fixedNow.Add(-24 * time.Hour), closeAt: fixedNow.Add(30 * 24 * time.Hour)})
	e.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).
		Run(func(mock.Arguments) { runtime.Goexit() }).Once()
	app := body{
		"association": map[string]any{"siret": "73282932000074", "name": "Accueil Rhône",
			"email": "contact@accueil-rhone.example.org", "cer_signed": true},
		"project": map[string]any{"title": "Ateliers sociolinguistiques", "theme": "langue", "description": "Ateliers de français pour des signataires du CIR.",
			"requested_eur": 5000, "total_budget_eur": 30000, "beneficiaries": map[string]any{"bpi": 20, "non_bpi": 40}},
	}
	died := make(chan struct{})
	go func() {
		defer close(died)
		e.do(t, http.MethodPost, "/api/v1/campaigns/"+c.ID+"/applications", app.json(t))
	}()
	<-died

	applications := store.NewApplications(e.db)
	var stored models.Application
	require.NoError(t, e.db.Where("campaign_id = ?", c.ID).First(&stored).Error, "the row was written before the crash")
	assert.True(t, stored.WorkflowPending)
	summary, err := applications.Summary(t.Context(), c.ID)
	require.NoError(t, err)
	assert.Zero(t, summary.Count, "the closure summary does not count a dossier without workflow")
	assert.Zero(t, summary.RequestedCents)
	all, err := applications.All(t.Context(), c.ID)
	require.NoError(t, err)
	assert.Empty(t, all, "nor does the committee's list")

	svc := &api.ApplicationService{Temporal: e.temporal, Campaigns: store.NewCampaigns(e.db), Applications: applications,
		Now: func() time.Time { return fixedNow }, Logger: slog.New(slog.DiscardHandler)}
	// Too recent: a request may still be starting it.
	n, err := svc.StartPending(t.Context(), stored.CreatedAt)
	require.NoError(t, err)
	assert.Zero(t, n)

	run := &mocks.WorkflowRun{}
	e.temporal.On("ExecuteWorkflow", mock.Anything, mock.MatchedBy(func(o client.StartWorkflowOptions) bool {
		return o.ID == stored.WorkflowID
	}), mock.Anything, mock.Anything).Return(run, nil).Once()
	n, err = svc.StartPending(t.Context(), stored.CreatedAt.Add(time.Second))
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	n, err = svc.StartPending(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Zero(t, n, "started once")
	assert.Len(t, e.starts(t), 2, "the start the crash interrupted, then the reconciler's")

	summary, err = applications.Summary(t.Context(), c.ID)
	require.NoError(t, err)
	assert.EqualValues(t, 1, summary.Count)
	assert.EqualValues(t, 500_000, summary.RequestedCents)
	all, err = applications.All(t.Context(), c.ID)
	require.NoError(t, err)
	assert.Len(t, all, 1)
}

// A dossier whose workflow started is not pending: the reconciler has nothing to do.
func TestAFiledDossierIsNotLeftPending(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished,
		publishAt: fixedNow.Add(-24 * time.Hour), closeAt: fixedNow.Add(30 * 24 * time.Hour)})
	app := body{
		"association": map[string]any{"siret": "73282932000074", "name": "Accueil Rhône",
			"email": "contact@accueil-rhone.example.org", "cer_signed": true},
		"project": map[string]any{"title": "Ateliers sociolinguistiques", "theme": "langue", "description": "Ateliers de français pour des signataires du CIR.",
			"requested_eur": 5000, "total_budget_eur": 30000, "beneficiaries": map[string]any{"bpi": 20, "non_bpi": 40}},
	}
	rec := e.do(t, http.MethodPost, "/api/v1/campaigns/"+c.ID+"/applications", app.json(t))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	pending, err := store.NewApplications(e.db).StartPending(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, pending)
}
