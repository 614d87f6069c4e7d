package web

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coreos/go-oidc/v3/oidc"
	"github.com/gin-gonic/gin"
	"golang.org/x/oauth2"
)

// OIDCConfig is the OpenID Provider the agents sign in with (ProConnect):
// AAP_OIDC_ISSUER, AAP_OIDC_CLIENT_ID, AAP_OIDC_CLIENT_SECRET, AAP_OIDC_REDIRECT_URL.
type OIDCConfig struct {
	Issuer, ClientID, ClientSecret string
	// RedirectURL is this service's /connexion/retour as registered with the provider.
	RedirectURL string
}

// OIDC is the client of the provider: authorization code flow with PKCE,
// state and nonce, the provider's discovery document, ID-token checks
// (signature, issuer, audience, expiry, nonce) and sign-out at its end-session endpoint.
// Discovery happens at the first sign-in and is kept once it succeeds, so the
// API starts while the provider is unreachable and signs in once it answers.
type OIDC struct {
	cfg OIDCConfig

	mu         sync.Mutex
	provider   *oidc.Provider
	endSession string
}

// NewOIDC returns the client of the provider cfg names.
func NewOIDC(cfg OIDCConfig) *OIDC { return &OIDC{cfg: cfg} }

// scopes: ProConnect gives the email and names through these (the ID token may carry only "sub").
var scopes = []string{oidc.ScopeOpenID, "email", "given_name", "usual_name"}

// discover reads the provider's discovery document once.
func (o *OIDC) discover(ctx context.Context) (*oidc.Provider, string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.provider != nil {
		return o.provider, o.endSession, nil
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	p, err := oidc.NewProvider(ctx, o.cfg.Issuer)
	if err != nil {
		return nil, "", fmt.Errorf("discovery of %s: %w", o.cfg.Issuer, err)
	}
	var extra struct {
		EndSession string `json:"end_session_endpoint"`
	}
	if err := p.Claims(&extra); err != nil {
		return nil, "", fmt.Errorf("discovery of %s: %w", o.cfg.Issuer, err)
	}
	o.provider, o.endSession = p, extra.EndSession
	return p, o.endSession, nil
}

func (o *OIDC) oauth2(p *oidc.Provider) *oauth2.Config {
	return &oauth2.Config{ClientID: o.cfg.ClientID, ClientSecret: o.cfg.ClientSecret, RedirectURL: o.cfg.RedirectURL,
		Endpoint: p.Endpoint(), Scopes: scopes}
}

// postLogoutURL is where the provider sends the agent after its sign-out: this service's sign-in page.
func (o *OIDC) postLogoutURL() string {
	u, err := url.Parse(o.cfg.RedirectURL)
	if err != nil {
		return ""
	}
	return (&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/connexion", RawQuery: "deconnecte=1"}).String()
}

// endSessionURL is the provider's end-session endpoint for the session idToken
// opened; "" when the provider has none.
func (o *OIDC) endSessionURL(ctx context.Context, idToken string) (string, error) {
	_, endpoint, err := o.discover(ctx)
	if err != nil || endpoint == "" {
		return "", err
	}
	u, err := url.Parse(endpoint)
	if err != nil {
		return "", err
	}
	state, err := newSessionSecret()
	if err != nil {
		return "", err
	}
	q := u.Query()
	q.Set("id_token_hint", idToken)
	q.Set("state", state)
	q.Set("post_logout_redirect_uri", o.postLogoutURL())
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// identity is who the provider says signed in.
type identity struct {
	Subject, Email string
	IDToken        string
}

// loginCookie keeps a sign-in's state, nonce and PKCE verifier between the
// redirect to the provider and its return, signed and for 10 minutes, on the
// return's path only. SameSite=Lax: the return is a cross-site redirect.
const (
	loginCookie = "aap_connexion"
	loginAction = "oidc-login"
	loginTTL    = 10 * time.Minute
	loginPath   = "/connexion/retour"
)

// beginOIDC answers GET /connexion/proconnect: a fresh state, nonce and PKCE
// verifier, kept in the login cookie, and the redirect to the provider.
func (p *pages) beginOIDC(c *gin.Context) {
	prov, _, err := p.d.OIDC.discover(c.Request.Context())
	if err != nil {
		p.d.Logger.Error("sign-in: provider discovery", "error", err, "request_id", c.GetString("request_id"))
		p.signInRefused(c, http.StatusBadGateway, "Le service d'identification ne répond pas ; réessayez dans quelques minutes.")
		return
	}
	state, err1 := newSessionSecret()
	nonce, err2 := newSessionSecret()
	verifier := oauth2.GenerateVerifier()
	value, err3 := p.links.Sign(loginAction, state+" "+nonce+" "+verifier, p.d.Now().Add(loginTTL))
	if err := errors.Join(err1, err2, err3); err != nil {
		p.fail(c, http.StatusInternalServerError, "La connexion n'a pas pu commencer ; l'incident est journalisé.")
		return
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: loginCookie, Value: value, Path: loginPath, MaxAge: int(loginTTL.Seconds()),
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
	to := p.d.OIDC.oauth2(prov).AuthCodeURL(state, oidc.Nonce(nonce), oauth2.S256ChallengeOption(verifier))
	c.Redirect(http.StatusSeeOther, to)
}

// errRefusedSignIn says the provider's answer did not prove who signed in (state, code or ID token).
var errRefusedSignIn = errors.New("sign-in refused")

// finishOIDC answers GET /connexion/retour: the state must be this browser's,
// the code is exchanged with the PKCE verifier, the ID token verified with its
// nonce; then the agent is found (subject, else email) and, active, gets a new session.
func (p *pages) finishOIDC(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: loginCookie, Value: "", Path: loginPath, MaxAge: -1,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode}) // one return per sign-in
	who, reason, err := p.verifyReturn(c)
	if err != nil {
		p.d.Logger.Warn("sign-in refused", "reason", reason, "error", err, "request_id", c.GetString("request_id"))
		p.signInRefused(c, http.StatusBadRequest, "La connexion n'a pas pu être vérifiée ("+reason+") : recommencez.")
		return
	}
	p.admit(c, who)
}

// verifyReturn checks the provider's return and says, when refused, why in French.
func (p *pages) verifyReturn(c *gin.Context) (identity, string, error) {
	ctx := c.Request.Context()
	raw, _ := c.Cookie(loginCookie)
	l, err := p.links.Verify(raw, p.d.Now())
	parts := strings.Split(l.Item, " ")
	if err != nil || l.Action != loginAction || len(parts) != 3 {
		return identity{}, "connexion expirée ou commencée dans un autre navigateur", errors.Join(errRefusedSignIn, err)
	}
	state, nonce, verifier := parts[0], parts[1], parts[2]
	if e := c.Query("error"); e != "" {
		return identity{}, "refusée par le service d'identification", fmt.Errorf("%w: provider error %q", errRefusedSignIn, e)
	}
	if subtle.ConstantTimeCompare([]byte(c.Query("state")), []byte(state)) != 1 {
		return identity{}, "paramètre state invalide", fmt.Errorf("%w: state mismatch", errRefusedSignIn)
	}
	prov, _, err := p.d.OIDC.discover(ctx)
	if err != nil {
		return identity{}, "service d'identification injoignable", err
	}
	tok, err := p.d.OIDC.oauth2(prov).Exchange(ctx, c.Query("code"), oauth2.VerifierOption(verifier))
	if err != nil {
		return identity{}, "code invalide ou déjà utilisé", fmt.Errorf("%w: code exchange: %w", errRefusedSignIn, err)
	}
	rawID, _ := tok.Extra("id_token").(string)
	idt, err := prov.Verifier(&oidc.Config{ClientID: p.d.OIDC.cfg.ClientID, Now: p.d.Now}).Verify(ctx, rawID)
	if err != nil {
		return identity{}, "jeton d'identité invalide ou expiré", fmt.Errorf("%w: ID token: %w", errRefusedSignIn, err)
	}
	if subtle.ConstantTimeCompare([]byte(idt.Nonce), []byte(nonce)) != 1 {
		return identity{}, "jeton d'identité rejoué", fmt.Errorf("%w: nonce mismatch", errRefusedSignIn)
	}
	who := identity{Subject: idt.Subject, IDToken: rawID}
	if who.Email, err = p.emailOf(ctx, prov, idt, tok); err != nil {
		return identity{}, "adresse électronique indisponible", err
	}
	return who, "", nil
}

// emailOf reads the agent's email from the ID token or, when it has none (ProConnect), from the userinfo endpoint.
func (p *pages) emailOf(ctx context.Context, prov *oidc.Provider, idt *oidc.IDToken, tok *oauth2.Token) (string, error) {
	var claims struct {
		Email string `json:"email"`
	}
	if err := idt.Claims(&claims); err == nil && claims.Email != "" {
		return claims.Email, nil
	}
	info, err := prov.UserInfo(ctx, oauth2.StaticTokenSource(tok))
	if err != nil {
		return "", fmt.Errorf("userinfo: %w", err)
	}
	if info.Subject != idt.Subject {
		return "", fmt.Errorf("%w: userinfo subject differs from the ID token's", errRefusedSignIn)
	}
	return info.Email, nil
}
