package mailcatcher

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"strings"
	"time"

	"github.com/emersion/go-smtp"
)

// backend implements smtp.Backend: every client gets a session, without
// authentication.
type backend struct{ c *Catcher }

func (b *backend) NewSession(conn *smtp.Conn) (smtp.Session, error) {
	remote := ""
	if nc := conn.Conn(); nc != nil {
		remote = nc.RemoteAddr().String()
	}
	return &session{c: b.c, remote: remote}, nil
}

// session implements smtp.Session. go-smtp calls the methods of one session
// sequentially, from the connection's goroutine.
type session struct {
	c      *Catcher
	remote string
	from   string
	to     []string
}

func (s *session) Reset() {
	s.from = ""
	s.to = nil
}

func (s *session) Logout() error { return nil }

// Mail accepts any sender, including the null sender.
func (s *session) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	s.to = nil
	return nil
}

// Rcpt accepts any recipient.
func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

// Data stores the message, or refuses it when FailNext asked so.
func (s *session) Data(r io.Reader) error {
	if fail := s.c.takeFailure(); fail != nil {
		_, _ = io.Copy(io.Discard, r)
		s.c.logger.Info("message refused (FailNext)", "code", fail.Code, "from", s.from, "to", s.to, "remote", s.remote)
		return fail
	}
	id, err := s.c.store(s.from, s.to, r)
	if err != nil {
		var smtpErr *smtp.SMTPError
		if errors.As(err, &smtpErr) {
			return smtpErr // e.g. message too large
		}
		s.c.logger.Error("cannot store the message", "error", err, "from", s.from, "to", s.to)
		return &smtp.SMTPError{
			Code:         451,
			EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message:      "Mail catcher could not store the message",
		}
	}
	s.c.logger.Info("message caught", "id", id, "from", s.from, "to", s.to, "remote", s.remote)
	return nil
}

// store writes one message atomically (temporary file, sync, rename) with
// the envelope headers described in the package documentation, then wakes
// up WaitFor.
func (c *Catcher) store(from string, to []string, r io.Reader) (id string, err error) {
	id, now := c.nextID()
	tmp, err := os.CreateTemp(c.dir, tmpPattern)
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()

	w := bufio.NewWriterSize(tmp, 64<<10)
	fmt.Fprintf(w, "%s: %s\r\n", hdrEnvFrom, headerSafe(from))
	for _, rcpt := range to {
		fmt.Fprintf(w, "%s: %s\r\n", hdrEnvTo, headerSafe(rcpt))
	}
	fmt.Fprintf(w, "%s: %s\r\n", hdrReceivedAt, now.Format(time.RFC3339Nano))
	if _, err = io.Copy(w, r); err != nil {
		return "", err
	}
	if err = w.Flush(); err != nil {
		return "", fmt.Errorf("write: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", fmt.Errorf("sync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", fmt.Errorf("close: %w", err)
	}
	if err = os.Rename(tmp.Name(), c.path(id)); err != nil {
		return "", fmt.Errorf("rename: %w", err)
	}
	c.notify()
	return id, nil
}

// headerSafe keeps a value on one header line.
func headerSafe(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return ' '
		}
		return r
	}, v)
}

// readSummary reads only the header block of a stored message. On a parse
// error it still returns the id and an arrival time (from the id or the file
// modification time) so that the message stays listed.
func (c *Catcher) readSummary(id string) (Summary, error) {
	f, err := os.Open(c.path(id))
	if err != nil {
		return Summary{ID: id}, err
	}
	defer f.Close()
	var modTime time.Time
	if fi, err := f.Stat(); err == nil {
		modTime = fi.ModTime()
	}
	m, err := mail.ReadMessage(bufio.NewReader(f))
	if err != nil {
		return Summary{ID: id, ReceivedAt: fallbackTime(id, modTime)}, fmt.Errorf("parse headers: %w", err)
	}
	return summaryFromHeader(id, m.Header, modTime), nil
}

// summaryFromHeader builds a Summary from the stored headers.
func summaryFromHeader(id string, h mail.Header, modTime time.Time) Summary {
	s := Summary{
		ID:        id,
		From:      h.Get(hdrEnvFrom),
		Subject:   decodeHeader(h.Get("Subject")),
		MessageID: strings.TrimSpace(h.Get("Message-Id")),
	}
	for _, rcpt := range h[hdrEnvTo] {
		if rcpt = strings.TrimSpace(rcpt); rcpt != "" {
			s.To = append(s.To, rcpt)
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(h.Get(hdrReceivedAt))); err == nil {
		s.ReceivedAt = t
	} else {
		s.ReceivedAt = fallbackTime(id, modTime)
	}
	return s
}

func fallbackTime(id string, modTime time.Time) time.Time {
	if n, ok := nanosFromID(id); ok {
		return time.Unix(0, n)
	}
	return modTime
}
