package api_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// countSelects counts the SELECTs on each table while the test runs.
func (e *testEnv) countSelects(t *testing.T) func(table string) int {
	t.Helper()
	var mu sync.Mutex
	counts := map[string]int{}
	require.NoError(t, e.db.Callback().Query().Before("gorm:query").Register("test:count_selects", func(d *gorm.DB) {
		mu.Lock()
		defer mu.Unlock()
		counts[d.Statement.Table]++
	}))
	t.Cleanup(func() { _ = e.db.Callback().Query().Remove("test:count_selects") })
	return func(table string) int {
		mu.Lock()
		defer mu.Unlock()
		return counts[table]
	}
}

// GET a call and GET a dossier read its row once: the access check's read serves
// the handler. A write (the selection, a cancellation) still reads its rows itself.
func TestGetReadsTheRowOnce(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished, createdAt: fixedNow})
	a := e.seedApplication(t, c, "langue", 500_000)
	selects := e.countSelects(t)

	require.Equal(t, http.StatusOK, e.get(t, "/api/v1/campaigns/"+c.ID).Code)
	assert.Equal(t, 1, selects("campaigns"), "GET a call")

	require.Equal(t, http.StatusOK, e.get(t, "/api/v1/applications/"+a.ID).Code)
	assert.Equal(t, 1, selects("applications"), "GET a dossier")
	assert.Equal(t, 2, selects("campaigns"), "its call's territory, for the access check")

	require.Equal(t, http.StatusOK, e.get(t, "/api/v1/campaigns/"+c.ID+"/applications").Code)
	assert.Equal(t, 3, selects("campaigns"), "a call's dossier list reads the call once")
}

// A live read (?live=1) that falls back to the database says why: the workflow did
// not answer in time, or could not be asked; a live answer carries no fallback.
func TestGetSaysWhyTheStateFellBack(t *testing.T) {
	for name, tc := range map[string]struct {
		err    error
		reason string
	}{
		"deadline":    {context.DeadlineExceeded, "timeout"},
		"query error": {errors.New("workflow not found"), "unavailable"},
	} {
		t.Run(name, func(t *testing.T) {
			e := newEnv(t)
			c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished, createdAt: fixedNow})
			a := e.seedApplication(t, c, "langue", 500_000)
			e.temporal.On("QueryWorkflow", mock.Anything, mock.Anything, "", mock.Anything).Return(nil, tc.err)
			for _, path := range []string{"/api/v1/campaigns/" + c.ID + "?live=1", "/api/v1/applications/" + a.ID + "?live=1"} {
				got := decodeObject(t, e.get(t, path))
				assert.Equal(t, "database", got["state_source"], path)
				assert.Equal(t, tc.reason, got["state_fallback"], path)
			}
		})
	}
	t.Run("live", func(t *testing.T) {
		e := newEnv(t)
		e.acceptStarts()
		created := e.createCampaign(t, validBody().json(t))
		e.answerStateQuery(t, created["workflow_id"].(string), workflows.CampaignState{Phase: models.PhasePublished})
		got := decodeObject(t, e.get(t, "/api/v1/campaigns/"+created["id"].(string)+"?live=1"))
		assert.Equal(t, "workflow", got["state_source"])
		assert.NotContains(t, got, "state_fallback")
	})
}

// GET a call or a dossier answers the state recorded in the database, and when it
// was recorded, without asking any workflow; ?live=0 is the same, a bad live is a
// 422 naming it.
func TestGetAnswersTheRecordedStateWithoutAskingTheWorkflow(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseScheduled, createdAt: fixedNow})
	a := e.seedApplication(t, c, "langue", 500_000)
	published := fixedNow.Add(time.Hour)
	require.NoError(t, store.NewCampaigns(e.db).RecordPhase(context.Background(), c.ID, models.PhasePublished, published))

	for _, suffix := range []string{"", "?live=0", "?live=false"} {
		got := decodeObject(t, e.get(t, "/api/v1/campaigns/"+c.ID+suffix))
		assert.Equal(t, "published", got["state"], suffix)
		assert.Equal(t, "database", got["state_source"], suffix)
		assert.Equal(t, published.UTC().Format(time.RFC3339), got["state_recorded_at"], suffix)
		assert.NotContains(t, got, "state_fallback", suffix)
	}
	got := decodeObject(t, e.get(t, "/api/v1/applications/"+a.ID))
	assert.Equal(t, "under_review", got["state"])
	assert.Equal(t, "database", got["state_source"])
	assert.NotEmpty(t, got["state_recorded_at"], "recorded at its filing")
	assert.NotContains(t, got, "acknowledged", "only the workflow knows it: ?live=1")
	e.temporal.AssertNumberOfCalls(t, "QueryWorkflow", 0)

	for _, path := range []string{"/api/v1/campaigns/" + c.ID + "?live=yes", "/api/v1/applications/" + a.ID + "?live=2"} {
		requireFields(t, e.get(t, path), fieldRule{"live", "enum"})
	}
	e.temporal.AssertNumberOfCalls(t, "QueryWorkflow", 0)
}

// A filing reads its call once outside its transaction: the access check's read serves
// openCampaign (before, both read it), and the dossier is not left pending.
func TestFilingReadsItsCallOnce(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished,
		publishAt: fixedNow.Add(-24 * time.Hour), closeAt: fixedNow.Add(30 * 24 * time.Hour)})
	selects := e.countSelects(t)
	app := body{
		"association": map[string]any{"siret": "73282932000074", "name": "Accueil Rhône",
			"email": "contact@accueil-rhone.example.org", "cer_signed": true},
		"project": map[string]any{"title": "Ateliers sociolinguistiques", "theme": "langue", "description": "Ateliers de français pour des signataires du CIR.",
			"requested_eur": 5000, "total_budget_eur": 30000, "beneficiaries": map[string]any{"bpi": 20, "non_bpi": 40}},
	}
	rec := e.do(t, http.MethodPost, "/api/v1/campaigns/"+c.ID+"/applications", app.json(t))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Equal(t, 2, selects("campaigns"), "the access check's read, taken by the filing, and the "+
		"reference's year and territory in the insert's transaction")
	pending, err := store.NewApplications(e.db).StartPending(t.Context(), time.Now().Add(time.Hour))
	require.NoError(t, err)
	assert.Empty(t, pending)
}
