package topologytest

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"net"
	"net/mail"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"
)

// received is one message the relay accepted (answered 250 to its DATA).
type received struct {
	MessageID, To, Subject string
	At                     time.Time
}

// relay is a real SMTP receiver with one listener per worker, so that the test knows
// which worker is sending. The first listener to get a message once holdFirst is called
// holds every message at the end of its DATA, before answering: its worker is then
// mid-send, its email not accepted.
type relay struct {
	mu       sync.Mutex
	accepted []received
	held     map[string]time.Time // Message-ID → when the holding listener got it
	arming   bool                 // holdFirst called: the next listener to get a message holds
	holding  string               // the listener that holds
	release  chan struct{}        // closed: held messages are refused (their sender is dead)
	heldOne  chan struct{}        // closed at the first held message
	heldOnce sync.Once
}

func newRelay() *relay {
	return &relay{held: map[string]time.Time{}, release: make(chan struct{}), heldOne: make(chan struct{})}
}

// listen starts a listener named name on a free port and returns its port.
func (r *relay) listen(t *testing.T, name string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	s := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &relaySession{relay: r, listener: name}, nil
	}))
	s.Domain = "relay.test"
	s.ReadTimeout, s.WriteTimeout = time.Minute, time.Minute
	go func() { _ = s.Serve(l) }()
	t.Cleanup(func() {
		r.releaseHeld()
		_ = s.Close()
	})
	return l.Addr().(*net.TCPAddr).Port
}

// holdFirst makes the next listener to get a message hold every message from then on:
// whichever worker sends first (the accusés de réception go in batches, all of them
// possibly from one worker).
func (r *relay) holdFirst() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.arming = true
}

// holder is the listener that holds, "" before any.
func (r *relay) holder() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.holding
}

// releaseHeld refuses the held messages (their sender is gone) and holds nothing more.
func (r *relay) releaseHeld() {
	r.mu.Lock()
	defer r.mu.Unlock()
	select {
	case <-r.release:
	default:
		close(r.release)
	}
}

func (r *relay) heldIDs() map[string]time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := make(map[string]time.Time, len(r.held))
	for id, at := range r.held {
		out[id] = at
	}
	return out
}

func (r *relay) messages() []received {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]received(nil), r.accepted...)
}

// take records a message, or holds it until release and refuses it.
func (r *relay) take(listener string, m received) error {
	r.mu.Lock()
	if r.arming && r.holding == "" {
		r.holding = listener
	}
	holding := r.holding == listener
	if holding {
		select {
		case <-r.release:
			holding = false
		default:
			r.held[m.MessageID] = m.At
		}
	}
	if !holding {
		r.accepted = append(r.accepted, m)
	}
	r.mu.Unlock()
	if !holding {
		return nil
	}
	r.heldOnce.Do(func() { close(r.heldOne) })
	<-r.release
	return errors.New("held message dropped")
}

type relaySession struct {
	relay    *relay
	listener string
}

func (s *relaySession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *relaySession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *relaySession) Reset()                               {}
func (s *relaySession) Logout() error                        { return nil }

func (s *relaySession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	dec := new(mime.WordDecoder)
	subject, err := dec.DecodeHeader(msg.Header.Get("Subject"))
	if err != nil {
		subject = msg.Header.Get("Subject")
	}
	return s.relay.take(s.listener, received{
		MessageID: msg.Header.Get("Message-Id"), To: msg.Header.Get("To"), Subject: subject, At: time.Now(),
	})
}
