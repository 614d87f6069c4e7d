package mailcatcher

import (
	"errors"
	"io"

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

// FailNext makes the next n delivered messages be refused at DATA time with
// the given SMTP code (4xx = temporary, 5xx = permanent) and message, to test
// senders' retry logic. Codes outside 400–599 are replaced by 451. n <= 0
// clears a pending failure.
func (c *Catcher) FailNext(n int, code int, message string) {
	if code < 400 || code > 599 {
		code = 451
	}
	if message == "" {
		message = "Simulated failure (mailcatcher FailNext)"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n <= 0 {
		c.failLeft, c.failCode, c.failMsg = 0, 0, ""
		return
	}
	c.failLeft, c.failCode, c.failMsg = n, code, message
}

// takeFailure consumes one pending FailNext refusal, if any.
func (c *Catcher) takeFailure() *smtp.SMTPError {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failLeft <= 0 {
		return nil
	}
	c.failLeft--
	return &smtp.SMTPError{
		Code:         c.failCode,
		EnhancedCode: smtp.EnhancedCode{c.failCode / 100, 0, 0},
		Message:      c.failMsg,
	}
}
