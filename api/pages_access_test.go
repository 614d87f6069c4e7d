package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// pageCaller is one signed-in agent the pages' role test tries, with its principal (for its forms' tokens).
type pageCaller struct {
	agentSession
	who auth.Principal
}

func (e *testEnv) pageCaller(t *testing.T, n auth.NewAgent) pageCaller {
	t.Helper()
	a, err := auth.AddAgent(t.Context(), store.NewAgents(e.db), n)
	require.NoError(t, err)
	secret, err := web.OpenSession(t.Context(), store.NewAgentSessions(e.db), a, "", fixedNow)
	require.NoError(t, err)
	return pageCaller{agentSession{e: e, cookie: &http.Cookie{Name: web.SessionCookie, Value: secret}}, auth.PrincipalOfAgent(a)}
}

// pageCase is one page or form route tried as every caller: want gives each caller's
// status; a form is posted with that caller's own valid CSRF token, so that what
// answers is the route's access rule (and, past it, the form itself).
type pageCase struct {
	method, route, path string
	form                func(caller string) url.Values
	want                map[string]int
}

// The callers: DIAN; the Rhône's correspondent, whose territory holds every object;
// the region's (Auvergne-Rhône-Alpes, 84), which reads its departments' but runs
// none of their calls; the Bouches-du-Rhône's, outside (404 on the Rhône's objects).
const (
	callerDIAN    = "DIAN"
	callerRhone   = "departmental 69"
	callerRegion  = "regional 84"
	callerOutside = "departmental 13"
)

var pageCallers = []string{callerDIAN, callerRhone, callerRegion, callerOutside}

func every(code int) map[string]int {
	return map[string]int{callerDIAN: code, callerRhone: code, callerRegion: code, callerOutside: code}
}

func statuses(dian, rhone, region, outside int) map[string]int {
	return map[string]int{callerDIAN: dian, callerRhone: rhone, callerRegion: region, callerOutside: outside}
}

// TestEveryAgentPageByRole walks every page and form behind the sign-in, GET and POST:
// without a session each sends the browser to /connexion; each caller gets the status
// the role rules give it — 200 or 303 allowed (422 for a form sent empty: past the
// gate, refused by its own checks, nothing done), 403 for a role the rule leaves out,
// 404 outside the territory. A route missing from the table fails the test.
func TestEveryAgentPageByRole(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	e.historyUnreadable()
	e.acceptControlSignals(nil)
	e.ctaiWorkflowUpdates(t)
	callers := map[string]pageCaller{
		callerDIAN:    e.pageCaller(t, auth.NewAgent{Email: "dian@interieur.gouv.fr", Name: "DIAN", Role: auth.RoleDIAN}),
		callerRhone:   e.pageCaller(t, auth.NewAgent{Email: "ddets-69@rhone.gouv.fr", Role: auth.RoleCorrespondent, Territory: "69"}),
		callerRegion:  e.pageCaller(t, auth.NewAgent{Email: "dreets-84@ara.gouv.fr", Role: auth.RoleCorrespondent, Territory: "84"}),
		callerOutside: e.pageCaller(t, auth.NewAgent{Email: "ddets-13@bdr.gouv.fr", Role: auth.RoleCorrespondent, Territory: "13"}),
	}

	// The Rhône's objects.
	call := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseClosed})
	app := e.seedApplication(t, call, "langue", 500_000)
	structure := "/pne/2027/structures/" + strconv.FormatUint(e.seedPNE(t)[1].ID, 10)
	toPlan := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69-1", 500_000)
	control := "/controle/" + e.planControl(t, e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69-2", 800_000))
	request := "/ctai/" + e.proposedCTAI(t, ctaiBody()).ID
	plan := "/controles/2027/84/planifier/" + toPlan
	planCTAI := "/controles/2027/84/planifier-ctai/" + e.seedCTAI(t, "69123", ctai.OpinionFavourable,
		ctai.FundedAssociation{Name: "Toit commun", SIRENOrRNA: "123456789", AmountCents: 1_500_000}) + "/siren:123456789"
	callPath := "/campagnes/" + call.ID
	spare := e.pageCaller(t, auth.NewAgent{Email: "depart@interieur.gouv.fr", Role: auth.RoleDIAN}).who.AgentID
	disable := "/agents/" + strconv.FormatUint(spare, 10) + "/desactivation"
	empty := func(string) url.Values { return url.Values{} }

	cases := []pageCase{
		{method: "GET", route: "/", path: "/?annee=2027", want: every(200)},
		{method: "GET", route: web.PathCalls, path: web.PathCalls, want: every(200)},
		{method: "GET", route: web.PathNewCall, path: web.PathNewCall, want: every(200)},
		{method: "POST", route: web.PathNewCall, path: web.PathNewCall, want: every(303), form: func(caller string) url.Values {
			f := callForm() // a correspondent's call is of its own territory; DIAN chooses
			if caller == callerDIAN {
				f.Set("level", models.LevelDepartmental)
				f.Set("territory", "69")
			}
			return f
		}},
		{method: "GET", route: "/campagnes/:id", path: callPath, want: statuses(200, 200, 200, 404)},
		{method: "GET", route: "/campagnes/:id/selection", path: callPath + "/selection", want: statuses(200, 200, 404, 404)},
		{method: "POST", route: "/campagnes/:id/selection", path: callPath + "/selection", form: empty, want: statuses(422, 422, 404, 404)},
		{method: "GET", route: "/campagnes/:id/annulation", path: callPath + "/annulation", want: statuses(200, 200, 404, 404)},
		{method: "POST", route: "/campagnes/:id/annulation", path: callPath + "/annulation", form: empty, want: statuses(422, 422, 404, 404)},
		{method: "GET", route: "/dossiers/:id", path: web.DossierPath(app.Reference), want: statuses(200, 200, 200, 404)},
		{method: "GET", route: "/dossiers/:id/pieces/:kind", path: web.DossierPath(app.Reference) + "/pieces/statuts", want: every(404)},
		{method: "GET", route: "/exports/:file", path: "/exports/conventions.xlsx?annee=2027", want: statuses(200, 404, 404, 404)},
		{method: "GET", route: "/pne", path: "/pne", want: every(303)},
		{method: "GET", route: "/pne/:year", path: "/pne/2027", want: every(200)},
		{method: "GET", route: "/pne/:year/structures/:id", path: structure, want: statuses(200, 200, 200, 404)},
		{method: "POST", route: "/pne/:year/structures/:id", path: structure,
			form: func(string) url.Values { return url.Values{"email": {"lire@example.org"}} }, want: statuses(303, 303, 403, 404)},
		// No reason: refused before the department is compared with the caller's (a whole form
		// for another department is a 404: TestPNEStructureAddedByHand); a region adds none.
		{method: "POST", route: "/pne/:year/structures", path: "/pne/2027/structures",
			form: func(string) url.Values { return url.Values{"department": {"69"}} }, want: statuses(422, 422, 403, 422)},
		{method: "GET", route: "/controles", path: "/controles", want: statuses(200, 303, 303, 303)}, // a correspondent: to its region's
		{method: "GET", route: "/controles/:year/:region", path: "/controles/2027/84", want: statuses(200, 200, 200, 404)},
		{method: "GET", route: "/controles/:year/:region/planifier/:convention", path: plan, want: statuses(200, 200, 200, 404)},
		{method: "POST", route: "/controles/:year/:region/planifier/:convention", path: plan, form: empty, want: statuses(422, 422, 422, 404)},
		{method: "GET", route: "/controles/:year/:region/planifier-ctai/:request/:association", path: planCTAI, want: statuses(200, 200, 200, 404)},
		{method: "POST", route: "/controles/:year/:region/planifier-ctai/:request/:association", path: planCTAI, form: empty, want: statuses(422, 422, 422, 404)},
		{method: "GET", route: "/controle/:id", path: control, want: statuses(200, 200, 200, 404)},
		{method: "POST", route: "/controle/:id/resultat", path: control + "/resultat", form: empty, want: statuses(422, 422, 404, 404)},
		{method: "POST", route: "/controle/:id/suite", path: control + "/suite", form: empty, want: statuses(422, 422, 404, 404)},
		{method: "GET", route: "/ctai", path: "/ctai?annee=2027", want: every(200)},
		{method: "GET", route: "/ctai/:id", path: request, want: statuses(200, 200, 200, 404)},
		{method: "POST", route: "/ctai/:id/avis", path: request + "/avis", form: empty, want: statuses(422, 403, 403, 403)},
		{method: "GET", route: "/journal", path: "/journal", want: statuses(200, 403, 403, 403)},
		{method: "GET", route: "/agents", path: "/agents", want: statuses(200, 403, 403, 403)},
		{method: "POST", route: "/agents", path: "/agents", want: statuses(303, 403, 403, 403), form: func(caller string) url.Values {
			return url.Values{"email": {"nouvel-agent-" + strings.ReplaceAll(caller, " ", "-") + "@interieur.gouv.fr"}, "role": {auth.RoleDIAN}}
		}},
		{method: "GET", route: "/agents/:id/desactivation", path: disable, want: statuses(200, 403, 403, 403)},
		{method: "POST", route: "/agents/:id/desactivation", path: disable, form: empty, want: statuses(303, 403, 403, 403)},
	}

	covered := map[string]bool{"POST /deconnexion": true} // the sign-out: TestSignInThroughTheProvider (internal/web)
	for _, pc := range cases {
		covered[pc.method+" "+pc.route] = true
		anonymous := agentSession{e: e, cookie: &http.Cookie{Name: "aucun", Value: "x"}}
		var rec *httptest.ResponseRecorder
		if pc.method == http.MethodGet {
			rec = anonymous.get(t, pc.path)
		} else {
			rec = anonymous.post(t, pc.path, url.Values{})
		}
		if assert.Equal(t, http.StatusSeeOther, rec.Code, "%s %s without a session", pc.method, pc.path) {
			assert.Equal(t, "/connexion", rec.Header().Get("Location"), "%s %s without a session", pc.method, pc.path)
		}
		for _, name := range pageCallers {
			c := callers[name]
			if pc.method == http.MethodGet {
				rec = c.get(t, pc.path)
			} else {
				form := pc.form(name)
				token, err := web.AgentFormToken(e.links, c.who, strings.SplitN(pc.path, "?", 2)[0], fixedNow)
				require.NoError(t, err)
				form.Set(web.CSRFField, token)
				rec = c.post(t, pc.path, form)
			}
			assert.Equal(t, pc.want[name], rec.Code, "%s %s as %s: %s", pc.method, pc.path, name, messageOf(rec.Body.String()))
		}
	}
	for _, r := range e.router.Routes() {
		probes := r.Path == "/healthz" || r.Path == "/readyz" || r.Path == "/metrics" // the engine's, not pages
		if strings.HasPrefix(r.Path, "/api/") || probes || covered[r.Method+" "+r.Path] {
			continue
		}
		path := strings.NewReplacer(":id", "1", ":year", "2027", ":region", "84", ":convention", "1", ":kind", "statuts",
			":file", "x.xlsx", ":token", "x", "*file", "x").Replace(r.Path)
		anonymous := agentSession{e: e, cookie: &http.Cookie{Name: "aucun", Value: "x"}}
		var rec *httptest.ResponseRecorder
		if r.Method == http.MethodGet {
			rec = anonymous.get(t, path)
		} else {
			rec = anonymous.post(t, path, url.Values{})
		}
		if rec.Code == http.StatusSeeOther && rec.Header().Get("Location") == "/connexion" {
			assert.Failf(t, "agent page without a line", "%s %s is behind the sign-in: add it to this test's table", r.Method, r.Path)
		}
	}
}
