package bench

import (
	"context"
	"fmt"
	"time"

	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
)

// cpuMetric is the Go collector's counter of the engine process's CPU time, user and
// system, in seconds. What an operation costs the engine in CPU varies far less from
// run to run than a wall-clock rate on a shared machine, whose other tenants take
// cores away from the engine and from the bench alike.
const cpuMetric = "process_cpu_seconds_total"

// noopWait bounds the wait for the bench's no-op workflows to complete after their
// starts: on a busy engine they can complete half a minute behind the last start.
const noopWait = 5 * time.Minute

// noopPoll is how often the wait counts them: each count costs the engine's server some
// 10 ms of CPU (a scan of its visibility records), which counts in the bare starts' figure.
const noopPoll = time.Second

// cpuMark is a reading of the engine's CPU counter at the start of a span of
// operations; ok is false when /metrics could not be read (logged).
type cpuMark struct {
	api     *apiClient
	logf    func(string, ...any)
	what    string
	seconds float64
	ok      bool
}

// markCPU reads the engine's CPU counter before the operations named what.
func markCPU(ctx context.Context, api *apiClient, what string, logf func(string, ...any)) cpuMark {
	m := cpuMark{api: api, logf: logf, what: what}
	m.seconds, m.ok = m.read(ctx)
	return m
}

// perOp reads the counter again and divides the CPU spent since the mark by the n
// operations, in ms; nil, logged, when a reading failed or the figure is refused. A
// figure left out never fails the run: the wall-clock measures stand without it.
func (m cpuMark) perOp(ctx context.Context, n int) *float64 {
	if !m.ok {
		return nil
	}
	after, ok := m.read(ctx)
	if !ok {
		return nil
	}
	v, ok := cpuMSPerOp(m.seconds, after, n)
	if !ok {
		m.logf("%s: no CPU figure: %.2f → %.2f CPU seconds over %d operations", m.what, m.seconds, after, n)
		return nil
	}
	return ptr(v)
}

func (m cpuMark) read(ctx context.Context) (float64, bool) {
	s, err := processMetric(ctx, m.api, cpuMetric)
	if err != nil {
		m.logf("%s: no CPU figure: %v", m.what, err)
		return 0, false
	}
	return s, true
}

// cpuMSPerOp is the CPU milliseconds per operation between two readings of the
// engine's CPU counter, in seconds, around n operations. Refused (ok false) without
// operations, or when the counter went backwards: the engine restarted between the
// readings, and the figure would mean nothing.
func cpuMSPerOp(before, after float64, n int) (float64, bool) {
	if n <= 0 || after < before {
		return 0, false
	}
	return round((after - before) * 1000 / float64(n)), true
}

// cpuRatio is the CPU of a bare start over that of a dossier, as the wall-clock ratio
// is the intake's rate over the bare starts': 1 when a dossier costs the engine what a
// bare start does. Nil unless both figures are there and a dossier cost something.
func cpuRatio(perDossier, perBareStart *float64) *float64 {
	if perDossier == nil || perBareStart == nil || *perDossier <= 0 {
		return nil
	}
	return ptr(round(*perBareStart / *perDossier))
}

// waitNoops waits, at most noopWait, until the visibility store counts n of the run's
// no-op workflows completed, so that the CPU read after it holds the server's whole side
// of each: its start, its workflow task, its completion and their visibility records.
// Completed ones are counted rather than running ones missed: a start's visibility
// record lags it, and a workflow not yet listed is not one that is done.
func waitNoops(ctx context.Context, tc client.Client, run string, n int) error {
	query := fmt.Sprintf("WorkflowId STARTS_WITH '%s' AND ExecutionStatus = 'Completed'", noopIDPrefix(run))
	deadline := time.Now().Add(noopWait)
	for {
		got, err := tc.CountWorkflow(ctx, &workflowservice.CountWorkflowExecutionsRequest{Query: query})
		if err != nil {
			return fmt.Errorf("counting the no-op workflows completed: %w", err)
		}
		if got.GetCount() >= int64(n) {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d no-op workflows completed after %s", got.GetCount(), n, noopWait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(noopPoll):
		}
	}
}
