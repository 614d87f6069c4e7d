package mail

import (
	"context"
	"errors"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// BatchResult tells what became of each email of a batch, by key.
type BatchResult struct {
	Sent    []string         // accepted by the relay now or before
	Refused map[string]error // refused for good (*PermanentError)
	Retry   map[string]error // not sent this time: a later batch may succeed
}

// DeliverBatch sends many emails due at the same moment (the PNE invitations
// of a whole region, say) over one SMTP connection, at most perSecond messages
// per second (0: no limit) so as not to trip a relay's rate limit. Each email
// keeps the outbox's guarantee: an email already sent is skipped, and a
// repeated batch sends only what is left.
func (o *Outbox) DeliverBatch(ctx context.Context, envelopes []Envelope, perSecond int) BatchResult {
	return o.DeliverBatchReporting(ctx, envelopes, perSecond, nil)
}

// DeliverBatchReporting is DeliverBatch calling handled (nil: nothing) after each email, in
// order, with its index in envelopes and what became of it (nil: sent, now or before), so
// that a long batch can heartbeat its progress.
func (o *Outbox) DeliverBatchReporting(ctx context.Context, envelopes []Envelope, perSecond int, handled func(i int, err error)) BatchResult {
	res := BatchResult{Refused: map[string]error{}, Retry: map[string]error{}}
	session, dialErr := o.sender.Open(ctx)
	if session != nil {
		defer session.Close()
	}
	pace := newPacer(perSecond)
	for i, e := range envelopes {
		err := dialErr
		if err == nil {
			err = pace.wait(ctx)
		}
		if err == nil {
			err = o.deliverOn(ctx, session, e)
		}
		var refused *PermanentError
		switch {
		case err == nil:
			res.Sent = append(res.Sent, e.Key)
		case errors.As(err, &refused):
			res.Refused[e.Key] = err
		default:
			res.Retry[e.Key] = err
		}
		if handled != nil {
			handled(i, err)
		}
	}
	return res
}

// deliverOn is Deliver on an open session.
func (o *Outbox) deliverOn(ctx context.Context, session Session, e Envelope) error {
	return o.deliverWith(ctx, e, func(msg *gomail.Msg) error { return session.Send(msg) })
}

// pacer spaces sends evenly: perSecond messages per second at most.
type pacer struct {
	interval time.Duration
	next     time.Time
}

func newPacer(perSecond int) *pacer {
	if perSecond <= 0 {
		return &pacer{}
	}
	return &pacer{interval: time.Second / time.Duration(perSecond)}
}

func (p *pacer) wait(ctx context.Context) error {
	if p.interval == 0 {
		return ctx.Err()
	}
	now := time.Now()
	if p.next.After(now) {
		t := time.NewTimer(p.next.Sub(now))
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
		now = p.next
	}
	p.next = now.Add(p.interval)
	return nil
}
