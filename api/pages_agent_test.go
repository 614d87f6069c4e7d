package api_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
)

// agentSession is an agent signed in on the dashboard: its session cookie, sent with each page request.
type agentSession struct {
	e      *testEnv
	cookie *http.Cookie
}

// signInDIAN and signInCorrespondent add an agent of that role and open its session, as a sign-in does.
func (e *testEnv) signInDIAN(t *testing.T) agentSession {
	t.Helper()
	return e.sessionOf(t, auth.NewAgent{Email: "dian-" + uuid.NewString()[:8] + "@interieur.gouv.fr", Name: "Agent DIAN", Role: auth.RoleDIAN})
}

func (e *testEnv) signInCorrespondent(t *testing.T, territory, level string) agentSession {
	t.Helper()
	return e.sessionOf(t, auth.NewAgent{Email: "ddets-" + uuid.NewString()[:8] + "@interieur.gouv.fr", Name: "Correspondant " + territory,
		Role: auth.RoleCorrespondent, Territory: territory, Level: level})
}

func (e *testEnv) sessionOf(t *testing.T, n auth.NewAgent) agentSession {
	t.Helper()
	name, value, _ := strings.Cut(e.agentSession(t, n), "=")
	return agentSession{e: e, cookie: &http.Cookie{Name: name, Value: value}}
}

func (s agentSession) get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.AddCookie(s.cookie)
	rec := httptest.NewRecorder()
	s.e.router.ServeHTTP(rec, req)
	return rec
}

// post sends the form as is (its CSRF token included or not).
func (s agentSession) post(t *testing.T, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.AddCookie(s.cookie)
	rec := httptest.NewRecorder()
	s.e.router.ServeHTTP(rec, req)
	return rec
}

var formPattern = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)">\s*<input type="hidden" name="csrf" value="([^"]*)">`)

// csrfOf reads, on the page at pagePath, the CSRF token of the form posting to action.
func (s agentSession) csrfOf(t *testing.T, pagePath, action string) string {
	t.Helper()
	rec := s.get(t, pagePath)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	for _, m := range formPattern.FindAllStringSubmatch(rec.Body.String(), -1) {
		if html.UnescapeString(m[1]) == action {
			require.NotEmpty(t, m[2], "the form's CSRF token")
			return html.UnescapeString(m[2])
		}
	}
	t.Fatalf("no form posting to %s on %s", action, pagePath)
	return ""
}

// submit posts form to action with the CSRF token the page at pagePath gives.
func (s agentSession) submit(t *testing.T, pagePath, action string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	form.Set("csrf", s.csrfOf(t, pagePath, action))
	return s.post(t, action, form)
}

// text is a page's body with its HTML entities decoded, for assertions on its French text.
func text(rec *httptest.ResponseRecorder) string { return html.UnescapeString(rec.Body.String()) }
