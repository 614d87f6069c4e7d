package mail

import (
	"context"
	"fmt"
	"testing"

	"github.com/dian-p104/aap/internal/store/storetest"
)

const benchBatch = 1000

// BenchmarkReminders1000 sends 1,000 distinct reminders through the outbox
// to a local catcher on SQLite, both ways: one SMTP connection per message
// (Deliver) and one connection for the whole batch (DeliverBatch, unpaced).
// Each prints emails/s; there is no timing assertion:
//
//	go test -run XXX -bench Reminders1000 ./mail
func BenchmarkReminders1000(b *testing.B) {
	b.Run("connection-per-message", func(b *testing.B) {
		benchmarkReminders(b, func(ctx context.Context, o *Outbox, envs []Envelope) {
			for _, e := range envs {
				if err := o.Deliver(ctx, e); err != nil {
					b.Fatalf("deliver %s: %v", e.Key, err)
				}
			}
		})
	})
	b.Run("one-connection", func(b *testing.B) {
		benchmarkReminders(b, func(ctx context.Context, o *Outbox, envs []Envelope) {
			res := o.DeliverBatch(ctx, envs, 0)
			if len(res.Sent) != len(envs) {
				b.Fatalf("%d of %d sent: refused %v, retry %v", len(res.Sent), len(envs), res.Refused, res.Retry)
			}
		})
	})
}

func benchmarkReminders(b *testing.B, send func(context.Context, *Outbox, []Envelope)) {
	db := storetest.SQLite(b)
	c := startCatcher(b, "127.0.0.1:0")
	o, err := NewOutbox(db, smtpSenderTo(b, c.Addr()), testFrom)
	if err != nil {
		b.Fatal(err)
	}
	sent := sendRounds(b, o, benchBatch, send)
	if got := c.Count(); got != sent {
		b.Fatalf("%d messages caught, %d delivered", got, sent)
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "emails/s")
}

// sendRounds sends rounds of n distinct copies of one rendered envelope through o, as
// many as the benchmark asks, and returns how many emails were sent.
func sendRounds(b *testing.B, o *Outbox, n int, send func(context.Context, *Outbox, []Envelope)) int {
	template := envelope(b, "") // rendered once: the benchmark measures delivery
	ctx := context.Background()
	b.ReportAllocs()
	round := 0
	for b.Loop() {
		envs := make([]Envelope, n)
		for i := range envs {
			envs[i] = template
			envs[i].Key = fmt.Sprintf("bench/%d/%d", round, i)
		}
		send(ctx, o, envs)
		round++
	}
	b.StopTimer()
	return round * n
}
