package api_test

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

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
	e.temporal.On("QueryWorkflow", mock.Anything, mock.Anything, "", mock.Anything).Return(nil, errors.New("unavailable"))
	selects := e.countSelects(t)

	require.Equal(t, http.StatusOK, e.get(t, "/api/v1/campaigns/"+c.ID).Code)
	assert.Equal(t, 1, selects("campaigns"), "GET a call")

	require.Equal(t, http.StatusOK, e.get(t, "/api/v1/applications/"+a.ID).Code)
	assert.Equal(t, 1, selects("applications"), "GET a dossier")
	assert.Equal(t, 2, selects("campaigns"), "its call's territory, for the access check")

	require.Equal(t, http.StatusOK, e.get(t, "/api/v1/campaigns/"+c.ID+"/applications").Code)
	assert.Equal(t, 3, selects("campaigns"), "a call's dossier list reads the call once")
}

// A state read from the database says why: the workflow did not answer in time,
// or could not be asked; a live answer carries no fallback.
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
			for _, path := range []string{"/api/v1/campaigns/" + c.ID, "/api/v1/applications/" + a.ID} {
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
		got := decodeObject(t, e.get(t, "/api/v1/campaigns/"+created["id"].(string)))
		assert.Equal(t, "workflow", got["state_source"])
		assert.NotContains(t, got, "state_fallback")
	})
}
