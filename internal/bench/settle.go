package bench

import (
	"context"
	"time"
)

// idleCores is the CPU, in cores, under which the engine counts as caught up: an
// idle `aap dev` (its embedded Temporal server's own loops) spends a few hundredths.
const idleCores = 0.15

// settleWindow is how long the engine must stay under idleCores.
const settleWindow = 5 * time.Second

// Settle waits, at most limit, until the engine has caught up with the intake: until
// its process (the one whose /metrics the token reads: `aap dev` whole, `aap api` alone
// in production) spends under idleCores over settleWindow. An intake files dossiers
// faster than the worker's sender sends their accusés de réception: the time it takes is
// how late those leave after a rush, and the bare starts and reads measured after it are
// the engine's, not the catching-up's. It returns the time waited and
// whether the engine settled.
func Settle(ctx context.Context, api *apiClient, limit time.Duration) (time.Duration, bool, error) {
	start := time.Now()
	prev, err := processMetric(ctx, api, cpuMetric)
	if err != nil {
		return 0, false, err
	}
	for time.Since(start) < limit {
		select {
		case <-ctx.Done():
			return time.Since(start), false, ctx.Err()
		case <-time.After(settleWindow):
		}
		cpu, err := processMetric(ctx, api, cpuMetric)
		if err != nil {
			return time.Since(start), false, err
		}
		if idle(prev, cpu, settleWindow) {
			return time.Since(start) - settleWindow, true, nil
		}
		prev = cpu
	}
	return time.Since(start), false, nil
}

// idle says whether going from before to after CPU seconds over window is under idleCores.
func idle(before, after float64, window time.Duration) bool {
	return (after-before)/window.Seconds() < idleCores
}
