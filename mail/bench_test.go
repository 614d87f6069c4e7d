package mail

import (
	"context"
	"fmt"
	"testing"

	"github.com/dian-p104/aap/store/storetest"
)

// BenchmarkDeliverBatch1000 delivers 1,000 distinct emails, one Deliver each
// (claim, SMTP session, mark sent), to a local catcher on SQLite. One op is
// the whole thousand; there is no timing assertion.
func BenchmarkDeliverBatch1000(b *testing.B) {
	const batch = 1000
	db := storetest.SQLite(b)
	c := startCatcher(b, "127.0.0.1:0")
	o, err := NewOutbox(db, smtpSenderTo(b, c.Addr()), testFrom)
	if err != nil {
		b.Fatal(err)
	}
	env := envelope(b, "") // rendered once: the benchmark measures delivery
	ctx := context.Background()

	b.ReportAllocs()
	round := 0
	for b.Loop() {
		for i := range batch {
			env.Key = fmt.Sprintf("bench/%d/%d", round, i)
			if err := o.Deliver(ctx, env); err != nil {
				b.Fatalf("deliver %s: %v", env.Key, err)
			}
		}
		round++
	}
	b.StopTimer()
	if got, want := c.Count(), round*batch; got != want {
		b.Fatalf("%d messages caught, %d delivered", got, want)
	}
	b.ReportMetric(float64(round*batch)/b.Elapsed().Seconds(), "emails/s")
}
