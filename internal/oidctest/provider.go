// Package oidctest runs a real OpenID Provider in the test process (zitadel's
// op package, on an in-memory storage written here) for the agents' sign-in
// tests: discovery, authorization code with PKCE, signed ID tokens, userinfo,
// end-session. A test says who authenticates next (SignInAs); the provider's
// login step then completes at once, as a person typing their password would.
// Without SignInAs, the login step is a form where a browser types the email
// (login.go).
package oidctest

import (
	"crypto/rand"
	"crypto/rsa"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/zitadel/oidc/v3/pkg/op"
)

// Client of the provider: the identifiers the engine is configured with.
const (
	ClientID     = "aap-test"
	ClientSecret = "aap-test-secret"
)

// Person is who authenticates at the provider.
type Person struct {
	Subject, Email string
	// EmailInIDToken puts the email in the ID token too; ProConnect gives it through userinfo only.
	EmailInIDToken bool
}

// Provider is a running OpenID Provider; Issuer is its URL.
type Provider struct {
	Issuer string
	store  *storage
}

// Start runs a provider until the test ends.
func Start(t testing.TB) *Provider {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	s := newStorage(key)
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	var cryptoKey [32]byte
	_, _ = rand.Read(cryptoKey[:])
	provider, err := op.NewProvider(&op.Config{CryptoKey: cryptoKey, CodeMethodS256: true,
		DefaultLogoutRedirectURI: "/signed-out"}, s, op.StaticIssuer(srv.URL), op.WithAllowInsecure())
	if err != nil {
		t.Fatal(err)
	}
	s.callback = func(id string) string { return srv.URL + "/authorize/callback?id=" + id }
	mux.HandleFunc("/login", s.login)
	mux.HandleFunc("/signed-out", func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write([]byte("signed out")) })
	mux.Handle("/", provider)
	return &Provider{Issuer: srv.URL, store: s}
}

// Register makes the engine a client of the provider, sending agents back to redirectURL
// and, after the sign-out, to postLogoutURL.
func (p *Provider) Register(redirectURL, postLogoutURL string) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.redirects = []string{redirectURL}
	p.store.postLogout = []string{postLogoutURL}
}

// SignInAs says who authenticates at the provider's next logins; without it, the login page asks.
func (p *Provider) SignInAs(person Person) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.next = person
}

// SetIDTokenLifetime sets how long the next ID tokens are valid (1 hour by default).
func (p *Provider) SetIDTokenLifetime(d time.Duration) {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	p.store.idTokenLifetime = d
}

// EndedSessions counts the sign-outs the provider received for a subject.
func (p *Provider) EndedSessions(subject string) int {
	p.store.mu.Lock()
	defer p.store.mu.Unlock()
	return p.store.ended[subject]
}
