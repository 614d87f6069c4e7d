package bench

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestPercentileByNearestRank(t *testing.T) {
	lat := make([]time.Duration, 0, 100)
	for i := 100; i >= 1; i-- { // unsorted on purpose
		lat = append(lat, time.Duration(i)*time.Millisecond)
	}
	assert.Equal(t, 50.0, Percentile(lat, 50))
	assert.Equal(t, 99.0, Percentile(lat, 99))
	assert.Equal(t, 100.0, Percentile(lat, 100))
	assert.Equal(t, 1.0, Percentile(lat, 0), "rank at least 1")
	assert.Equal(t, 100*time.Millisecond, lat[0], "the caller's slice is not sorted in place")
	assert.Equal(t, 7.5, Percentile([]time.Duration{7500 * time.Microsecond}, 99))
	assert.Zero(t, Percentile(nil, 99))
}

func TestTenthRates(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	var ends []time.Time
	for i := range 10 { // 10 events, one a second
		ends = append(ends, start.Add(time.Duration(i+1)*time.Second))
	}
	for i := range 10 { // then 10, two a second
		ends = append(ends, start.Add(10*time.Second+time.Duration(i+1)*500*time.Millisecond))
	}
	first, last, ok := TenthRates(start, ends)
	require.True(t, ok)
	assert.Equal(t, 1.0, first, "the first 2 events in 2 s")
	assert.Equal(t, 2.0, last, "the last 2 in 1 s")

	_, _, ok = TenthRates(start, ends[:9])
	assert.False(t, ok, "fewer than 10 events: no tenth")
	_, _, ok = TenthRates(start, ends[:10])
	assert.True(t, ok, "10 events: a tenth of one")
}

// The first and last k events' rates need 2k events (issue 20 compares the first and
// the last 1,000 dossiers): at 2k exactly the halves, one fewer and there is none.
func TestWindowRates(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	var ends []time.Time
	for i := range 4 { // 4 events, one a second
		ends = append(ends, start.Add(time.Duration(i+1)*time.Second))
	}
	for i := range 4 { // then 4, four a second
		ends = append(ends, start.Add(4*time.Second+time.Duration(i+1)*250*time.Millisecond))
	}
	first, last, ok := WindowRates(start, ends, 4)
	require.True(t, ok)
	assert.Equal(t, 1.0, first, "the first 4 events in 4 s")
	assert.Equal(t, 4.0, last, "the last 4 in 1 s (from the 5th to the 8th)")

	_, _, ok = WindowRates(start, ends[:7], 4)
	assert.False(t, ok, "7 events: no two windows of 4")
	_, _, ok = WindowRates(start, ends, 0)
	assert.False(t, ok, "an empty window")
}

func TestWindowSeries(t *testing.T) {
	start := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	var ends []time.Time
	for i := range 4 { // 4 events, one a second
		ends = append(ends, start.Add(time.Duration(i+1)*time.Second))
	}
	for i := range 5 { // then 5, four a second, listed backwards
		ends = append(ends, start.Add(4*time.Second+time.Duration(5-i)*250*time.Millisecond))
	}
	assert.Equal(t, []float64{1, 4}, WindowSeries(start, ends, 4), "the ninth event makes no third window")
	assert.Equal(t, []float64{1, 1, 1, 1, 4, 4, 4, 4, 4}, WindowSeries(start, ends, 1))
	assert.Empty(t, WindowSeries(start, ends[:3], 4), "fewer events than one window")
	assert.Empty(t, WindowSeries(start, ends, 0))
}

// Each measurement is one line of JSON with the fields every consumer reads;
// the intake's own fields only on the intake.
func TestJSONShape(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, Result{Measure: "intake", N: 10, Concurrency: 2, RatePerS: 5, P50MS: 1, P99MS: 2,
		BareRatePerS: ptr(10.0), Ratio: ptr(0.5)}))
	require.NoError(t, WriteJSON(&buf, Result{Measure: "read_call", N: 10, RatePerS: 5, Fallbacks: ptr(0)}))
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	require.Len(t, lines, 2)
	var intake, read map[string]any
	require.NoError(t, json.Unmarshal([]byte(lines[0]), &intake))
	require.NoError(t, json.Unmarshal([]byte(lines[1]), &read))
	for _, f := range []string{"measure", "n", "concurrency", "rate_per_s", "p50_ms", "p99_ms", "errors"} {
		assert.Contains(t, intake, f)
		assert.Contains(t, read, f)
	}
	assert.Equal(t, 10.0, intake["bare_rate_per_s"])
	assert.Equal(t, 0.5, intake["ratio"])
	assert.NotContains(t, read, "bare_rate_per_s")
	assert.NotContains(t, read, "ratio")
	assert.Equal(t, 0.0, read["fallbacks"], "zero fallbacks is said, not left out")
	for _, f := range []string{"cpu_ms_per_dossier", "cpu_ms_per_bare_start", "cpu_ratio"} {
		assert.NotContains(t, intake, f, "no CPU reading: the figure is left out, not 0")
	}
}

// The CPU figures are the intake's when /metrics was read, and nowhere when it was not.
func TestJSONCarriesTheCPUFigures(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, WriteJSON(&buf, Result{Measure: "intake", N: 10, CPUMSPerDossier: ptr(3.1),
		CPUMSPerBareStart: ptr(2.4), CPURatio: ptr(0.77)}))
	var intake map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &intake))
	assert.Equal(t, 3.1, intake["cpu_ms_per_dossier"])
	assert.Equal(t, 2.4, intake["cpu_ms_per_bare_start"])
	assert.Equal(t, 0.77, intake["cpu_ratio"])
}

func TestTableNamesEveryMeasure(t *testing.T) {
	var buf bytes.Buffer
	WriteTable(&buf, []Result{{Measure: "intake", BareRatePerS: ptr(10.0), Ratio: ptr(0.5)}, {Measure: "memory", BeforeMB: ptr(100.0), AfterMB: ptr(120.0)}})
	assert.Contains(t, buf.String(), "bare 10.0/s, ratio 0.50")
	assert.Contains(t, buf.String(), "RSS 100 → 120 MB")
	assert.NotContains(t, buf.String(), "cpu", "no CPU figure, no CPU note")
	assert.NotContains(t, buf.String(), "bare starts last/first", "fewer than 2,000: no drift")
	buf.Reset()
	WriteTable(&buf, []Result{{Measure: "intake", BareThousandFlatness: ptr(0.65)}})
	assert.Contains(t, buf.String(), "bare starts last/first 1000 ×0.65")
	buf.Reset()
	WriteTable(&buf, []Result{{Measure: "intake", CPUMSPerDossier: ptr(3.1), CPUMSPerBareStart: ptr(2.4), CPURatio: ptr(0.77)}})
	assert.Contains(t, buf.String(), "cpu 3.10 ms/dossier vs 2.40 ms/bare start, cpu ratio 0.77")
	buf.Reset()
	WriteTable(&buf, []Result{{Measure: "intake", CPUMSPerDossier: ptr(3.1)}})
	assert.Contains(t, buf.String(), "cpu 3.10 ms/dossier", "the bare starts' figure missing: the dossier's alone")
	assert.NotContains(t, buf.String(), "cpu ratio")
	buf.Reset()
	WriteTable(&buf, []Result{{Measure: "settle", SettleS: ptr(42.0), Settled: ptr(true)}, {Measure: "settle", SettleS: ptr(600.0), Settled: ptr(false)}})
	assert.Contains(t, buf.String(), "caught up 42 s after the intake")
	assert.Contains(t, buf.String(), "still busy after 600 s")
}

func TestParseMetric(t *testing.T) {
	body := []byte("# HELP process_resident_memory_bytes Resident memory size in bytes.\n" +
		"# TYPE process_resident_memory_bytes gauge\nprocess_resident_memory_bytes 1.6e+08\ngo_goroutines 12\n" +
		"process_cpu_seconds_total_extra 3\nprocess_cpu_seconds_total 41.5\n")
	b, err := parseMetric(body, "process_resident_memory_bytes")
	require.NoError(t, err)
	assert.Equal(t, 1.6e8, b)
	cpu, err := parseMetric(body, "process_cpu_seconds_total")
	require.NoError(t, err)
	assert.Equal(t, 41.5, cpu, "the metric itself, not one whose name it starts")
	_, err = parseMetric([]byte("go_goroutines 12\n"), "process_resident_memory_bytes")
	require.Error(t, err)
}

func TestSettledWhenTheEngineIdles(t *testing.T) {
	assert.True(t, idle(10.0, 10.4, 5*time.Second), "0.08 of a core")
	assert.False(t, idle(10.0, 11.0, 5*time.Second), "0.2 of a core: still catching up")
	assert.False(t, idle(10.0, 10.75, 5*time.Second), "at 0.15 of a core exactly: not yet")
}

func TestFellBack(t *testing.T) {
	assert.True(t, fellBack([]byte(`{"state":"published","state_source":"database","state_fallback":"busy"}`)))
	assert.False(t, fellBack([]byte(`{"state":"published","state_source":"workflow"}`)))
	assert.False(t, fellBack([]byte(`{"items":[]}`)), "a list reads the database by design")
}
