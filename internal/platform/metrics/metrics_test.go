package metrics_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/platform/metrics"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

func scrape(t *testing.T, m *metrics.Metrics) string {
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	require.Equal(t, http.StatusOK, rec.Code)
	b, err := io.ReadAll(rec.Body)
	require.NoError(t, err)
	return string(b)
}

func TestHTTPMetricsUseTheRouteTemplate(t *testing.T) {
	m := metrics.New()
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	r.Use(m.Middleware())
	r.GET("/api/v1/campaigns/:id", func(c *gin.Context) { c.Status(http.StatusNoContent) })
	for _, path := range []string{"/api/v1/campaigns/a", "/api/v1/campaigns/b", "/nowhere"} {
		r.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	out := scrape(t, m)
	assert.Contains(t, out, `aap_http_requests_total{method="GET",route="/api/v1/campaigns/:id",status="204"} 2`)
	assert.Contains(t, out, `aap_http_requests_total{method="GET",route="unmatched",status="404"} 1`)
	assert.Contains(t, out, `aap_http_request_duration_seconds_count{method="GET",route="/api/v1/campaigns/:id"} 2`)
	assert.NotContains(t, out, "/api/v1/campaigns/a", "IDs never become labels")
}

func TestWorkflowsAndEmailsFromTheDatabase(t *testing.T) {
	db := storetest.SQLite(t)
	m := metrics.New()
	require.NoError(t, m.WatchDatabase(db))
	assert.NotContains(t, scrape(t, m), `aap_workflows{`, "nothing yet")

	for i, phase := range []string{models.PhasePublished, models.PhasePublished, models.PhaseClosed} {
		id := string(rune('a' + i))
		require.NoError(t, db.Create(&models.Campaign{ID: id, WorkflowID: "campaign-" + id, Phase: phase}).Error)
	}
	now := time.Now()
	require.NoError(t, db.Create(&models.Email{Key: "k1", State: models.EmailSent, SentAt: &now}).Error)
	require.NoError(t, db.Create(&models.Email{Key: "k2", State: models.EmailFailed}).Error)
	out := scrape(t, m)
	assert.Contains(t, out, `aap_workflows{phase="published",type="campaign"} 2`)
	assert.Contains(t, out, `aap_workflows{phase="closed",type="campaign"} 1`)
	assert.Contains(t, out, `aap_emails{state="sent"} 1`)
	assert.Contains(t, out, `aap_emails{state="failed"} 1`)
	assert.Contains(t, out, `aap_metrics_database_errors 0`)
}

func TestTemporalSDKMetrics(t *testing.T) {
	m := metrics.New()
	h := m.SDKHandler().WithTags(map[string]string{"namespace": "default", "task_queue": "aap"})
	h.Counter("temporal_request").Inc(3)
	h.WithTags(map[string]string{"operation": "Poll"}).Counter("temporal_request").Inc(1) // a tag the first use lacked: dropped
	h.Gauge("temporal_worker_task_slots_available").Update(7)
	h.Timer("temporal_workflow_task_execution_latency").Record(20 * time.Millisecond)
	m.SDKHandler().Counter("temporal_request").Inc(-1) // ignored: counters only grow
	out := scrape(t, m)
	assert.Contains(t, out, `temporal_request{namespace="default",task_queue="aap"} 4`)
	assert.Contains(t, out, `temporal_worker_task_slots_available{namespace="default",task_queue="aap"} 7`)
	assert.Contains(t, out, `temporal_workflow_task_execution_latency_count{namespace="default",task_queue="aap"} 1`)
}
