package web

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// Agents sign in with the identity provider (oidc.go) or, in `aap dev`, by
// choosing an agent (devsignin.go). Either way the session is server-side: the
// cookie carries a random ID (HttpOnly, Secure, SameSite=Lax: the provider
// sends the agent back by a cross-site redirect), the database only its hash.
// Each request checks the session and its agent, so a sign-out, an expiry or a
// disabled agent closes it at once. A sign-in always makes a new ID (no session
// fixation) and ends the one the browser had.
const (
	SessionCookie = "aap_session"
	SessionTTL    = 8 * time.Hour
	viewerKey     = "web_viewer"
	sessionKey    = "web_session"
)

// OpenSession stores a new session of agent (with its provider's ID token, ""
// for a dev sign-in) until now+SessionTTL and returns the secret its cookie
// carries; only the secret's hash is stored. The pages' tests sign in with it.
func OpenSession(ctx context.Context, sessions *store.AgentSessions, agent *models.Agent, idToken string, now time.Time) (string, error) {
	secret, err := newSessionSecret()
	if err != nil {
		return "", err
	}
	err = sessions.Create(ctx, &models.AgentSession{Hash: auth.Hash(secret), AgentID: agent.ID, IDToken: idToken,
		CreatedAt: now.UTC(), ExpiresAt: now.Add(SessionTTL).UTC()})
	return secret, err
}

// newSessionSecret is a session's random ID: 32 bytes from the system's CSPRNG.
func newSessionSecret() (string, error) {
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(raw), nil
}

// startSession ends the browser's current session, opens a new one for agent,
// sets its cookie and records the sign-in in the audit trail (actor: the agent).
func (p *pages) startSession(c *gin.Context, agent *models.Agent, subject, idToken, method string) error {
	ctx := c.Request.Context()
	now := p.d.Now()
	if old, err := c.Cookie(SessionCookie); err == nil && old != "" {
		_ = p.sessions.Revoke(ctx, auth.Hash(old), now)
	}
	secret, err := OpenSession(ctx, p.sessions, agent, idToken, now)
	if err != nil {
		return err
	}
	actor := auth.PrincipalOfAgent(agent).Actor(c.GetString("request_id"))
	if err := p.agents.RecordSignIn(store.WithActor(ctx, actor), agent, subject, method, now); err != nil {
		_ = p.sessions.Revoke(ctx, auth.Hash(secret), now)
		return err
	}
	setSessionCookie(c, secret, int(SessionTTL.Seconds()))
	p.purgeSessions(c, now)
	return nil
}

// purgeSessions deletes, at each sign-in, the sessions that can no longer open
// anything (expired or revoked, the one just ended included), so that the table
// holds the live sessions and the dead ones since the last sign-in only. A
// failure is logged: the sign-in itself succeeded.
func (p *pages) purgeSessions(c *gin.Context, now time.Time) {
	if n, err := p.sessions.Purge(c.Request.Context(), now); err != nil {
		p.d.Logger.Error("purge sessions", "error", err, "request_id", c.GetString("request_id"))
	} else if n > 0 {
		p.d.Logger.Info("sessions purged", "count", n, "request_id", c.GetString("request_id"))
	}
}

// signOut answers POST /deconnexion: the session is revoked and its cookie
// cleared; signed in through the provider, the agent is then sent to the
// provider's end-session endpoint to close the provider's session too.
func (p *pages) signOut(c *gin.Context) {
	sess, _ := c.Get(sessionKey)
	s, _ := sess.(*models.AgentSession)
	if !CheckCSRF(p.links, signOutPath(s), c.PostForm(CSRFField), p.d.Now()) {
		p.fail(c, http.StatusForbidden, "Ce formulaire a expiré : rechargez la page puis recommencez.")
		return
	}
	ctx := c.Request.Context()
	now := p.d.Now()
	v := viewer(c)
	if err := p.sessions.Revoke(ctx, s.Hash, now); err != nil {
		p.d.Logger.Error("sign-out", "error", err, "request_id", c.GetString("request_id"))
	}
	_ = store.NewAudit(p.d.DB).Record(store.WithActor(ctx, v.Actor(c.GetString("request_id"))),
		store.AuditAgent, strconv.FormatUint(v.AgentID, 10), "signed_out", nil, nil)
	setSessionCookie(c, "", -1)
	if p.d.OIDC != nil && s.IDToken != "" {
		if to, err := p.d.OIDC.endSessionURL(ctx, s.IDToken); err == nil && to != "" {
			c.Redirect(http.StatusSeeOther, to)
			return
		} else if err != nil {
			p.d.Logger.Warn("provider end-session", "error", err, "request_id", c.GetString("request_id"))
		}
	}
	c.Redirect(http.StatusSeeOther, "/connexion?deconnecte=1")
}

// signOutPath binds the sign-out form's CSRF token to the session, so that
// another session's token is refused.
func signOutPath(s *models.AgentSession) string {
	if s == nil {
		return "/deconnexion"
	}
	return "/deconnexion#" + s.Hash[:16]
}

func setSessionCookie(c *gin.Context, value string, maxAge int) {
	http.SetCookie(c.Writer, &http.Cookie{Name: SessionCookie, Value: value, Path: "/", MaxAge: maxAge,
		HttpOnly: true, Secure: true, SameSite: http.SameSiteLaxMode})
}

// requireSession lets a signed-in agent through with their principal (viewer),
// and sends anyone else to /connexion.
func (p *pages) requireSession(c *gin.Context) {
	cookie, err := c.Cookie(SessionCookie)
	if err != nil || cookie == "" || len(cookie) > 100 {
		p.toSignIn(c, false)
		return
	}
	sess, agent, err := p.sessions.Live(c.Request.Context(), auth.Hash(cookie), p.d.Now())
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			p.d.Logger.Error("session", "error", err, "request_id", c.GetString("request_id"))
		}
		p.toSignIn(c, true)
		return
	}
	c.Set(viewerKey, auth.PrincipalOfAgent(agent))
	c.Set(sessionKey, sess)
	c.Next()
}

// toSignIn sends the browser to the sign-in page, clearing a cookie that no longer opens a session.
func (p *pages) toSignIn(c *gin.Context, clear bool) {
	if clear {
		setSessionCookie(c, "", -1)
	}
	c.Redirect(http.StatusSeeOther, "/connexion")
	c.Abort()
}

// viewer is the signed-in agent of a page request behind requireSession.
func viewer(c *gin.Context) auth.Principal {
	v, _ := c.Get(viewerKey)
	pr, _ := v.(auth.Principal)
	return pr
}

// ephemeralSigner signs CSRF tokens and the sign-in's state when no link secret is configured (tests).
func ephemeralSigner() *auth.LinkSigner {
	secret := make([]byte, 32)
	_, _ = rand.Read(secret)
	s, _ := auth.NewLinkSigner(secret)
	return s
}
