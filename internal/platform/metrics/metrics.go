// Package metrics exposes the engine's Prometheus metrics at /metrics: HTTP
// requests and latencies by route template, workflows by type and phase and the
// outbox's emails (read from the database at scrape time), and the Temporal
// SDK's client and worker metrics. The engine's own names start with aap_.
package metrics

import (
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"
)

// Metrics is one process's registry. No package-level state: each process (and
// each test) makes its own.
type Metrics struct {
	reg      *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	sdk      *sdkHandler
}

// New returns a registry with the HTTP metrics, the Go runtime's and the process's.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "aap_http_requests_total", Help: "HTTP requests served, by method, route template and status.",
		}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "aap_http_request_duration_seconds", Help: "Time to serve an HTTP request, by method and route template.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10},
		}, []string{"method", "route"}),
	}
	reg.MustRegister(m.requests, m.latency, collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	m.sdk = newSDKHandler(reg)
	return m
}

// WatchDatabase adds the gauges read from the database at each scrape.
func (m *Metrics) WatchDatabase(db *gorm.DB) error {
	return m.reg.Register(newDBCollector(db))
}

// Middleware counts and times every request; the route label is the route's
// template (/api/v1/campaigns/:id), never the raw path, so IDs do not multiply series.
func (m *Metrics) Middleware() gin.HandlerFunc {
	return func(c *gin.Context) {
		start := time.Now()
		c.Next()
		route := c.FullPath()
		if route == "" {
			route = "unmatched"
		}
		m.requests.WithLabelValues(c.Request.Method, route, strconv.Itoa(c.Writer.Status())).Inc()
		m.latency.WithLabelValues(c.Request.Method, route).Observe(time.Since(start).Seconds())
	}
}

// Handler serves the registry in Prometheus' text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// SDKHandler is the Temporal client's MetricsHandler (client.Options.MetricsHandler):
// the SDK's client and worker metrics land in the same registry.
func (m *Metrics) SDKHandler() client.MetricsHandler { return m.sdk }
