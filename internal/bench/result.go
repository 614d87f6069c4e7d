// Package bench measures a running engine (`aap dev`, or `aap api` + `aap worker`)
// from the outside, as cmd/aapbench does: intake through the API against bare
// Temporal starts on the same frontend, in rate and in the engine's CPU, reads at
// fixed rates (open loop), and the engine's resident memory. Nothing here is asserted in a test: the figures
// depend on the machine (issue 20; README "Measuring").
package bench

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"slices"
	"time"
)

// Result is one measurement: one JSON object per line on stdout.
type Result struct {
	Measure     string  `json:"measure"` // intake, settle, read_call, read_dossier, read_list, read_overview, memory
	N           int     `json:"n"`
	Concurrency int     `json:"concurrency"`
	RatePerS    float64 `json:"rate_per_s"`
	P50MS       float64 `json:"p50_ms"`
	P99MS       float64 `json:"p99_ms"`
	Errors      int     `json:"errors"`
	// Intake: the bare SDK start rate of the same run, and the API's rate over it.
	BareRatePerS *float64 `json:"bare_rate_per_s,omitempty"`
	Ratio        *float64 `json:"ratio,omitempty"`
	BareP99MS    *float64 `json:"bare_p99_ms,omitempty"`
	// Intake: the rate of the first and last 10 % of the dossiers, and last/first.
	FirstTenthRatePerS *float64 `json:"first_tenth_rate_per_s,omitempty"`
	LastTenthRatePerS  *float64 `json:"last_tenth_rate_per_s,omitempty"`
	Flatness           *float64 `json:"flatness,omitempty"`
	// Intake of at least 2,000 dossiers: the rate of the first and last 1,000, and last/first
	// (issue 20's flatness: within 15 %).
	FirstThousandRatePerS *float64 `json:"first_1000_rate_per_s,omitempty"`
	LastThousandRatePerS  *float64 `json:"last_1000_rate_per_s,omitempty"`
	ThousandFlatness      *float64 `json:"flatness_1000,omitempty"`
	// Intake of at least 2,000 dossiers: the same last/first for the bare starts, to tell
	// the engine's decay from the Temporal server's own.
	BareThousandFlatness *float64 `json:"bare_flatness_1000,omitempty"`
	// Intake: the engine process's CPU (process_cpu_seconds_total) per dossier filed, from
	// before the first filing until it has caught up with them (the end of -settle, every
	// accusé de réception sent; without -settle, the end of the intake); per bare start,
	// from before the first until every no-op workflow has completed (the server's side:
	// the bench's worker runs them); and the second over the first. Left out when /metrics
	// cannot be read. Less at the mercy of a shared machine than the rates.
	CPUMSPerDossier   *float64 `json:"cpu_ms_per_dossier,omitempty"`
	CPUMSPerBareStart *float64 `json:"cpu_ms_per_bare_start,omitempty"`
	CPURatio          *float64 `json:"cpu_ratio,omitempty"`
	// Settle: the seconds the engine took, after the intake and the bare starts, to catch up
	// (its CPU under 0.15 of a core for 5 s), and whether it did within -settle.
	SettleS *float64 `json:"settle_s,omitempty"`
	Settled *bool    `json:"settled,omitempty"`
	// Reads: the rate asked, and the answers whose state fell back from the workflow to the database.
	TargetRatePerS *float64 `json:"target_rate_per_s,omitempty"`
	Fallbacks      *int     `json:"fallbacks,omitempty"`
	// Memory: the engine's resident memory before and after, in MB.
	BeforeMB *float64 `json:"rss_before_mb,omitempty"`
	AfterMB  *float64 `json:"rss_after_mb,omitempty"`
}

// Percentile is the p-th percentile (0–100) of the latencies, by nearest rank, in
// milliseconds; 0 without any.
func Percentile(latencies []time.Duration, p float64) float64 {
	if len(latencies) == 0 {
		return 0
	}
	sorted := slices.Clone(latencies)
	slices.Sort(sorted)
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	rank = min(max(rank, 1), len(sorted))
	return ms(sorted[rank-1])
}

func ms(d time.Duration) float64 { return round(float64(d) / float64(time.Millisecond)) }

// round keeps two decimals, enough for figures read by people.
func round(x float64) float64 { return math.Round(x*100) / 100 }

// rate is n events over d, per second.
func rate(n int, d time.Duration) float64 {
	if d <= 0 {
		return 0
	}
	return round(float64(n) / d.Seconds())
}

// TenthRates are the rates of the first and of the last tenth of events that
// finished at the given instants (in any order), from start: how an intake
// holds as the year fills. At least 10 events.
func TenthRates(start time.Time, finished []time.Time) (first, last float64, ok bool) {
	return WindowRates(start, finished, len(finished)/10)
}

// WindowRates are the rates of the first and of the last k events that finished at the
// given instants (in any order), the first from start. At least 2k events, k ≥ 1: the
// two windows do not overlap.
func WindowRates(start time.Time, finished []time.Time, k int) (first, last float64, ok bool) {
	if k <= 0 || len(finished) < 2*k {
		return 0, 0, false
	}
	sorted := slices.Clone(finished)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	first = rate(k, sorted[k-1].Sub(start))
	last = rate(k, sorted[len(sorted)-1].Sub(sorted[len(sorted)-1-k]))
	return first, last, first > 0 && last > 0
}

// WindowSeries is the rate of each successive k events that finished at the given
// instants (in any order), the first from start; a last window of fewer than k is left
// out. It shows where a run slowed.
func WindowSeries(start time.Time, finished []time.Time, k int) []float64 {
	if k <= 0 {
		return nil
	}
	sorted := slices.Clone(finished)
	slices.SortFunc(sorted, func(a, b time.Time) int { return a.Compare(b) })
	var rates []float64
	for from, end := start, k-1; end < len(sorted); end += k {
		rates = append(rates, rate(k, sorted[end].Sub(from)))
		from = sorted[end]
	}
	return rates
}

// WriteJSON writes r as one line of JSON.
func WriteJSON(w io.Writer, r Result) error {
	b, err := json.Marshal(r)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", b)
	return err
}

// WriteTable writes the results as a table people read.
func WriteTable(w io.Writer, results []Result) {
	fmt.Fprintf(w, "%-14s %7s %4s %10s %9s %9s %6s  %s\n", "measure", "n", "c", "rate/s", "p50 ms", "p99 ms", "errors", "notes")
	for _, r := range results {
		fmt.Fprintf(w, "%-14s %7d %4d %10.1f %9.1f %9.1f %6d  %s\n", r.Measure, r.N, r.Concurrency, r.RatePerS, r.P50MS, r.P99MS, r.Errors, notes(r))
	}
}

func notes(r Result) string {
	var s string
	add := func(format string, args ...any) {
		if s != "" {
			s += ", "
		}
		s += fmt.Sprintf(format, args...)
	}
	if r.BareRatePerS != nil && r.Ratio != nil {
		add("bare %.1f/s, ratio %.2f", *r.BareRatePerS, *r.Ratio)
	}
	if r.CPUMSPerDossier != nil && r.CPUMSPerBareStart != nil && r.CPURatio != nil {
		add("cpu %.2f ms/dossier vs %.2f ms/bare start, cpu ratio %.2f", *r.CPUMSPerDossier, *r.CPUMSPerBareStart, *r.CPURatio)
	} else if r.CPUMSPerDossier != nil {
		add("cpu %.2f ms/dossier", *r.CPUMSPerDossier)
	}
	if r.FirstTenthRatePerS != nil && r.LastTenthRatePerS != nil && r.Flatness != nil {
		add("first 10%% %.1f/s, last 10%% %.1f/s (×%.2f)", *r.FirstTenthRatePerS, *r.LastTenthRatePerS, *r.Flatness)
	}
	if r.FirstThousandRatePerS != nil && r.LastThousandRatePerS != nil && r.ThousandFlatness != nil {
		add("first 1000 %.1f/s, last 1000 %.1f/s (×%.2f)", *r.FirstThousandRatePerS, *r.LastThousandRatePerS, *r.ThousandFlatness)
	}
	if r.BareThousandFlatness != nil {
		// The bare starts' own drift tells the engine's (its tables growing) from the intake's.
		add("bare starts last/first 1000 ×%.2f", *r.BareThousandFlatness)
	}
	if r.SettleS != nil && r.Settled != nil {
		if *r.Settled {
			add("caught up %.0f s after the intake", *r.SettleS)
		} else {
			add("still busy after %.0f s", *r.SettleS)
		}
	}
	if r.TargetRatePerS != nil {
		add("asked %.0f/s", *r.TargetRatePerS)
	}
	if r.Fallbacks != nil {
		add("%d fell back to the database", *r.Fallbacks)
	}
	if r.BeforeMB != nil && r.AfterMB != nil {
		add("RSS %.0f → %.0f MB", *r.BeforeMB, *r.AfterMB)
	}
	return s
}

func ptr[T any](v T) *T { return &v }
