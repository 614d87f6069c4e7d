package mail

// Relay misbehaviour the mail catcher cannot produce: a connection that drops
// in the middle of a message or right after the 250, a QUIT that fails. A
// tiny scripted SMTP server plays the relay.

import (
	"context"
	"net"
	"net/textproto"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

type relayFault int

const (
	dropDuringData  relayFault = iota // the connection drops before the end of DATA is answered
	dropAfterAccept                   // 250 to the end of DATA, then the connection drops
	refuseQuit                        // all goes well but QUIT is answered 421
	refuseRcpt                        // the recipient is refused: 550 5.1.1
	deferRcpt                         // the recipient is deferred: 450 4.2.1
)

// scriptedRelay is a minimal SMTP server misbehaving in one way.
type scriptedRelay struct {
	ln       net.Listener
	fault    relayFault
	accepted atomic.Int64 // messages answered 250
	wg       sync.WaitGroup
}

func startScriptedRelay(t *testing.T, fault relayFault) *scriptedRelay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r := &scriptedRelay{ln: ln, fault: fault}
	r.wg.Go(func() {
		for {
			conn, err := ln.Accept()
			if err != nil {
				return
			}
			r.wg.Go(func() { r.serve(conn) })
		}
	})
	t.Cleanup(func() {
		_ = ln.Close()
		r.wg.Wait()
	})
	return r
}

func (r *scriptedRelay) Addr() string { return r.ln.Addr().String() }

func (r *scriptedRelay) serve(conn net.Conn) {
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(10 * time.Second))
	tp := textproto.NewConn(conn)
	reply := func(line string) bool { return tp.PrintfLine("%s", line) == nil }
	if !reply("220 relay.test ESMTP") {
		return
	}
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		verb, _, _ := strings.Cut(strings.ToUpper(line), " ")
		switch verb {
		case "EHLO":
			_ = reply("250-relay.test")
			_ = reply("250 8BITMIME")
		case "RCPT":
			switch r.fault {
			case refuseRcpt:
				_ = reply("550 5.1.1 User unknown")
			case deferRcpt:
				_ = reply("450 4.2.1 Mailbox busy, try later")
			default:
				_ = reply("250 2.1.5 OK")
			}
		case "HELO", "MAIL", "RSET", "NOOP":
			_ = reply("250 2.0.0 OK")
		case "DATA":
			_ = reply("354 Go ahead")
			if r.fault == dropDuringData {
				_, _ = tp.ReadLine() // the first header line, then the connection is lost
				return
			}
			if _, err := tp.ReadDotBytes(); err != nil {
				return
			}
			r.accepted.Add(1)
			_ = reply("250 2.0.0 Queued as 4F2A")
			if r.fault == dropAfterAccept {
				return
			}
		case "QUIT":
			if r.fault == refuseQuit {
				_ = reply("421 4.3.2 Shutting down")
			} else {
				_ = reply("221 2.0.0 Bye")
			}
			return
		default:
			_ = reply("502 5.5.2 Command not implemented")
		}
	}
}

// A connection lost before the relay answered the message is worth a retry:
// the relay never took responsibility for it.
func TestDeliverConnectionLostDuringData(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		relay := startScriptedRelay(t, dropDuringData)
		r := newRigWithSender(t, db, nil, smtpSenderTo(t, relay.Addr()))
		ctx := context.Background()

		err := r.outbox.Deliver(ctx, envelope(t, key))
		requireTransient(t, err)
		assert.Zero(t, relay.accepted.Load())
		e := row(t, db, key)
		assert.Equal(t, models.EmailPending, e.State, "a lost connection is not a refusal")
		assert.NotEmpty(t, e.LastError)

		// The next attempt, through a relay that works.
		c := startCatcher(t, "127.0.0.1:0")
		other := newRigWithSender(t, db, c, smtpSenderTo(t, c.Addr()))
		require.NoError(t, other.outbox.Deliver(ctx, envelope(t, key)))
		assert.Equal(t, 1, c.Count())
		assert.Equal(t, models.EmailSent, row(t, db, key).State)
	})
}

// Once the relay has answered 250, the email is delivered, whatever happens
// to the connection afterwards (RSET or QUIT failing): the row is marked sent
// and a retry sends nothing.
func TestDeliverAcceptedDespiteConnectionTrouble(t *testing.T) {
	for _, tc := range []struct {
		name  string
		fault relayFault
	}{
		{"connection lost after the 250", dropAfterAccept},
		{"QUIT refused after the 250", refuseQuit},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *gorm.DB) {
				relay := startScriptedRelay(t, tc.fault)
				r := newRigWithSender(t, db, nil, smtpSenderTo(t, relay.Addr()))
				ctx := context.Background()

				require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)), "the relay accepted the message")
				e := row(t, db, key)
				assert.Equal(t, models.EmailSent, e.State)
				assert.Empty(t, e.LastError)

				require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))
				assert.EqualValues(t, 1, relay.accepted.Load(), "not sent twice")
				assert.EqualValues(t, 1, r.sender.calls.Load())
			})
		})
	}
}

func TestDeliverRecipientRefusedOrDeferred(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()

		refusing := startScriptedRelay(t, refuseRcpt)
		r := newRigWithSender(t, db, nil, smtpSenderTo(t, refusing.Addr()))
		err := r.outbox.Deliver(ctx, envelope(t, key))
		requirePermanent(t, err)
		assert.Contains(t, err.Error(), "550")
		assert.Equal(t, models.EmailFailed, row(t, db, key).State)

		deferring := startScriptedRelay(t, deferRcpt)
		r = newRigWithSender(t, db, nil, smtpSenderTo(t, deferring.Addr()))
		err = r.outbox.Deliver(ctx, envelope(t, key+"/2"))
		requireTransient(t, err)
		assert.Contains(t, err.Error(), "450")
		assert.Equal(t, models.EmailPending, row(t, db, key+"/2").State)
	})
}

// DeliverBatch keeps the same rule on its shared connection: accepted means sent.
func TestDeliverBatchAcceptedThenConnectionLost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		relay := startScriptedRelay(t, dropAfterAccept)
		r := newRigWithSender(t, db, nil, smtpSenderTo(t, relay.Addr()))
		ctx := context.Background()

		res := r.outbox.DeliverBatch(ctx, []Envelope{envelope(t, key)}, 0)
		assert.Equal(t, []string{key}, res.Sent, "refused: %v, retry: %v", res.Refused, res.Retry)
		assert.Equal(t, models.EmailSent, row(t, db, key).State)
		assert.EqualValues(t, 1, relay.accepted.Load())
	})
}
