package bench

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"time"

	"go.temporal.io/sdk/client"
	sdkworker "go.temporal.io/sdk/worker"
	"go.temporal.io/sdk/workflow"
)

// noopTaskQueue is the bench's own task queue: its no-op workflow runs on the
// bench's worker, never on the engine's.
const noopTaskQueue = "aapbench-noop"

// Noop is the bare workflow whose starts the intake is compared with.
func Noop(workflow.Context) error { return nil }

// timing is what timedRun measured: each call's latency and end instant (failed
// calls count only as errors), when the calls began and how long they all took.
type timing struct {
	lat   []time.Duration
	ends  []time.Time
	errs  int
	start time.Time
	wall  time.Duration
}

// result is the measurement of the calls timed.
func (t timing) result(measure string, n, c int) Result {
	return Result{Measure: measure, N: n, Concurrency: c, RatePerS: rate(len(t.lat), t.wall),
		P50MS: Percentile(t.lat, 50), P99MS: Percentile(t.lat, 99), Errors: t.errs}
}

// timedRun calls f(i) for i in [0, n) on c goroutines and times them. Bounded: n calls.
func timedRun(ctx context.Context, n, c int, f func(ctx context.Context, i int) error) timing {
	t := timing{lat: make([]time.Duration, 0, n), ends: make([]time.Time, 0, n)}
	var mu sync.Mutex
	next := make(chan int)
	var wg sync.WaitGroup
	t.start = time.Now()
	for range max(c, 1) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				t0 := time.Now()
				err := f(ctx, i)
				t1 := time.Now()
				mu.Lock()
				if err != nil {
					t.errs++
				} else {
					t.lat, t.ends = append(t.lat, t1.Sub(t0)), append(t.ends, t1)
				}
				mu.Unlock()
			}
		}()
	}
	for i := range n {
		if ctx.Err() != nil {
			break
		}
		next <- i
	}
	close(next)
	wg.Wait()
	t.wall = time.Since(t.start)
	return t
}

// Intake files n dossiers in the call through the API at concurrency c, runs
// beforeBare (Run's: wait for the engine to catch up with them, so that the bare starts
// measure Temporal's cost on an engine at rest, not beside the intake's leftovers), then
// starts n no-op workflows through the same Temporal frontend with the SDK, and compares
// the two rates, and what each costs the engine in CPU.
func Intake(ctx context.Context, api *apiClient, tc client.Client, callID, run string, seed, n, c int, beforeBare func(context.Context) error, logf func(string, ...any)) (Result, error) {
	var firstErr error
	var once sync.Once
	cpu := markCPU(ctx, api, "intake", logf)
	filed := timedRun(ctx, n, c, func(ctx context.Context, i int) error {
		_, err := api.object(ctx, http.MethodPost, "/api/v1/campaigns/"+callID+"/applications", dossierBody(run, seed, i), http.StatusCreated)
		if err != nil {
			once.Do(func() { firstErr = err })
		}
		return err
	})
	if firstErr != nil {
		logf("intake: %d errors, the first: %v", filed.errs, firstErr)
	}
	res := filed.result("intake", n, c)
	if first, last, ok := TenthRates(filed.start, filed.ends); ok {
		res.FirstTenthRatePerS, res.LastTenthRatePerS, res.Flatness = ptr(first), ptr(last), ptr(round(last/first))
	}
	if first, last, ok := WindowRates(filed.start, filed.ends, 1000); ok {
		res.FirstThousandRatePerS, res.LastThousandRatePerS, res.ThousandFlatness = ptr(first), ptr(last), ptr(round(last/first))
	}
	logf("intake: %d dossiers in %s, each 1,000 at %v /s", len(filed.lat), filed.wall.Round(time.Millisecond), WindowSeries(filed.start, filed.ends, 1000))
	if err := beforeBare(ctx); err != nil {
		return res, err
	}
	// Read once the engine has caught up: a dossier's whole cost, its accusé de réception
	// included (without -settle, the intake's alone).
	res.CPUMSPerDossier = cpu.perOp(ctx, len(filed.lat))
	logf("now the bare starts")
	cpu = markCPU(ctx, api, "bare starts", logf)
	started, completed, err := bareStarts(ctx, tc, run, n, c, logf)
	if err != nil {
		return res, err
	}
	if completed {
		res.CPUMSPerBareStart = cpu.perOp(ctx, len(started.lat))
	}
	res.CPURatio = cpuRatio(res.CPUMSPerDossier, res.CPUMSPerBareStart)
	logf("bare starts: each 1,000 at %v /s", WindowSeries(started.start, started.ends, 1000))
	if first, last, ok := WindowRates(started.start, started.ends, 1000); ok {
		res.BareThousandFlatness = ptr(round(last / first))
	}
	bare := started.result("bare_start", n, c)
	res.BareRatePerS, res.BareP99MS = ptr(bare.RatePerS), ptr(bare.P99MS)
	if bare.RatePerS > 0 {
		res.Ratio = ptr(round(res.RatePerS / bare.RatePerS))
	}
	return res, nil
}

// bareStarts starts n no-op workflows at concurrency c on the bench's own task
// queue, with its own worker running them, and times the starts; then it waits for
// the workflows to complete, so that their CPU can be read whole. completed is
// false, logged, when they did not in time.
func bareStarts(ctx context.Context, tc client.Client, run string, n, c int, logf func(string, ...any)) (t timing, completed bool, err error) {
	w := sdkworker.New(tc, noopTaskQueue, sdkworker.Options{})
	w.RegisterWorkflow(Noop)
	if err := w.Start(); err != nil {
		return timing{}, false, fmt.Errorf("bench worker: %w", err)
	}
	defer w.Stop()
	t = timedRun(ctx, n, c, func(ctx context.Context, i int) error {
		_, err := tc.ExecuteWorkflow(ctx, client.StartWorkflowOptions{
			ID: fmt.Sprintf("%s%d", noopIDPrefix(run), i), TaskQueue: noopTaskQueue,
			WorkflowExecutionTimeout: time.Hour,
		}, Noop)
		return err
	})
	waited := time.Now()
	if err := waitNoops(ctx, tc, run, len(t.lat)); err != nil {
		logf("bare starts: no CPU figure: %v", err)
		return t, false, nil
	}
	logf("bare starts: the no-op workflows completed %s after the last start", time.Since(waited).Round(time.Millisecond))
	return t, true, nil
}

// noopIDPrefix starts the IDs of the run's no-op workflows.
func noopIDPrefix(run string) string { return "aapbench/" + run + "/noop/" }
