package web

import (
	"crypto/rand"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
)

// Pages ask for a sign-in: the person pastes their API token once at /connexion;
// it is checked like a bearer token and exchanged for a session cookie (HttpOnly,
// Secure, SameSite=Strict) signed with the link secret. The cookie carries the
// token's hash, never the token, and each request checks the token again, so a
// revoked or expired token closes its sessions at once.
const (
	SessionCookie = "aap_session"
	sessionAction = "page-session" // the signed payload's action: no association link is one
	sessionTTL    = 8 * time.Hour
	viewerKey     = "web_viewer"
)

var errSessionToken = errors.New("session token refused")

// signInMessages say in French why a token was refused.
var signInMessages = map[error]string{
	auth.ErrMissingToken: "Saisissez votre jeton d'accès.",
	auth.ErrUnknownToken: "Jeton inconnu : vérifiez qu'il est recopié en entier.",
	auth.ErrRevokedToken: "Ce jeton a été révoqué : demandez-en un nouveau.",
	auth.ErrExpiredToken: "Ce jeton a expiré : demandez-en un nouveau.",
}

type signInPage struct {
	layout
	Token Field
}

// signInPageWith is the sign-in page; message says why the token was refused ("" at first).
func (p *pages) signInPageWith(message string) signInPage {
	return signInPage{layout: layout{Title: "Connexion", Home: "/", DevMail: p.d.DevMail},
		Token: Field{ID: "jeton", Label: "Jeton d'accès", Hint: "Commence par « aap_ » ; remis par la commande aap token create.",
			Type: "password", Autocomplete: "off", Required: true, Error: message}}
}

func (p *pages) signInForm(c *gin.Context) {
	p.render(c, http.StatusOK, "signin.html", p.signInPageWith(""))
}

// signIn answers POST /connexion: a valid token opens a session.
func (p *pages) signIn(c *gin.Context) {
	secret := strings.TrimSpace(c.PostForm("jeton"))
	now := p.d.Now()
	_, err := auth.Authenticate(c.Request.Context(), p.tokens, secret, now)
	if msg, ok := signInMessages[err]; ok {
		p.d.Logger.Info("page sign-in refused", "reason", err.Error(), "request_id", c.GetString("request_id"))
		p.render(c, http.StatusUnauthorized, "signin.html", p.signInPageWith(msg))
		return
	}
	if err != nil {
		p.d.Logger.Error("page sign-in", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La connexion n'a pas pu aboutir ; l'incident est journalisé.")
		return
	}
	value, err := p.links.Sign(sessionAction, auth.Hash(secret), now.Add(sessionTTL))
	if err != nil {
		p.fail(c, http.StatusInternalServerError, "La connexion n'a pas pu aboutir ; l'incident est journalisé.")
		return
	}
	setSessionCookie(c, value, int(sessionTTL.Seconds()))
	c.Redirect(http.StatusSeeOther, "/")
}

// signOut answers POST /deconnexion.
func (p *pages) signOut(c *gin.Context) {
	setSessionCookie(c, "", -1)
	c.Redirect(http.StatusSeeOther, "/connexion")
}

func setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteStrictMode})
}

// requireSession lets a signed-in person through with their principal, and sends anyone else to /connexion.
func (p *pages) requireSession(c *gin.Context) {
	v, err := p.viewerOf(c)
	if err != nil {
		c.Redirect(http.StatusSeeOther, "/connexion")
		c.Abort()
		return
	}
	c.Set(viewerKey, v)
	c.Next()
}

func (p *pages) viewerOf(c *gin.Context) (auth.Principal, error) {
	cookie, err := c.Cookie(SessionCookie)
	if err != nil || cookie == "" {
		return auth.Principal{}, errSessionToken
	}
	now := p.d.Now()
	l, err := p.links.Verify(cookie, now)
	if err != nil || l.Action != sessionAction {
		return auth.Principal{}, errSessionToken
	}
	t, err := p.tokens.ByHash(c.Request.Context(), l.Item)
	if err != nil || (t.RevokedAt != nil && !t.RevokedAt.After(now)) || (t.ExpiresAt != nil && !t.ExpiresAt.After(now)) {
		return auth.Principal{}, errSessionToken
	}
	return auth.PrincipalOf(t), nil
}

func viewer(c *gin.Context) auth.Principal {
	v, _ := c.Get(viewerKey)
	pr, _ := v.(auth.Principal)
	return pr
}

// ephemeralSigner signs sessions when no link secret is configured (tests): sessions end with the process.
func ephemeralSigner() *auth.LinkSigner {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	s, _ := auth.NewLinkSigner(secret)
	return s
}
