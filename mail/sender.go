package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/dian-p104/aap/config"
)

// Sender hands messages to an SMTP relay.
type Sender interface {
	Send(ctx context.Context, msgs ...*gomail.Msg) error
}

// SMTPSender sends through one SMTP connection per call (go-mail).
type SMTPSender struct {
	conf config.SMTP
}

// NewSMTPSender returns a sender for the relay (or the dev catcher).
func NewSMTPSender(conf config.SMTP) *SMTPSender { return &SMTPSender{conf: conf} }

// Send delivers msgs over a single connection. The error of each refused
// message is a *gomail.SendError in the returned error.
func (s *SMTPSender) Send(ctx context.Context, msgs ...*gomail.Msg) error {
	host := s.conf.Host
	if host == "" {
		host = "127.0.0.1" // the built-in catcher of `aap dev`
	}
	opts := []gomail.Option{gomail.WithPort(s.conf.Port), gomail.WithTimeout(30 * time.Second)}
	switch {
	case s.conf.Port == 465:
		opts = append(opts, gomail.WithSSL()) // implicit TLS
	case s.conf.TLS == config.TLSMandatory:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSMandatory))
	case s.conf.TLS == config.TLSOpportunistic:
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic))
	default:
		opts = append(opts, gomail.WithTLSPolicy(gomail.NoTLS))
	}
	if s.conf.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.conf.Username), gomail.WithPassword(s.conf.Password))
	}
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		return fmt.Errorf("smtp client: %w", err)
	}
	return client.DialAndSendWithContext(ctx, msgs...)
}

// IsPermanent tells an error that retrying cannot fix (a 5xx answer, a
// malformed address) from a transient one (connection refused, timeout, 4xx).
func IsPermanent(err error) bool {
	var refused *PermanentError
	if errors.As(err, &refused) {
		return true
	}
	var sendErr *gomail.SendError
	if errors.As(err, &sendErr) {
		return !sendErr.IsTemp()
	}
	return false
}

// PermanentError is a delivery refused for good.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent delivery failure: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }
