package mail

// A relay with the cost a real one has: go-smtp in process on loopback, STARTTLS with a
// self-signed certificate, every message read to its end then dropped. The benchmarks
// send through it; the catcher (plain SMTP, one fsynced file per message) measures a disk.

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"math/big"
	"net"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/platform/config"
)

// tlsRelay counts the messages it accepted.
type tlsRelay struct {
	addr     string
	roots    *x509.CertPool
	accepted atomic.Int64
}

// startTLSRelay serves SMTP with STARTTLS on a free loopback port until the test ends.
func startTLSRelay(t testing.TB) *tlsRelay {
	t.Helper()
	cert, roots := selfSigned(t, "relay.test")
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	r := &tlsRelay{addr: ln.Addr().String(), roots: roots}
	srv := smtp.NewServer(relayBackend{r})
	srv.Domain = "relay.test"
	srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	srv.ReadTimeout, srv.WriteTimeout = 30*time.Second, 30*time.Second
	srv.MaxMessageBytes = 25 << 20
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, smtp.ErrServerClosed) {
			t.Errorf("tls relay: %v", err)
		}
	}()
	t.Cleanup(func() { _ = srv.Close(); <-done })
	return r
}

// sender returns the outbox's real sender aimed at the relay, STARTTLS required,
// trusting the relay's certificate.
func (r *tlsRelay) sender(t testing.TB) *SMTPSender {
	t.Helper()
	host, portStr, err := net.SplitHostPort(r.addr)
	require.NoError(t, err)
	port, err := strconv.Atoi(portStr)
	require.NoError(t, err)
	s := NewSMTPSender(config.SMTP{Host: host, Port: port, TLS: config.TLSMandatory})
	s.tlsConfig = &tls.Config{RootCAs: r.roots, ServerName: "relay.test", MinVersion: tls.VersionTLS12}
	return s
}

// selfSigned makes an ECDSA P-256 certificate for host, and a pool trusting it.
func selfSigned(t testing.TB, host string) (tls.Certificate, *x509.CertPool) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: host}, DNSNames: []string{host},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(24 * time.Hour),
		KeyUsage: x509.KeyUsageDigitalSignature, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	require.NoError(t, err)
	leaf, err := x509.ParseCertificate(der)
	require.NoError(t, err)
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key, Leaf: leaf}, roots
}

type relayBackend struct{ r *tlsRelay }

func (b relayBackend) NewSession(*smtp.Conn) (smtp.Session, error) { return relaySession(b), nil }

// relaySession accepts any sender and recipient and reads each message whole.
type relaySession struct{ r *tlsRelay }

func (relaySession) Reset()                               {}
func (relaySession) Logout() error                        { return nil }
func (relaySession) Mail(string, *smtp.MailOptions) error { return nil }
func (relaySession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s relaySession) Data(r io.Reader) error {
	if _, err := io.Copy(io.Discard, r); err != nil {
		return err
	}
	s.r.accepted.Add(1)
	return nil
}
