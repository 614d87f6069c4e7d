package metrics

import (
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.temporal.io/sdk/client"
)

// sdkHandler adapts the Temporal SDK's metrics (temporal_request,
// temporal_workflow_task_execution_latency, temporal_activity_execution_failed…)
// to Prometheus. A Prometheus metric has fixed label names: they are the tag
// names of the metric's first use; a later use fills missing tags with "" and
// drops tags the first did not have.
type sdkHandler struct {
	vecs *sdkVecs
	tags map[string]string
}

type sdkVecs struct {
	reg      prometheus.Registerer
	mu       sync.Mutex
	counters map[string]labelled[*prometheus.CounterVec]
	gauges   map[string]labelled[*prometheus.GaugeVec]
	timers   map[string]labelled[*prometheus.HistogramVec]
}

type labelled[V any] struct {
	vec    V
	labels []string
}

var _ client.MetricsHandler = (*sdkHandler)(nil)

func newSDKHandler(reg prometheus.Registerer) *sdkHandler {
	return &sdkHandler{vecs: &sdkVecs{reg: reg, counters: map[string]labelled[*prometheus.CounterVec]{},
		gauges: map[string]labelled[*prometheus.GaugeVec]{}, timers: map[string]labelled[*prometheus.HistogramVec]{}},
		tags: map[string]string{}}
}

func (h *sdkHandler) WithTags(tags map[string]string) client.MetricsHandler {
	merged := maps.Clone(h.tags)
	maps.Copy(merged, tags)
	return &sdkHandler{vecs: h.vecs, tags: merged}
}

// values orders the tags as the metric's labels.
func (h *sdkHandler) values(labels []string) []string {
	out := make([]string, len(labels))
	for i, l := range labels {
		out[i] = h.tags[l]
	}
	return out
}

func (h *sdkHandler) labels() []string { return slices.Sorted(maps.Keys(h.tags)) }

// register adds a collector, or takes the one already registered under the same name.
func register[C prometheus.Collector](reg prometheus.Registerer, c C) C {
	if err := reg.Register(c); err != nil {
		if are, ok := err.(prometheus.AlreadyRegisteredError); ok {
			if existing, ok := are.ExistingCollector.(C); ok {
				return existing
			}
		}
	}
	return c
}

func (h *sdkHandler) Counter(name string) client.MetricsCounter {
	v := h.vecs
	v.mu.Lock()
	defer v.mu.Unlock()
	l, ok := v.counters[name]
	if !ok {
		l.labels = h.labels()
		l.vec = register(v.reg, prometheus.NewCounterVec(prometheus.CounterOpts{Name: name, Help: "Temporal SDK counter " + name + "."}, l.labels))
		v.counters[name] = l
	}
	return counter{l.vec.WithLabelValues(h.values(l.labels)...)}
}

func (h *sdkHandler) Gauge(name string) client.MetricsGauge {
	v := h.vecs
	v.mu.Lock()
	defer v.mu.Unlock()
	l, ok := v.gauges[name]
	if !ok {
		l.labels = h.labels()
		l.vec = register(v.reg, prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: name, Help: "Temporal SDK gauge " + name + "."}, l.labels))
		v.gauges[name] = l
	}
	return gauge{l.vec.WithLabelValues(h.values(l.labels)...)}
}

func (h *sdkHandler) Timer(name string) client.MetricsTimer {
	v := h.vecs
	v.mu.Lock()
	defer v.mu.Unlock()
	l, ok := v.timers[name]
	if !ok {
		l.labels = h.labels()
		l.vec = register(v.reg, prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: name,
			Help: "Temporal SDK timer " + name + ", in seconds.", Buckets: prometheus.ExponentialBuckets(0.001, 4, 10)}, l.labels))
		v.timers[name] = l
	}
	return timer{l.vec.WithLabelValues(h.values(l.labels)...)}
}

type counter struct{ c prometheus.Counter }

func (c counter) Inc(n int64) {
	if n > 0 {
		c.c.Add(float64(n))
	}
}

type gauge struct{ g prometheus.Gauge }

func (g gauge) Update(v float64) { g.g.Set(v) }

type timer struct{ o prometheus.Observer }

func (t timer) Record(d time.Duration) { t.o.Observe(d.Seconds()) }
