package api_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// roleCase is one kind of caller the route-by-role test tries.
type roleCase struct {
	name      string
	role      string
	territory string
	level     string
}

var everyRole = []roleCase{
	{"DIAN", auth.RoleDIAN, "", ""},
	{"regional correspondent", auth.RoleCorrespondent, "84", models.LevelRegional},
	{"departmental correspondent", auth.RoleCorrespondent, "69", models.LevelDepartmental},
}

var routeParam = regexp.MustCompile(`:[a-z_]+`)

// TestEveryRouteHasAnAccessRuleAndEveryRoleGetsIt walks every registered route:
// each route under /api/v1 must have a rule in api/access.go, answer 401 without
// a token, and 403 to a role its rule leaves out (before any handler runs).
func TestEveryRouteHasAnAccessRuleAndEveryRoleGetsIt(t *testing.T) {
	e := newEnv(t)
	tokens := map[string]string{}
	for _, rc := range everyRole {
		if rc.role == auth.RoleDIAN {
			tokens[rc.name] = e.bearer
			continue
		}
		tokens[rc.name] = e.token(t, auth.NewToken{Name: rc.name, Role: rc.role, Territory: rc.territory, Level: rc.level})
	}
	routes := e.router.Routes()
	require.NotEmpty(t, routes)
	for _, r := range routes {
		if !strings.HasPrefix(r.Path, "/api/v1/") {
			continue
		}
		route := r.Method + " " + r.Path
		path := routeParam.ReplaceAllString(r.Path, "2027")
		_, hasRule := api.RoleMayCall(route, auth.RoleDIAN, "")
		if !assert.True(t, hasRule, "route %s has no rule in api/access.go routeRules", route) {
			continue
		}
		requireProblem(t, e.anonymous().do(t, r.Method, path, nil), http.StatusUnauthorized, "unauthorized")
		dianMay := false
		for _, rc := range everyRole {
			allowed, _ := api.RoleMayCall(route, rc.role, rc.level)
			if rc.role == auth.RoleDIAN {
				dianMay = allowed
			}
			if !allowed {
				rec := e.as(tokens[rc.name]).do(t, r.Method, path, nil)
				assert.Equal(t, http.StatusForbidden, rec.Code, "%s as %s: %s", route, rc.name, rec.Body.String())
			}
		}
		assert.True(t, dianMay, "DIAN reads everything and manages every call: %s", route)
	}
}

func TestPublicRoutesNeedNoToken(t *testing.T) {
	e := newEnv(t).anonymous()
	assert.Equal(t, http.StatusOK, e.get(t, "/healthz").Code)
	assert.Equal(t, http.StatusOK, e.get(t, "/api/openapi.yaml").Code)
}

// /metrics holds national counts: DIAN's token only (aap worker serves its own on AAP_METRICS_ADDR).
func TestMetricsNeedADIANToken(t *testing.T) {
	e := newEnv(t)
	requireProblem(t, e.anonymous().get(t, "/metrics"), http.StatusUnauthorized, "unauthorized")
	for _, rc := range everyRole[1:] {
		corr := e.as(e.token(t, auth.NewToken{Name: rc.name, Role: rc.role, Territory: rc.territory, Level: rc.level}))
		requireProblem(t, corr.get(t, "/metrics"), http.StatusForbidden, "forbidden")
	}
	rec := e.get(t, "/metrics")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "aap_http_requests_total")
}

func TestTokenRefusals(t *testing.T) {
	e := newEnv(t)
	tokens := store.NewTokens(e.db)
	revoked, tok, err := auth.Issue(t.Context(), tokens, auth.NewToken{Name: "révoqué", Role: auth.RoleDIAN}, fixedNow.Add(-time.Hour))
	require.NoError(t, err)
	require.NoError(t, tokens.Revoke(t.Context(), tok.ID, fixedNow.Add(-time.Minute)))
	expired, _, err := auth.Issue(t.Context(), tokens, auth.NewToken{Name: "expiré", Role: auth.RoleDIAN, TTL: time.Hour}, fixedNow.Add(-2*time.Hour))
	require.NoError(t, err)
	valid, _, err := auth.Issue(t.Context(), tokens, auth.NewToken{Name: "valide", Role: auth.RoleDIAN, TTL: time.Hour}, fixedNow.Add(-30*time.Minute))
	require.NoError(t, err)

	for _, tc := range []struct {
		name, header, wantMessage string
	}{
		{"no token", "", "Authentification requise"},
		{"other scheme", "Basic YWxhZGRpbjpvcGVuc2VzYW1l", "Jeton inconnu"},
		{"unknown token", "Bearer aap_inconnu", "Jeton inconnu"},
		{"token missing one character", "Bearer " + valid[:len(valid)-1], "Jeton inconnu"},
		{"revoked token", "Bearer " + revoked, "révoqué"},
		{"expired token", "Bearer " + expired, "expiré"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			headers := []string{}
			if tc.header != "" {
				headers = append(headers, "Authorization", tc.header)
			}
			rec := e.anonymous().do(t, http.MethodGet, "/api/v1/campaigns", nil, headers...)
			p := requireProblem(t, rec, http.StatusUnauthorized, "unauthorized")
			assert.Contains(t, p.Message, tc.wantMessage)
			assert.Equal(t, `Bearer realm="aap"`, rec.Header().Get("WWW-Authenticate"))
		})
	}
	t.Run("valid token", func(t *testing.T) {
		rec := e.as(valid).get(t, "/api/v1/campaigns")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		got, err := tokens.ByHash(t.Context(), auth.Hash(valid))
		require.NoError(t, err)
		assert.NotNil(t, got.LastUsedAt, "the token's last use is recorded")
	})
}

func TestRateLimitPerToken(t *testing.T) {
	e := newEnv(t, withRateLimit(3))
	for range 3 {
		require.Equal(t, http.StatusOK, e.get(t, "/api/v1/campaigns").Code)
	}
	rec := e.get(t, "/api/v1/campaigns")
	requireProblem(t, rec, http.StatusTooManyRequests, "rate_limited")
	assert.Equal(t, "20", rec.Header().Get("Retry-After"), "3 a minute: one more every 20 s")

	other := e.asCorrespondent(t, "69", "")
	assert.Equal(t, http.StatusOK, other.get(t, "/api/v1/campaigns").Code, "each token has its own budget")
}

func TestCorrespondentsSeeAndRunOnlyTheirTerritory(t *testing.T) {
	e := newEnv(t)
	rhone := e.seedCampaign(t, seed{year: 2027, territory: "69"})                                     // in Auvergne-Rhône-Alpes
	ara := e.seedCampaign(t, seed{year: 2027, territory: "84", level: models.LevelRegional})          // the region itself
	bouches := e.seedCampaign(t, seed{year: 2027, territory: "13"})                                   // Provence-Alpes-Côte d'Azur
	vaucluse := e.seedCampaign(t, seed{year: 2027, territory: "84", level: models.LevelDepartmental}) // same code, a PACA department

	ids := func(p listPage) []string {
		var out []string
		for _, it := range p.Items {
			out = append(out, it.ID)
		}
		return out
	}
	region := e.asCorrespondent(t, "84", "")
	department := e.asCorrespondent(t, "69", "")

	assert.ElementsMatch(t, []string{rhone.ID, ara.ID, bouches.ID, vaucluse.ID}, ids(e.list(t, "")), "DIAN reads everything")
	assert.ElementsMatch(t, []string{rhone.ID, ara.ID}, ids(region.list(t, "")), "the region reads its call and its departments'")
	assert.ElementsMatch(t, []string{rhone.ID}, ids(department.list(t, "")), "the department reads its own")

	t.Run("another territory's call is not found", func(t *testing.T) {
		requireProblem(t, department.get(t, "/api/v1/campaigns/"+bouches.ID), http.StatusNotFound, "not_found")
		requireProblem(t, department.get(t, "/api/v1/campaigns/"+ara.ID), http.StatusNotFound, "not_found")
		requireProblem(t, region.get(t, "/api/v1/campaigns/"+vaucluse.ID), http.StatusNotFound, "not_found")
		requireProblem(t, region.get(t, "/api/v1/campaigns/"+bouches.ID+"/applications"), http.StatusNotFound, "not_found")
	})
	t.Run("the region reads its departments' calls but does not run them", func(t *testing.T) {
		rec := region.get(t, "/api/v1/campaigns/"+rhone.ID+"/applications")
		require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
		cancel := []byte(`{"reason": "Annulation demandée par la région"}`)
		requireProblem(t, region.do(t, http.MethodPost, "/api/v1/campaigns/"+rhone.ID+"/cancel", cancel), http.StatusNotFound, "not_found")
	})
	t.Run("a correspondent creates calls only in its territory", func(t *testing.T) {
		rec := department.postCampaign(t, validBody().with("territory", "13").json(t))
		requireProblem(t, rec, http.StatusForbidden, "outside_territory")
		rec = region.postCampaign(t, validBody().json(t)) // departmental call of the Rhône
		requireProblem(t, rec, http.StatusForbidden, "outside_territory")
		assert.EqualValues(t, 4, e.storedCount(t), "nothing stored")
	})
	t.Run("the audit trail is DIAN's", func(t *testing.T) {
		requireProblem(t, department.get(t, "/api/v1/audit"), http.StatusForbidden, "forbidden")
		requireProblem(t, region.do(t, http.MethodPost, "/api/v1/pne/2027/responses", []byte("token\nt1\n")), http.StatusForbidden, "forbidden")
	})
}

func TestCampaignCreationIsAudited(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	rhone := e.asCorrespondent(t, "69", "")
	created := rhone.createCampaign(t, validBody().json(t), "X-Request-ID", "req-audit-1")

	rec := e.get(t, "/api/v1/audit?entity=campaign&from=2026-01-01")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var page struct {
		Items []models.AuditEntry `json:"items"`
		Total int64               `json:"total"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	require.Len(t, page.Items, 1)
	entry := page.Items[0]
	assert.Equal(t, "correspondant 69", entry.Actor)
	assert.NotNil(t, entry.TokenID)
	assert.Equal(t, created["id"], entry.EntityID)
	assert.Equal(t, "created", entry.Action)
	assert.Equal(t, "req-audit-1", entry.RequestID)
	assert.Contains(t, entry.After, `"territory":"69"`)

	rec = e.get(t, "/api/v1/audit?actor=personne")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `"total":0`)
	requireFields(t, e.get(t, "/api/v1/audit?from=hier"), fieldRule{"from", "date"})
}

func TestPNEStructuresByTerritoryAndAnswersAudited(t *testing.T) {
	e := newEnv(t, withNow(time.Date(2027, time.April, 10, 12, 0, 0, 0, time.UTC)))
	rows := e.seedPNE(t)
	rhone := e.asCorrespondent(t, "69", "")

	rec := rhone.get(t, "/api/v1/pne/2027/structures")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var list struct {
		Items []models.PNEStructure `json:"items"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.Len(t, list.Items, 2, "the Rhône's two structures of 2027, not Brittany's")
	for _, it := range list.Items {
		assert.Equal(t, "69", it.Department)
	}

	rec = rhone.get(t, "/api/v1/pne/2027")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), `"overall":{"structures":2,"answered":1,"response_percent":50}`, "the Rhône's rate, not the country's")

	answer := []byte(`{"answered": true}`)
	brittany := "/api/v1/pne/2027/structures/" + itoa(rows[2].ID)
	requireProblem(t, rhone.do(t, http.MethodPut, brittany, answer), http.StatusNotFound, "not_found")
	rec = rhone.do(t, http.MethodPut, "/api/v1/pne/2027/structures/"+itoa(rows[1].ID), answer, "X-Request-ID", "pne-1")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	var entries []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ?", store.AuditPNEStructure).Find(&entries).Error)
	require.Len(t, entries, 1, "the refused answer wrote nothing")
	assert.Equal(t, "correspondant 69", entries[0].Actor)
	assert.Equal(t, "pne-1", entries[0].RequestID)
	assert.Equal(t, itoa(rows[1].ID), entries[0].EntityID)
	assert.Contains(t, entries[0].Before, `"answered_at":null`)
}

func TestOutOfScopeRequestsAreLogged(t *testing.T) {
	var logs bytes.Buffer
	e := newEnv(t, withLog(&logs))
	rhone := e.seedCampaign(t, seed{year: 2027, territory: "69"})
	bouches := e.seedCampaign(t, seed{year: 2027, territory: "13"})
	department := e.asCorrespondent(t, "13", "")

	rec := department.get(t, "/api/v1/campaigns/"+bouches.ID+"/applications")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.NotContains(t, logs.String(), "outside the caller's scope", "its own call: nothing to report")

	requireProblem(t, department.get(t, "/api/v1/campaigns/"+rhone.ID+"/applications"), http.StatusNotFound, "not_found")
	line := ""
	for _, l := range strings.Split(logs.String(), "\n") {
		if strings.Contains(l, "outside the caller's scope") {
			line = l
		}
	}
	require.NotEmpty(t, line, "the refusal is logged")
	assert.Contains(t, line, "level=WARN")
	assert.Contains(t, line, `route="GET /api/v1/campaigns/:id/applications"`)
	assert.Contains(t, line, rhone.ID)
	assert.Contains(t, line, "request_id=")
}
