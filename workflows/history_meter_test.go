package workflows

import (
	"sync"
	"time"

	commonpb "go.temporal.io/api/common/v1"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/workflow"
)

// historyMeter counts what one workflow run under the test environment writes
// to its history: the test environment keeps no history, so the meter counts
// the commands and messages that make one (through a worker interceptor) and
// the payloads (through the data converter).
type historyMeter struct {
	mu                                            sync.Mutex
	activities, timers, signals, updates, upserts int
	payloadBytes, largestPayload                  int
}

// events estimates the history's length from what was counted: the start and
// the completion; per activity its scheduled, started and completed events; per
// timer started and fired (or cancelled); per signal one; per accepted update
// accepted and completed; per search-attribute upsert one; and one workflow task
// (scheduled, started, completed) per wake-up. Temporal folds wake-ups that
// arrive together into one task, so this is an upper estimate.
func (m *historyMeter) events() int {
	m.mu.Lock()
	defer m.mu.Unlock()
	wakeUps := 1 + m.activities + m.timers + m.signals + m.updates
	return 2 + 3*m.activities + 2*m.timers + m.signals + 2*m.updates + m.upserts + 3*wakeUps
}

func (m *historyMeter) add(counter *int) {
	m.mu.Lock()
	*counter++
	m.mu.Unlock()
}

func (m *historyMeter) payload(size int) {
	m.mu.Lock()
	m.payloadBytes += size
	m.largestPayload = max(m.largestPayload, size)
	m.mu.Unlock()
}

// meteredConverter is the default data converter, measuring every payload it writes.
type meteredConverter struct {
	converter.DataConverter
	meter *historyMeter
}

func (c meteredConverter) ToPayload(value any) (*commonpb.Payload, error) {
	p, err := c.DataConverter.ToPayload(value)
	if err == nil {
		c.meter.payload(p.Size())
	}
	return p, err
}

func (c meteredConverter) ToPayloads(values ...any) (*commonpb.Payloads, error) {
	p, err := c.DataConverter.ToPayloads(values...)
	if err == nil {
		for _, one := range p.GetPayloads() {
			c.meter.payload(one.Size())
		}
	}
	return p, err
}

// meterInterceptor counts the commands and messages of the workflows it intercepts.
type meterInterceptor struct {
	interceptor.WorkerInterceptorBase
	meter *historyMeter
}

func (i *meterInterceptor) InterceptWorkflow(ctx workflow.Context, next interceptor.WorkflowInboundInterceptor) interceptor.WorkflowInboundInterceptor {
	in := &meterInbound{meter: i.meter}
	in.Next = next
	return in
}

type meterInbound struct {
	interceptor.WorkflowInboundInterceptorBase
	meter *historyMeter
}

func (i *meterInbound) Init(outbound interceptor.WorkflowOutboundInterceptor) error {
	out := &meterOutbound{meter: i.meter}
	out.Next = outbound
	return i.Next.Init(out)
}

func (i *meterInbound) HandleSignal(ctx workflow.Context, in *interceptor.HandleSignalInput) error {
	i.meter.add(&i.meter.signals)
	return i.Next.HandleSignal(ctx, in)
}

// ExecuteUpdate runs only for an update its validator accepted: a rejected one leaves no event.
func (i *meterInbound) ExecuteUpdate(ctx workflow.Context, in *interceptor.UpdateInput) (any, error) {
	i.meter.add(&i.meter.updates)
	return i.Next.ExecuteUpdate(ctx, in)
}

type meterOutbound struct {
	interceptor.WorkflowOutboundInterceptorBase
	meter *historyMeter
}

func (o *meterOutbound) ExecuteActivity(ctx workflow.Context, activityType string, args ...any) workflow.Future {
	o.meter.add(&o.meter.activities)
	return o.Next.ExecuteActivity(ctx, activityType, args...)
}

func (o *meterOutbound) NewTimer(ctx workflow.Context, d time.Duration) workflow.Future {
	o.meter.add(&o.meter.timers)
	return o.Next.NewTimer(ctx, d)
}

func (o *meterOutbound) NewTimerWithOptions(ctx workflow.Context, d time.Duration, options workflow.TimerOptions) workflow.Future {
	o.meter.add(&o.meter.timers)
	return o.Next.NewTimerWithOptions(ctx, d, options)
}

func (o *meterOutbound) UpsertTypedSearchAttributes(ctx workflow.Context, updates ...temporal.SearchAttributeUpdate) error {
	o.meter.add(&o.meter.upserts)
	return o.Next.UpsertTypedSearchAttributes(ctx, updates...)
}
