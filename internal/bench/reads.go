package bench

import (
	"context"
	"encoding/json"
	"net/http"
	"sync"
	"time"
)

// maxInFlight bounds the requests of an open-loop read in flight: past it a
// request is not sent and counts as an error (the engine is saturated).
const maxInFlight = 2000

// ReadTarget is one path read at a fixed rate.
type ReadTarget struct {
	Measure string // read_call, read_dossier, read_list, read_overview
	Path    string
}

// Read asks path at rate per second for d, open loop: each request leaves at
// its scheduled instant whatever the previous ones do, and its latency counts
// from that instant (a slow engine is not given time to recover).
func Read(ctx context.Context, api *apiClient, t ReadTarget, perSecond float64, d time.Duration) Result {
	total := int(perSecond * d.Seconds())
	interval := time.Duration(float64(time.Second) / perSecond)
	var (
		mu              sync.Mutex
		lat             []time.Duration
		errs, fallbacks int
		wg              sync.WaitGroup
		inFlight        = make(chan struct{}, maxInFlight)
		start           = time.Now()
	)
	for i := range total {
		at := start.Add(time.Duration(i) * interval)
		if wait := time.Until(at); wait > 0 {
			select {
			case <-ctx.Done():
				i = total
			case <-time.After(wait):
			}
		}
		if ctx.Err() != nil {
			break
		}
		select {
		case inFlight <- struct{}{}:
		default:
			mu.Lock()
			errs++
			mu.Unlock()
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-inFlight }()
			status, body, err := api.do(ctx, http.MethodGet, t.Path, nil)
			took := time.Since(at)
			mu.Lock()
			defer mu.Unlock()
			if err != nil || status != http.StatusOK {
				errs++
				return
			}
			lat = append(lat, took)
			if fellBack(body) {
				fallbacks++
			}
		}()
	}
	wg.Wait()
	wall := time.Since(start)
	return Result{Measure: t.Measure, N: total, RatePerS: rate(len(lat), wall), P50MS: Percentile(lat, 50),
		P99MS: Percentile(lat, 99), Errors: errs, TargetRatePerS: ptr(perSecond), Fallbacks: ptr(fallbacks)}
}

// fellBack reports an answer whose state was read from the database because
// the workflow could not be asked (state_source "database" with a state_fallback).
func fellBack(body []byte) bool {
	var v struct {
		StateSource   string `json:"state_source"`
		StateFallback string `json:"state_fallback"`
	}
	if json.Unmarshal(body, &v) != nil {
		return false
	}
	return v.StateSource == "database" && v.StateFallback != ""
}
