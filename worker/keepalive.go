package worker

import (
	"context"
	"sync"
	"time"

	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/interceptor"
)

// keepAliveShare is how many heartbeats fit in one HeartbeatTimeout: a live worker
// heartbeats several times before the server would declare its activity lost.
const keepAliveShare = 5

// keepAlive heartbeats every activity scheduled with a HeartbeatTimeout for as long as it
// runs, from its own goroutine: an email waiting on a slow relay, a PDF being drawn or a
// batch between two emails still shows its worker alive, and a worker that dies (SIGKILL,
// a lost machine) stops heartbeating, so the server retries the activity on another worker
// once the HeartbeatTimeout passes instead of after the StartToCloseTimeout. Each beat
// repeats the details the activity last recorded itself (a batch's progress), so the
// keep-alive never erases where a retry resumes.
type keepAlive struct {
	interceptor.WorkerInterceptorBase
}

func (*keepAlive) InterceptActivity(ctx context.Context, next interceptor.ActivityInboundInterceptor) interceptor.ActivityInboundInterceptor {
	i := &keepAliveInbound{}
	i.Next = next
	return i
}

// keepAliveInbound starts the beats around the activity; lastDetails is shared with the
// outbound side, which sees the activity's own heartbeats.
type keepAliveInbound struct {
	interceptor.ActivityInboundInterceptorBase
	last lastDetails
}

func (i *keepAliveInbound) Init(outbound interceptor.ActivityOutboundInterceptor) error {
	o := &keepAliveOutbound{last: &i.last}
	o.Next = outbound
	return i.Next.Init(o)
}

func (i *keepAliveInbound) ExecuteActivity(ctx context.Context, in *interceptor.ExecuteActivityInput) (any, error) {
	if timeout := activity.GetInfo(ctx).HeartbeatTimeout; timeout > 0 {
		defer i.beat(ctx, timeout/keepAliveShare)()
	}
	return i.Next.ExecuteActivity(ctx, in)
}

// beat heartbeats every interval until the returned stop is called or ctx ends.
func (i *keepAliveInbound) beat(ctx context.Context, interval time.Duration) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-done:
				return
			case <-ctx.Done():
				return
			case <-tick.C:
				activity.RecordHeartbeat(ctx, i.last.get()...)
			}
		}
	}()
	return func() { close(done); wg.Wait() }
}

// keepAliveOutbound records the details of the activity's own heartbeats as they pass.
type keepAliveOutbound struct {
	interceptor.ActivityOutboundInterceptorBase
	last *lastDetails
}

func (o *keepAliveOutbound) RecordHeartbeat(ctx context.Context, details ...any) {
	o.last.set(details)
	o.Next.RecordHeartbeat(ctx, details...)
}

// lastDetails holds the details of the last heartbeat, read from the keep-alive's goroutine.
type lastDetails struct {
	mu      sync.Mutex
	details []any
}

func (l *lastDetails) set(details []any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.details = details
}

func (l *lastDetails) get() []any {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.details
}
