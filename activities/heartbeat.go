package activities

import (
	"context"
	"time"

	"go.temporal.io/sdk/activity"
)

// heartbeatEvery keeps a long activity's heartbeats well within its HeartbeatTimeout
// (10 s in the workflows' options), even while one step (an SMTP session, a signal, the
// pacing of a batch) takes a while.
const heartbeatEvery = 2 * time.Second

// heartbeating records a heartbeat carrying details() (nil: none) every heartbeatEvery
// until stop is called, so that the activity is known alive between its own heartbeats.
// details must be safe to call from another goroutine.
func heartbeating(ctx context.Context, details func() any) (stop func()) {
	done := make(chan struct{})
	go func() {
		tick := time.NewTicker(heartbeatEvery)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				if details == nil {
					activity.RecordHeartbeat(ctx)
				} else {
					activity.RecordHeartbeat(ctx, details())
				}
			}
		}
	}()
	return func() { close(done) }
}
