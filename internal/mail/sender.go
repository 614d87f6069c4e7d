package mail

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/dian-p104/aap/internal/platform/config"
)

// Sender hands messages to an SMTP relay.
type Sender interface {
	// Send delivers msgs over one connection opened for the call.
	Send(ctx context.Context, msgs ...*gomail.Msg) error
	// Open dials one connection for a batch of messages sent one by one.
	Open(ctx context.Context) (Session, error)
}

// Session is one open SMTP connection (*gomail.Client once dialled).
type Session interface {
	Send(msgs ...*gomail.Msg) error
	Close() error
}

// SMTPSender sends through one SMTP connection per call (go-mail).
type SMTPSender struct {
	conf config.SMTP
	// tlsConfig replaces go-mail's default TLS settings (nil: the system's roots, the
	// relay's host name); the benchmarks trust their relay's self-signed certificate with it.
	tlsConfig *tls.Config
}

// NewSMTPSender returns a sender for the relay (or the dev catcher).
func NewSMTPSender(conf config.SMTP) *SMTPSender { return &SMTPSender{conf: conf} }

// Send delivers msgs over a single connection. The error of each refused
// message is a *gomail.SendError in the returned error.
func (s *SMTPSender) Send(ctx context.Context, msgs ...*gomail.Msg) error {
	client, err := s.client()
	if err != nil {
		return err
	}
	return client.DialAndSendWithContext(ctx, msgs...)
}

// Open dials the relay once; the session sends messages one at a time on that connection.
func (s *SMTPSender) Open(ctx context.Context) (Session, error) {
	client, err := s.client()
	if err != nil {
		return nil, err
	}
	if err := client.DialWithContext(ctx); err != nil {
		return nil, err
	}
	return client, nil
}

func (s *SMTPSender) client() (*gomail.Client, error) {
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
	if s.tlsConfig != nil {
		opts = append(opts, gomail.WithTLSConfig(s.tlsConfig))
	}
	if s.conf.Username != "" {
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(s.conf.Username), gomail.WithPassword(s.conf.Password))
	}
	client, err := gomail.NewClient(host, opts...)
	if err != nil {
		return nil, fmt.Errorf("smtp client: %w", err)
	}
	return client, nil
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
		switch sendErr.Reason {
		case gomail.ErrGetSender, gomail.ErrGetRcpts, gomail.ErrNoUnencoded:
			return true // the message itself cannot be sent as it is
		case gomail.ErrConnCheck:
			return false // the connection, not the message
		}
		// Only a 5xx reply refuses the message for good. go-mail's IsTemp is
		// false for every error without a 4xx reply, a connection lost
		// mid-message included: that one is worth a retry.
		code := sendErr.ErrorCode()
		return code >= 500 && code <= 599
	}
	return false
}

// PermanentError is a delivery refused for good.
type PermanentError struct{ Err error }

func (e *PermanentError) Error() string { return "permanent delivery failure: " + e.Err.Error() }
func (e *PermanentError) Unwrap() error { return e.Err }
