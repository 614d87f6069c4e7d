package bench

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCPUMSPerOp(t *testing.T) {
	v, ok := cpuMSPerOp(41.5, 72.5, 10000)
	assert.True(t, ok)
	assert.Equal(t, 3.1, v, "31 CPU seconds over 10,000 operations")
	v, ok = cpuMSPerOp(10, 10, 300)
	assert.True(t, ok)
	assert.Zero(t, v, "nothing spent is a figure")
	_, ok = cpuMSPerOp(41.5, 72.5, 0)
	assert.False(t, ok, "no operations: no figure")
	_, ok = cpuMSPerOp(41.5, 2.25, 300)
	assert.False(t, ok, "the counter went backwards: the engine restarted")
}

func TestCPURatio(t *testing.T) {
	assert.Equal(t, ptr(0.77), cpuRatio(ptr(3.1), ptr(2.4)), "a bare start's CPU over a dossier's")
	assert.Nil(t, cpuRatio(nil, ptr(2.4)))
	assert.Nil(t, cpuRatio(ptr(3.1), nil))
	assert.Nil(t, cpuRatio(ptr(0.0), ptr(2.4)), "a dossier that cost nothing measured: no ratio")
}

// metricsServer serves /metrics with each reading of the CPU counter in turn; a
// negative one is a /metrics the token may not read.
func metricsServer(t *testing.T, readings ...float64) *apiClient {
	var mu sync.Mutex
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		defer mu.Unlock()
		if len(readings) == 0 {
			t.Error("/metrics read more often than expected")
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		v := readings[0]
		readings = readings[1:]
		if v < 0 {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		fmt.Fprintf(w, "# TYPE process_cpu_seconds_total counter\nprocess_cpu_seconds_total %g\n", v)
	}))
	t.Cleanup(srv.Close)
	return newAPIClient(srv.URL, "token", 1)
}

// A figure that cannot be had is left out with a line saying why, never an error.
func TestCPUMarkPerOp(t *testing.T) {
	ctx := context.Background()
	var logged []string
	logf := func(format string, args ...any) { logged = append(logged, fmt.Sprintf(format, args...)) }

	got := markCPU(ctx, metricsServer(t, 10, 41), "intake", logf).perOp(ctx, 10000)
	require.NotNil(t, got)
	assert.Equal(t, 3.1, *got)
	assert.Empty(t, logged)

	assert.Nil(t, markCPU(ctx, metricsServer(t, -1), "intake", logf).perOp(ctx, 10000), "no first reading: no second asked")
	assert.Nil(t, markCPU(ctx, metricsServer(t, 10, -1), "intake", logf).perOp(ctx, 10000))
	assert.Nil(t, markCPU(ctx, metricsServer(t, 41, 2), "bare starts", logf).perOp(ctx, 10000), "the engine restarted")
	require.Len(t, logged, 3, "one line for each figure left out")
	assert.Contains(t, logged[0], "intake: no CPU figure: /metrics: 403")
	assert.Contains(t, logged[2], "bare starts: no CPU figure")
}
