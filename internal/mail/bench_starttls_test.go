package mail

import (
	"context"
	"fmt"
	"testing"

	gomail "github.com/wneessen/go-mail"

	"github.com/dian-p104/aap/internal/benchenv"
	"github.com/dian-p104/aap/internal/store/storetest"
)

// BenchmarkSTARTTLS sends a batch of distinct emails (AAP_BENCH_EMAILS, 1,000 by default) to
// an SMTP relay in process that requires STARTTLS (startTLSRelay), the cost a real relay has:
// through the outbox on SQLite, one connection per message (Deliver) and one for the batch
// (DeliverBatch, unpaced); and go-mail alone, the same messages without the outbox, both ways.
// Each prints emails/s; nothing is asserted on the figures:
//
//	go test -run '^$' -bench STARTTLS -benchtime 1x ./internal/mail
func BenchmarkSTARTTLS(b *testing.B) {
	n := benchenv.Size(b, "AAP_BENCH_EMAILS", 1000, 1)
	b.Run("outbox/connection-per-message", func(b *testing.B) {
		benchmarkOutboxTLS(b, n, func(ctx context.Context, o *Outbox, envs []Envelope) {
			for _, e := range envs {
				if err := o.Deliver(ctx, e); err != nil {
					b.Fatalf("deliver %s: %v", e.Key, err)
				}
			}
		})
	})
	b.Run("outbox/one-connection", func(b *testing.B) {
		benchmarkOutboxTLS(b, n, func(ctx context.Context, o *Outbox, envs []Envelope) {
			if res := o.DeliverBatch(ctx, envs, 0); len(res.Sent) != len(envs) {
				b.Fatalf("%d of %d sent: refused %v, retry %v", len(res.Sent), len(envs), res.Refused, res.Retry)
			}
		})
	})
	b.Run("go-mail/connection-per-message", func(b *testing.B) {
		benchmarkGoMailTLS(b, n, func(ctx context.Context, s *SMTPSender, msgs []*gomail.Msg) {
			for _, m := range msgs {
				if err := s.Send(ctx, m); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
	b.Run("go-mail/one-connection", func(b *testing.B) {
		benchmarkGoMailTLS(b, n, func(ctx context.Context, s *SMTPSender, msgs []*gomail.Msg) {
			session, err := s.Open(ctx)
			if err != nil {
				b.Fatal(err)
			}
			defer session.Close()
			for _, m := range msgs {
				if err := session.Send(m); err != nil {
					b.Fatal(err)
				}
			}
		})
	})
}

func benchmarkOutboxTLS(b *testing.B, n int, send func(context.Context, *Outbox, []Envelope)) {
	relay := startTLSRelay(b)
	o, err := NewOutbox(storetest.SQLite(b), relay.sender(b), testFrom)
	if err != nil {
		b.Fatal(err)
	}
	reportEmails(b, relay, sendRounds(b, o, n, send))
}

func benchmarkGoMailTLS(b *testing.B, n int, send func(context.Context, *SMTPSender, []*gomail.Msg)) {
	relay := startTLSRelay(b)
	s := relay.sender(b)
	o, err := NewOutbox(storetest.SQLite(b), s, testFrom) // only to build the same messages
	if err != nil {
		b.Fatal(err)
	}
	e := envelope(b, "")
	ctx := context.Background()
	b.ReportAllocs()
	round := 0
	for b.Loop() {
		msgs := make([]*gomail.Msg, n)
		for i := range msgs {
			m, err := o.build(e, o.MessageID(fmt.Sprintf("bench/%d/%d", round, i)))
			if err != nil {
				b.Fatal(err)
			}
			msgs[i] = m
		}
		send(ctx, s, msgs)
		round++
	}
	b.StopTimer()
	reportEmails(b, relay, round*n)
}

func reportEmails(b *testing.B, relay *tlsRelay, sent int) {
	if got := relay.accepted.Load(); got != int64(sent) {
		b.Fatalf("%d messages accepted by the relay, %d sent", got, sent)
	}
	b.ReportMetric(float64(sent)/b.Elapsed().Seconds(), "emails/s")
}
