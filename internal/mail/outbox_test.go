package mail

// Exactly-once delivery through the outbox, against a real SMTP listener (the
// mail catcher) and the real go-mail sender, on SQLite and on PostgreSQL when
// AAP_TEST_DATABASE_URL is set.

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	gomail "github.com/wneessen/go-mail"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

const key = "aap/2027/dep-69/0193f5a2/campaign-published/correspondent"

// requireTransient checks that err is a failure a retry may fix.
func requireTransient(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	var refused *PermanentError
	require.False(t, errors.As(err, &refused), "transient failure reported as *PermanentError: %v", err)
	require.False(t, IsPermanent(err), "IsPermanent(%v)", err)
}

// requirePermanent checks that err is a *PermanentError.
func requirePermanent(t *testing.T, err error) {
	t.Helper()
	require.Error(t, err)
	var refused *PermanentError
	require.True(t, errors.As(err, &refused), "want a *PermanentError, got %T: %v", err, err)
	require.True(t, IsPermanent(err))
}

func TestDeliverSameKeyOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()

		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)), "the second Deliver of a sent key succeeds without sending")

		list := caught(t, r.catcher)
		require.Len(t, list, 1, "one message for one key")
		assert.EqualValues(t, 1, r.sender.calls.Load(), "the relay is contacted once")
		assert.Equal(t, "<"+r.outbox.MessageID(key)+">", list[0].MessageID, "Message-ID derived from the key")
		assert.NotContains(t, strings.ToLower(list[0].MessageID), strings.ToLower(testRecipient), "the Message-ID carries no address")
		assert.NotContains(t, list[0].MessageID, "correspondant")
		assert.True(t, strings.HasSuffix(list[0].MessageID, "@aap.test>"), "Message-ID in the sender's domain: %s", list[0].MessageID)
		assert.Equal(t, []string{testRecipient}, list[0].To)

		e := row(t, db, key)
		assert.Equal(t, models.EmailSent, e.State)
		assert.Equal(t, 1, e.Attempts)
		assert.Empty(t, e.LastError)
		assert.Nil(t, e.LeaseUntil, "the lease is released")
		require.NotNil(t, e.SentAt)
		assert.True(t, e.SentAt.Equal(r.clock.Now()), "sent_at is the outbox's clock: %v", e.SentAt)
		assert.Equal(t, r.outbox.MessageID(key), e.MessageID)
		assert.Equal(t, testRecipient, e.Recipient)
		assert.Equal(t, TemplateCampaignPublished, e.Purpose)
		assert.Equal(t, envelope(t, key).Content.Subject, e.Subject)

		other := key + "/2"
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, other)))
		list = caught(t, r.catcher)
		require.Len(t, list, 2, "another key is another email")
		assert.Equal(t, "<"+r.outbox.MessageID(other)+">", list[1].MessageID)
		assert.NotEqual(t, list[0].MessageID, list[1].MessageID)
		assert.Equal(t, models.EmailSent, row(t, db, other).State)
	})
}

func TestMessageIDStable(t *testing.T) {
	o1, err := NewOutbox(nil, nil, testFrom)
	require.NoError(t, err)
	o2, err := NewOutbox(nil, nil, "Autre nom <no-reply@aap.test>")
	require.NoError(t, err)
	assert.Equal(t, o1.MessageID(key), o2.MessageID(key), "the same key gives the same Message-ID in every process")
	assert.NotEqual(t, o1.MessageID(key), o1.MessageID(key+"x"))
	assert.Regexp(t, `^[0-9a-f]{32}@aap\.test$`, o1.MessageID(key))

	_, err = NewOutbox(nil, nil, "pas une adresse")
	assert.Error(t, err)
}

func TestDeliverTemporaryRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()

		r.catcher.FailNext(1, 451, "Greylisted, try again later")
		err := r.outbox.Deliver(ctx, envelope(t, key))
		requireTransient(t, err)
		assert.Contains(t, err.Error(), "451")
		assert.Zero(t, r.catcher.Count(), "refused: nothing caught")

		e := row(t, db, key)
		assert.Equal(t, models.EmailPending, e.State, "back to pending for the next attempt")
		assert.Contains(t, e.LastError, "451")
		assert.Contains(t, e.LastError, "Greylisted")
		assert.Equal(t, 1, e.Attempts)
		assert.Nil(t, e.LeaseUntil, "the lease is released at once, the retry need not wait for it")
		assert.Nil(t, e.SentAt)

		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)), "the retry sends it")
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))
		assert.Equal(t, 1, r.catcher.Count(), "exactly one message in total")
		e = row(t, db, key)
		assert.Equal(t, models.EmailSent, e.State)
		assert.Equal(t, 2, e.Attempts)
		assert.Empty(t, e.LastError, "the error of the failed attempt is cleared once sent")
	})
}

func TestDeliverPermanentRefusal(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()

		r.catcher.FailNext(1, 550, "Mailbox unavailable")
		err := r.outbox.Deliver(ctx, envelope(t, key))
		requirePermanent(t, err)
		assert.Contains(t, err.Error(), "550")

		e := row(t, db, key)
		assert.Equal(t, models.EmailFailed, e.State)
		assert.Contains(t, e.LastError, "550")
		assert.Contains(t, e.LastError, "Mailbox unavailable")
		assert.Nil(t, e.LeaseUntil)
		assert.EqualValues(t, 1, r.sender.calls.Load())

		// A retried activity: refused again at once, from the row alone.
		err = r.outbox.Deliver(ctx, envelope(t, key))
		requirePermanent(t, err)
		assert.Contains(t, err.Error(), "Mailbox unavailable", "the recorded refusal is given back")
		assert.EqualValues(t, 1, r.sender.calls.Load(), "a failed email does not contact the relay again")
		assert.Zero(t, r.catcher.Count())
		e = row(t, db, key)
		assert.Equal(t, models.EmailFailed, e.State)
		assert.Equal(t, 1, e.Attempts)
	})
}

func TestDeliverMalformedRecipient(t *testing.T) {
	for _, tc := range []struct{ name, to string }{
		{"no at sign", "pas-une-adresse"},
		{"empty", ""},
		{"two at signs", "a@b@rhone.gouv.fr"},
		{"header injection", "correspondant@rhone.gouv.fr\r\nBcc: victime@example.org"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, db *gorm.DB) {
				r := newRig(t, db)
				ctx := context.Background()
				env := envelope(t, key)
				env.To = tc.to

				err := r.outbox.Deliver(ctx, env)
				requirePermanent(t, err)
				assert.Zero(t, r.sender.calls.Load(), "nothing handed to the relay")
				assert.Zero(t, r.catcher.Count(), "nothing sent")
				e := row(t, db, key)
				assert.Equal(t, models.EmailFailed, e.State)
				assert.Contains(t, e.LastError, "destinataire")

				requirePermanent(t, r.outbox.Deliver(ctx, env))
				assert.Zero(t, r.sender.calls.Load())
			})
		})
	}
}

func TestDeliverRelayDownThenUp(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		addr := closedAddr(t)
		r := newRigWithSender(t, db, nil, smtpSenderTo(t, addr))

		err := r.outbox.Deliver(ctx, envelope(t, key))
		requireTransient(t, err)
		e := row(t, db, key)
		assert.Equal(t, models.EmailPending, e.State)
		assert.NotEmpty(t, e.LastError)
		assert.Equal(t, 1, e.Attempts)

		requireTransient(t, r.outbox.Deliver(ctx, envelope(t, key)))
		assert.Equal(t, 2, row(t, db, key).Attempts)

		// The relay comes back on the same address.
		c := startCatcher(t, addr)
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))
		assert.Equal(t, 1, c.Count(), "sent once when the relay is up")
		e = row(t, db, key)
		assert.Equal(t, models.EmailSent, e.State)
		assert.Equal(t, 3, e.Attempts)
	})
}

// The activity is retried after the relay accepted the message (the worker
// timed out, lost its heartbeat, was restarted…): the retry finds the row sent.
func TestDeliverRetriedAfterAcceptance(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))

		// Another worker process, same database and relay.
		other := newRigWithSender(t, db, r.catcher, smtpSenderTo(t, r.catcher.Addr()))
		for range 3 {
			require.NoError(t, other.outbox.Deliver(ctx, envelope(t, key)))
		}
		assert.Equal(t, 1, r.catcher.Count(), "no second message")
		assert.Zero(t, other.sender.calls.Load(), "the retry does not contact the relay")
		assert.Equal(t, 1, row(t, db, key).Attempts)
	})
}

// The one window exactly-once cannot close: the worker dies after the relay's
// 250 and before the row is marked sent. The row stays "sending" until its
// lease expires; then one more attempt sends the email again, once, with the
// same Message-ID, so that the duplicate is recognisable.
func TestDeliverCrashBetweenAcceptanceAndUpdate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))

		// What the dead worker left: its claim, never finished.
		setRow(t, db, key, map[string]any{
			"state": models.EmailSending, "sent_at": nil,
			"lease_until": r.clock.Now().Add(leaseDuration),
		})
		assert.ErrorIs(t, r.outbox.Deliver(ctx, envelope(t, key)), ErrInFlight, "while the lease runs, nobody else sends")
		assert.Equal(t, 1, r.catcher.Count())

		r.clock.Advance(leaseDuration + time.Second)
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)), "the lease expired: taken over and sent again")
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)))

		list := caught(t, r.catcher)
		require.Len(t, list, 2, "the window costs one duplicate, no more")
		assert.Equal(t, list[0].MessageID, list[1].MessageID, "the duplicate has the same Message-ID")
		assert.Equal(t, "<"+r.outbox.MessageID(key)+">", list[1].MessageID)
		e := row(t, db, key)
		assert.Equal(t, models.EmailSent, e.State)
		assert.Equal(t, 2, e.Attempts)
	})
}

func TestDeliverLeaseHeldByAnotherAttempt(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()

		// Another attempt claimed the email a moment ago and is sending it.
		r.catcher.FailNext(1, 451, "later")
		requireTransient(t, r.outbox.Deliver(ctx, envelope(t, key)))
		setRow(t, db, key, map[string]any{"state": models.EmailSending, "lease_until": r.clock.Now().Add(time.Minute)})

		err := r.outbox.Deliver(ctx, envelope(t, key))
		require.ErrorIs(t, err, ErrInFlight)
		assert.False(t, IsPermanent(err), "in flight is worth retrying")
		assert.EqualValues(t, 1, r.sender.calls.Load(), "nothing sent while another attempt holds the lease")
		assert.Zero(t, r.catcher.Count())
		e := row(t, db, key)
		assert.Equal(t, models.EmailSending, e.State, "the other attempt's claim is left alone")
		assert.Equal(t, 1, e.Attempts)

		r.clock.Advance(time.Minute - time.Second)
		require.ErrorIs(t, r.outbox.Deliver(ctx, envelope(t, key)), ErrInFlight, "still held one second before the end of the lease")
		r.clock.Advance(2 * time.Second)
		require.NoError(t, r.outbox.Deliver(ctx, envelope(t, key)), "taken over once the lease has expired")
		assert.Equal(t, 1, r.catcher.Count())
	})
}

func TestDeliverConcurrentSameKey(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()
		env := envelope(t, key)

		const workers = 5
		errs := make([]error, workers)
		start := make(chan struct{})
		var wg sync.WaitGroup
		for i := range workers {
			wg.Go(func() {
				<-start
				errs[i] = r.outbox.Deliver(ctx, env)
			})
		}
		close(start)
		wg.Wait()

		succeeded := 0
		for i, err := range errs {
			if err == nil {
				succeeded++
				continue
			}
			assert.ErrorIs(t, err, ErrInFlight, "worker %d", i)
		}
		assert.GreaterOrEqual(t, succeeded, 1, "the winner succeeds")
		assert.Equal(t, 1, r.catcher.Count(), "exactly one message caught")
		assert.EqualValues(t, 1, r.sender.calls.Load(), "one attempt contacted the relay")

		for range 3 {
			require.NoError(t, r.outbox.Deliver(ctx, env), "once sent, every later call returns nil")
		}
		assert.Equal(t, 1, r.catcher.Count())
		e := row(t, db, key)
		assert.Equal(t, models.EmailSent, e.State)
		assert.Equal(t, 1, e.Attempts)
	})
}

// A context already cancelled is a transient failure that leaves nothing to undo.
func TestDeliverContextCancelledBeforeClaim(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		err := r.outbox.Deliver(ctx, envelope(t, key))
		requireTransient(t, err)
		assert.Zero(t, r.catcher.Count())
		require.NoError(t, r.outbox.Deliver(context.Background(), envelope(t, key)))
		assert.Equal(t, 1, r.catcher.Count())
	})
}

func TestDeliveredMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		env := envelope(t, key)
		require.NoError(t, r.outbox.Deliver(context.Background(), env))
		m := onlyMessage(t, r.catcher)

		assert.Equal(t, env.Content.Subject, m.Subject, "subject decoded back to the rendered one")
		assert.Contains(t, m.Header.Get("Subject"), "=?", "the accented subject is RFC 2047 encoded on the wire")
		assert.Equal(t, "auto-generated", m.Header.Get("Auto-Submitted"))
		assert.Equal(t, "<"+r.outbox.MessageID(key)+">", m.Header.Get("Message-Id"))
		assert.Contains(t, m.Header.Get("Reply-To"), "ddets-integration@rhone.gouv.fr")
		assert.Contains(t, m.Header.Get("To"), testRecipient)
		assert.Contains(t, m.Header.Get("From"), "no-reply@aap.test")
		assert.Equal(t, "AAP intégration", fromName(t, m), "the sender's display name survives encoding")
		_, err := m.Header.Date()
		assert.NoError(t, err, "a valid Date header")

		mediaType := m.Header.Get("Content-Type")
		assert.True(t, strings.HasPrefix(mediaType, "multipart/mixed"), "text, HTML and attachment: %s", mediaType)
		assert.Contains(t, string(m.Raw), "multipart/alternative", "text and HTML are alternatives")
		assert.Equal(t, env.Content.Text, normalizeNewlines(m.TextBody), "the text part")
		assert.Equal(t, env.Content.HTML, normalizeNewlines(m.HTMLBody), "the HTML part")

		require.Len(t, m.Attachments, 1)
		a := m.Attachments[0]
		assert.Equal(t, "cloture.ics", a.Filename)
		assert.Equal(t, "text/calendar", a.ContentType)
		assert.Equal(t, string(env.Attachment.Data), string(a.Content), "the .ics arrives byte for byte, CRLF included")
	})
}

func TestDeliveredMessageWithoutAttachmentOrReplyTo(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		env := envelope(t, key)
		env.Attachment, env.ReplyTo = nil, ""
		require.NoError(t, r.outbox.Deliver(context.Background(), env))
		m := onlyMessage(t, r.catcher)

		assert.True(t, strings.HasPrefix(m.Header.Get("Content-Type"), "multipart/alternative"), m.Header.Get("Content-Type"))
		assert.Empty(t, m.Attachments)
		assert.Empty(t, m.Header.Get("Reply-To"))
		assert.Equal(t, "auto-generated", m.Header.Get("Auto-Submitted"))
		assert.Equal(t, env.Content.Text, normalizeNewlines(m.TextBody))
		assert.Equal(t, env.Content.HTML, normalizeNewlines(m.HTMLBody))
	})
}

func normalizeNewlines(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

func fromName(t *testing.T, m *mailcatcher.Message) string {
	t.Helper()
	list, err := m.Header.AddressList("From")
	require.NoError(t, err)
	require.Len(t, list, 1)
	return list[0].Name
}

// blockedSender holds every Send until release is closed: a relay slower than the lease.
type blockedSender struct {
	Sender
	sending chan struct{} // closed when the first Send arrives
	release chan struct{}
	once    sync.Once
}

func (s *blockedSender) Send(ctx context.Context, msgs ...*gomail.Msg) error {
	s.once.Do(func() { close(s.sending) })
	<-s.release
	return s.Sender.Send(ctx, msgs...)
}

// A live attempt keeps renewing its lease however slow the relay: another attempt still
// finds the email in flight after leaseDuration has passed, and nothing is sent twice.
// (A dead attempt stops renewing: TestDeliverCrashBetweenAcceptanceAndUpdate.)
func TestDeliverSlowRelayKeepsItsLease(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		c := startCatcher(t, "127.0.0.1:0")
		slow := &blockedSender{Sender: smtpSenderTo(t, c.Addr()), sending: make(chan struct{}), release: make(chan struct{})}
		r := newRigWithSender(t, db, c, slow)
		r.outbox.renewEvery = 10 * time.Millisecond
		ctx := context.Background()

		first := make(chan error, 1)
		go func() { first <- r.outbox.Deliver(ctx, envelope(t, key)) }()
		<-slow.sending
		r.clock.Advance(leaseDuration + time.Second)
		require.Eventually(t, func() bool {
			l := row(t, db, key).LeaseUntil
			return l != nil && l.After(r.clock.Now())
		}, 5*time.Second, 10*time.Millisecond,
			"the lease is renewed from the clock's now while the send goes on")
		require.ErrorIs(t, r.outbox.Deliver(ctx, envelope(t, key)), ErrInFlight, "past the first lease, the live send still holds the email")

		close(slow.release)
		require.NoError(t, <-first)
		assert.Equal(t, 1, r.catcher.Count(), "sent once")
		e := row(t, db, key)
		assert.Equal(t, models.EmailSent, e.State)
		assert.Nil(t, e.LeaseUntil, "the lease is released once sent")
	})
}
