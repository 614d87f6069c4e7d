package web_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/oidctest"
	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

// oidcSite is the pages signing in through a real OpenID Provider running in the test.
type oidcSite struct {
	URL    string
	op     *oidctest.Provider
	db     *gorm.DB
	agents *store.Agents
	// skew moves the pages' clock (the ID token's expiry is checked against it).
	mu   sync.Mutex
	skew time.Duration
}

func (s *oidcSite) now() time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Now().Add(s.skew)
}

func (s *oidcSite) setSkew(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.skew = d
}

func oidcServer(t *testing.T) *oidcSite {
	provider := oidctest.Start(t)
	db := storetest.SQLite(t)
	pols, err := policy.Load(policies.FS)
	require.NoError(t, err)
	site := &oidcSite{op: provider, db: db, agents: store.NewAgents(db)}
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	srv := httptest.NewUnstartedServer(r)
	site.URL = "http://" + srv.Listener.Addr().String()
	provider.Register(site.URL+"/connexion/retour", site.URL+"/connexion?deconnecte=1")
	client := web.NewOIDC(web.OIDCConfig{Issuer: provider.Issuer, ClientID: oidctest.ClientID,
		ClientSecret: oidctest.ClientSecret, RedirectURL: site.URL + "/connexion/retour"})
	web.Register(r.Group(""), web.Deps{Monitoring: overview.New(db, pols, site.now), DB: db, OIDC: client,
		ContactEmail: "dian-aap@interieur.gouv.fr", Now: site.now})
	srv.Start()
	t.Cleanup(srv.Close)
	return site
}

// browser keeps cookies like a browser on localhost (where Secure cookies are sent over http).
type browser struct {
	mu      sync.Mutex
	cookies map[string]*http.Cookie
	client  *http.Client
}

func newBrowser() *browser {
	b := &browser{cookies: map[string]*http.Cookie{}}
	b.client = &http.Client{Jar: b, CheckRedirect: func(req *http.Request, _ []*http.Request) error {
		if req.URL.Path == "/connexion/retour" {
			return http.ErrUseLastResponse // the test decides what reaches the return
		}
		return nil
	}}
	return b
}

func (b *browser) SetCookies(_ *url.URL, cs []*http.Cookie) {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, c := range cs {
		if c.MaxAge < 0 {
			delete(b.cookies, c.Name)
			continue
		}
		b.cookies[c.Name] = c
	}
}

func (b *browser) Cookies(*url.URL) []*http.Cookie {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []*http.Cookie
	for _, c := range b.cookies {
		out = append(out, &http.Cookie{Name: c.Name, Value: c.Value})
	}
	return out
}

func (b *browser) cookie(name string) *http.Cookie {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.cookies[name]
}

// fetch follows redirects (but not into the return) and gives the last status, its Location and body.
func (b *browser) fetch(t *testing.T, method, target string, form url.Values) (int, string, string) {
	t.Helper()
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequest(method, target, body)
	require.NoError(t, err)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	res, err := b.client.Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header.Get("Location"), string(raw)
}

// toReturn signs in at the provider as person and stops where the provider sends the browser back.
func (s *oidcSite) toReturn(t *testing.T, b *browser, person oidctest.Person) string {
	t.Helper()
	s.op.SignInAs(person)
	code, location, body := b.fetch(t, http.MethodGet, s.URL+"/connexion/proconnect", nil)
	require.Equal(t, http.StatusFound, code, body)
	require.True(t, strings.HasPrefix(location, s.URL+"/connexion/retour?"), location)
	require.NotNil(t, b.cookie("aap_connexion"), "the sign-in's state is kept in its cookie")
	return location
}

// finish follows the provider's return and gives its status, Location and body.
func (s *oidcSite) finish(t *testing.T, b *browser, returnURL string) (int, string, string) {
	t.Helper()
	res, err := (&http.Client{Jar: b, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Get(returnURL)
	require.NoError(t, err)
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, res.Header.Get("Location"), string(raw)
}

func (s *oidcSite) signIns(t *testing.T) []models.AuditEntry {
	var out []models.AuditEntry
	require.NoError(t, s.db.Where("entity = ? AND action = ?", store.AuditAgent, "signed_in").Order("id").Find(&out).Error)
	return out
}

var rhoneAgent = auth.NewAgent{Email: "Marie.Curie@rhone.gouv.fr", Name: "Marie Curie", Role: auth.RoleCorrespondent, Territory: "69"}

func TestSignInThroughTheProvider(t *testing.T) {
	s := oidcServer(t)
	agent, err := auth.AddAgent(t.Context(), s.agents, rhoneAgent)
	require.NoError(t, err)
	b := newBrowser()

	code, _, _ := b.fetch(t, http.MethodGet, s.URL+"/", nil)
	require.Equal(t, http.StatusOK, code, "the browser is sent to /connexion")
	_, _, page := b.fetch(t, http.MethodGet, s.URL+"/connexion", nil)
	assert.Contains(t, page, `href="/connexion/proconnect">Se connecter avec ProConnect</a>`)
	assert.NotContains(t, page, "/connexion/dev", "no dev sign-in beside a provider")

	// First sign-in: found by email (any case), its subject recorded.
	ret := s.toReturn(t, b, oidctest.Person{Subject: "sub-marie", Email: "marie.curie@RHONE.gouv.fr"})
	q, err := url.Parse(ret)
	require.NoError(t, err)
	assert.NotEmpty(t, q.Query().Get("code"))
	code, location, _ := s.finish(t, b, ret)
	require.Equal(t, http.StatusSeeOther, code)
	assert.Equal(t, "/", location)
	assert.Nil(t, b.cookie("aap_connexion"), "the sign-in's state is used once")
	session := b.cookie(web.SessionCookie)
	require.NotNil(t, session)
	assert.True(t, session.HttpOnly)
	assert.True(t, session.Secure)
	assert.Equal(t, http.SameSiteLaxMode, session.SameSite)
	code, _, page = b.fetch(t, http.MethodGet, s.URL+"/", nil)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "Connecté : Marie Curie (Rhône (69))", "the principal is the agent's")
	assert.Contains(t, page, "<h1>Vue du territoire")

	stored, err := s.agents.Get(t.Context(), agent.ID)
	require.NoError(t, err)
	require.NotNil(t, stored.Subject)
	assert.Equal(t, "sub-marie", *stored.Subject)
	assert.NotNil(t, stored.LastSignIn)
	trail := s.signIns(t)
	require.Len(t, trail, 1)
	require.NotNil(t, trail[0].AgentID)
	assert.Equal(t, agent.ID, *trail[0].AgentID, "the sign-in is audited under the agent")
	assert.Equal(t, "Marie Curie", trail[0].Actor)
	assert.Nil(t, trail[0].TokenID)
	var after map[string]any
	require.NoError(t, json.Unmarshal([]byte(trail[0].After), &after))
	assert.Equal(t, map[string]any{"method": "oidc", "subject_recorded": true}, after)

	// Signing in again: found by subject (the provider's email changed), a new session ID, the old one ended.
	ret = s.toReturn(t, b, oidctest.Person{Subject: "sub-marie", Email: "m.curie@interieur.gouv.fr", EmailInIDToken: true})
	code, _, _ = s.finish(t, b, ret)
	require.Equal(t, http.StatusSeeOther, code)
	renewed := b.cookie(web.SessionCookie)
	require.NotNil(t, renewed)
	assert.NotEqual(t, session.Value, renewed.Value, "the session is renewed at sign-in")
	old := &browser{cookies: map[string]*http.Cookie{web.SessionCookie: session}}
	old.client = &http.Client{Jar: old, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code, location, _ = old.fetch(t, http.MethodGet, s.URL+"/", nil)
	assert.Equal(t, http.StatusSeeOther, code, "the previous session ID no longer opens anything")
	assert.Equal(t, "/connexion", location)
	assert.Len(t, s.signIns(t), 2)

	// Sign-out: the session revoked, then the provider's end-session endpoint with the ID token.
	_, _, page = b.fetch(t, http.MethodGet, s.URL+"/", nil)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	require.Len(t, csrf, 2)
	code, _, _ = b.fetch(t, http.MethodPost, s.URL+"/deconnexion", url.Values{})
	assert.Equal(t, http.StatusForbidden, code, "a sign-out without its CSRF token is refused")
	code, _, page = b.fetch(t, http.MethodPost, s.URL+"/deconnexion", url.Values{"csrf": {csrf[1]}})
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "Vous êtes déconnecté.", "the provider sends the agent back to the sign-in page")
	assert.Equal(t, 1, s.op.EndedSessions("sub-marie"), "the provider's session is ended too")
	assert.Nil(t, b.cookie(web.SessionCookie))
	b2 := &browser{cookies: map[string]*http.Cookie{web.SessionCookie: renewed}}
	b2.client = &http.Client{Jar: b2, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	code, location, _ = b2.fetch(t, http.MethodGet, s.URL+"/", nil)
	assert.Equal(t, http.StatusSeeOther, code, "the signed-out session is revoked")
	assert.Equal(t, "/connexion", location)
	var n int64
	require.NoError(t, s.db.Model(&models.AuditEntry{}).Where("entity = ? AND action = ?", store.AuditAgent, "signed_out").Count(&n).Error)
	assert.EqualValues(t, 1, n)
}

func TestSignInRefusals(t *testing.T) {
	s := oidcServer(t)
	_, err := auth.AddAgent(t.Context(), s.agents, rhoneAgent)
	require.NoError(t, err)
	marie := oidctest.Person{Subject: "sub-marie", Email: "marie.curie@rhone.gouv.fr"}
	refused := func(t *testing.T, b *browser, code int, body, want string) {
		t.Helper()
		assert.Equal(t, http.StatusBadRequest, code, body)
		assert.Contains(t, body, want)
		assert.Nil(t, b.cookie(web.SessionCookie), "no session")
	}

	t.Run("wrong state", func(t *testing.T) {
		b := newBrowser()
		ret := s.toReturn(t, b, marie)
		u, _ := url.Parse(ret)
		q := u.Query()
		q.Set("state", q.Get("state")+"x")
		u.RawQuery = q.Encode()
		code, _, body := s.finish(t, b, u.String())
		refused(t, b, code, body, "paramètre state invalide")
	})
	t.Run("return in another browser", func(t *testing.T) {
		ret := s.toReturn(t, newBrowser(), marie)
		other := newBrowser()
		code, _, body := s.finish(t, other, ret)
		refused(t, other, code, body, "connexion expirée ou commencée dans un autre navigateur")
	})
	t.Run("replayed code", func(t *testing.T) {
		b := newBrowser()
		ret := s.toReturn(t, b, marie)
		login := b.cookie("aap_connexion")
		code, _, _ := s.finish(t, b, ret)
		require.Equal(t, http.StatusSeeOther, code, "the first use signs in")
		thief := newBrowser()
		thief.SetCookies(nil, []*http.Cookie{login}) // even with the sign-in's own cookie
		code, _, body := s.finish(t, thief, ret)
		refused(t, thief, code, body, "code invalide ou déjà utilisé")
	})
	t.Run("ID token expired", func(t *testing.T) {
		s.op.SetIDTokenLifetime(5 * time.Minute) // shorter than the sign-in's own 10 minutes
		t.Cleanup(func() { s.setSkew(0); s.op.SetIDTokenLifetime(time.Hour) })
		b := newBrowser()
		ret := s.toReturn(t, b, marie)
		s.setSkew(5*time.Minute + 30*time.Second) // the pages' clock past the token's expiry
		code, _, body := s.finish(t, b, ret)
		refused(t, b, code, body, "jeton d&#39;identité invalide ou expiré")

		s.setSkew(0)
		b = newBrowser()
		ret = s.toReturn(t, b, marie)
		s.setSkew(5*time.Minute - 30*time.Second) // just inside its life
		code, location, _ := s.finish(t, b, ret)
		assert.Equal(t, http.StatusSeeOther, code)
		assert.Equal(t, "/", location)
	})
}

func TestOnlyActiveAgentsSignIn(t *testing.T) {
	s := oidcServer(t)
	agent, err := auth.AddAgent(t.Context(), s.agents, rhoneAgent)
	require.NoError(t, err)
	before := len(s.signIns(t))

	t.Run("unknown person", func(t *testing.T) {
		b := newBrowser()
		code, _, body := s.finish(t, b, s.toReturn(t, b, oidctest.Person{Subject: "sub-x", Email: "inconnu@interieur.gouv.fr"}))
		assert.Equal(t, http.StatusForbidden, code)
		assert.Contains(t, body, "Vous êtes identifié comme inconnu@interieur.gouv.fr")
		assert.Contains(t, body, `href="mailto:dian-aap@interieur.gouv.fr"`, "whom to ask")
		assert.Contains(t, body, "Se connecter avec un autre compte")
		assert.Nil(t, b.cookie(web.SessionCookie))
	})
	t.Run("the email's agent has another subject", func(t *testing.T) {
		b := newBrowser()
		code, _, _ := s.finish(t, b, s.toReturn(t, b, oidctest.Person{Subject: "sub-marie", Email: "marie.curie@rhone.gouv.fr"}))
		require.Equal(t, http.StatusSeeOther, code)
		before++
		b = newBrowser()
		code, _, _ = s.finish(t, b, s.toReturn(t, b, oidctest.Person{Subject: "sub-usurpateur", Email: "marie.curie@rhone.gouv.fr"}))
		assert.Equal(t, http.StatusForbidden, code)
		assert.Nil(t, b.cookie(web.SessionCookie))
	})
	t.Run("disabled while signed in, then at sign-in", func(t *testing.T) {
		b := newBrowser()
		code, _, _ := s.finish(t, b, s.toReturn(t, b, oidctest.Person{Subject: "sub-marie", Email: "marie.curie@rhone.gouv.fr"}))
		require.Equal(t, http.StatusSeeOther, code)
		before++
		code, _, _ = b.fetch(t, http.MethodGet, s.URL+"/", nil)
		require.Equal(t, http.StatusOK, code)

		require.NoError(t, s.agents.Disable(t.Context(), agent.ID, time.Now()))
		code, _, body := b.fetch(t, http.MethodGet, s.URL+"/", nil)
		assert.Equal(t, http.StatusOK, code)
		assert.Contains(t, body, "<h1>Connexion</h1>", "the next request is sent to the sign-in")
		assert.Nil(t, b.cookie(web.SessionCookie), "its cookie cleared")

		code, _, body = s.finish(t, b, s.toReturn(t, b, oidctest.Person{Subject: "sub-marie", Email: "marie.curie@rhone.gouv.fr"}))
		assert.Equal(t, http.StatusForbidden, code)
		assert.Contains(t, body, "ou son accès a été retiré")
		assert.Nil(t, b.cookie(web.SessionCookie))
	})
	assert.Len(t, s.signIns(t), before, "only the admitted sign-ins are recorded")
}

// TestSignInPurgesDeadSessions: a sign-in deletes the sessions that no longer open
// anything (one expired a second ago, one revoked) and keeps the live ones, the
// new session included.
func TestSignInPurgesDeadSessions(t *testing.T) {
	s := oidcServer(t)
	marie, err := auth.AddAgent(t.Context(), s.agents, rhoneAgent)
	require.NoError(t, err)
	other, err := auth.AddAgent(t.Context(), s.agents, auth.NewAgent{Email: "dian@interieur.gouv.fr", Role: auth.RoleDIAN})
	require.NoError(t, err)
	sessions := store.NewAgentSessions(s.db)
	now := time.Now()
	revoked := now.Add(-time.Minute)
	for _, sess := range []models.AgentSession{
		{Hash: "expired", AgentID: marie.ID, CreatedAt: now.Add(-web.SessionTTL), ExpiresAt: now.Add(-time.Second)},
		{Hash: "revoked", AgentID: other.ID, CreatedAt: now.Add(-time.Hour), ExpiresAt: now.Add(time.Hour), RevokedAt: &revoked},
		{Hash: "live", AgentID: other.ID, CreatedAt: now, ExpiresAt: now.Add(time.Minute)},
	} {
		require.NoError(t, sessions.Create(t.Context(), &sess))
	}
	b := newBrowser()
	code, _, _ := s.finish(t, b, s.toReturn(t, b, oidctest.Person{Subject: "sub-marie", Email: "marie.curie@rhone.gouv.fr"}))
	require.Equal(t, http.StatusSeeOther, code)
	var left []models.AgentSession
	require.NoError(t, s.db.Order("created_at").Find(&left).Error)
	require.Len(t, left, 2, "the live session and the new one")
	assert.Equal(t, "live", left[0].Hash)
	assert.Equal(t, marie.ID, left[1].AgentID, "the session just opened")
	code, _, _ = b.fetch(t, http.MethodGet, s.URL+"/", nil)
	assert.Equal(t, http.StatusOK, code, "and it opens the pages")
}
