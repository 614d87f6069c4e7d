package api_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// handBody is a structure added by hand; reason and the rest as given.
func handBody(siret, email, department, reason string) []byte {
	b, _ := json.Marshal(map[string]any{"siret": siret, "name": "Café des langues", "email": email, "department": department, "reason": reason})
	return b
}

// structuresOf counts the year's structures of the association key.
func (e *testEnv) structuresOf(t *testing.T, year int, key string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, e.db.Model(&models.PNEStructure{}).Where("year = ? AND association_key = ?", year, key).Count(&n).Error)
	return n
}

// §8.4: a department's correspondent adds a structure that benefited to its
// year's list with a reason (at least 5 characters: 5 accepted, 4 refused;
// blank or with a control character refused, naming the field), audited with
// it; the same association twice: one wins, the second is 409; a department
// outside its territory is a 404, a region's correspondent 403; DIAN adds
// anywhere.
func TestPNEStructureAddedByHand(t *testing.T) {
	e := newEnv(t)
	e.seedPNE(t)
	rhone := e.asCorrespondent(t, "69", models.LevelDepartmental)
	const path = "/api/v1/pne/2027/structures"

	for _, tc := range []struct {
		name string
		body string
		want []fieldRule
	}{
		{"reason missing", `{"siret": "73282932000074", "name": "Café des langues", "email": "cafe@example.org", "department": "69"}`, []fieldRule{{"reason", "required"}}},
		{"reason blank", string(handBody("73282932000074", "cafe@example.org", "69", "   ")), []fieldRule{{"reason", "required"}}},
		{"reason of 4 characters", string(handBody("73282932000074", "cafe@example.org", "69", "oubl")), []fieldRule{{"reason", "min_length"}}},
		{"reason with a control character", string(handBody("73282932000074", "cafe@example.org", "69", "oubli\u0007 CTAI")), []fieldRule{{"reason", "control_character"}}},
		{"no identifier, no email, unknown department", `{"name": "Café des langues", "department": "999", "reason": "oubli"}`,
			[]fieldRule{{"siret", "required"}, {"email", "required"}, {"department", "unknown"}}},
		{"bad SIRET key", string(handBody("73282932000075", "cafe@example.org", "69", "oubli")), []fieldRule{{"siret", "checksum"}}},
		{"no funded action", `{"siret": "73282932000074", "name": "Café des langues", "email": "cafe@example.org", "department": "69", "reason": "oubli", "funded_actions": 0}`,
			[]fieldRule{{"funded_actions", "range"}}},
		{"an address another structure has", string(handBody("73282932000074", "PNE@accueil.example", "69", "oubli")), []fieldRule{{"email", "unique"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireFields(t, rhone.do(t, http.MethodPost, path, []byte(tc.body)), tc.want...)
		})
	}
	assert.Zero(t, e.structuresOf(t, 2027, "siren:732829320"), "nothing recorded")

	requireProblem(t, rhone.do(t, http.MethodPost, path, handBody("73282932000074", "cafe@example.org", "38", "oubli")), http.StatusNotFound, "not_found")
	region := e.asCorrespondent(t, "84", models.LevelRegional)
	requireProblem(t, region.do(t, http.MethodPost, path, handBody("73282932000074", "cafe@example.org", "69", "oubli")), http.StatusForbidden, "forbidden")
	assert.Zero(t, e.structuresOf(t, 2027, "siren:732829320"))

	rec := rhone.do(t, http.MethodPost, path, handBody("73282932000074", "cafe@example.org", "69", "oubli"), "X-Request-ID", "ajout-1")
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var added models.PNEStructure
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &added))
	assert.Equal(t, "siren:732829320", added.AssociationKey)
	assert.Equal(t, "84", added.Region)
	assert.Equal(t, 1, added.FundedActions, "one funded action by default")
	assert.Equal(t, "oubli", added.AddedReason)
	assert.Equal(t, "correspondant 69", added.AddedBy)
	var entry models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND action = ?", store.AuditPNEStructure, "pne_structure_added").Take(&entry).Error)
	assert.Equal(t, "correspondant 69", entry.Actor)
	assert.Equal(t, "ajout-1", entry.RequestID)
	assert.Contains(t, entry.After, `"reason":"oubli"`)

	// The same association again, whatever the other fields: one wins.
	p := requireProblem(t, e.do(t, http.MethodPost, path, handBody("73282932000082", "autre@example.org", "69", "doublon")), http.StatusConflict, "pne_structure_already_listed")
	assert.Contains(t, p.Message, "Café des langues")
	assert.EqualValues(t, 1, e.structuresOf(t, 2027, "siren:732829320"))

	rec = e.do(t, http.MethodPost, path, handBody("44306184100047", "isere@example.org", "38", "CTAI de Grenoble : bilan sans cette association"))
	require.Equal(t, http.StatusCreated, rec.Code, "DIAN adds in any department: %s", rec.Body.String())
	requireProblem(t, e.do(t, http.MethodPost, "/api/v1/pne/2020/structures", handBody("44306184100047", "x@example.org", "38", "oubli")), http.StatusNotFound, "not_found")
}

// The list is open to an addition until the questionnaire leaves (9:00 on
// pne_send): a second before it, added; at it, 409, nothing added.
func TestPNEStructureAddedByHandUntilTheInvitationsLeave(t *testing.T) {
	pol, err := newEnv(t).policies.ForYear(2027)
	require.NoError(t, err)
	_, sendAt, _, _, ok := workflows.PNESchedule(2027, pol)
	require.True(t, ok)
	for _, tc := range []struct {
		now    time.Time
		status int
	}{{sendAt.Add(-time.Second), http.StatusCreated}, {sendAt, http.StatusConflict}} {
		e := newEnv(t, withNow(tc.now))
		rec := e.do(t, http.MethodPost, "/api/v1/pne/2027/structures", handBody("73282932000074", "cafe@example.org", "69", "oubli"))
		require.Equal(t, tc.status, rec.Code, "%s: %s", tc.now, rec.Body.String())
		if tc.status == http.StatusConflict {
			requireProblem(t, rec, http.StatusConflict, "pne_invitations_sent")
			assert.Contains(t, rec.Body.String(), "la liste est close")
			assert.Zero(t, e.structuresOf(t, 2027, "siren:732829320"))
		}
	}
}

// The /pne/{year} page's form adds through the same rules: a refusal comes
// back next to its field with what was typed; without a CSRF token nothing is
// added; once added the page says so and lists it.
func TestPNEPageAddsAStructure(t *testing.T) {
	e := newEnv(t)
	e.seedPNE(t)
	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)
	const page, action = "/pne/2027", "/pne/2027/structures"
	form := url.Values{"name": {"Café des langues"}, "siret": {"73282932000074"}, "email": {"cafe@example.org"},
		"department": {"69"}, "funded_actions": {"2"}, "reason": {"oubl"}}

	list := rhone.get(t, page)
	require.Equal(t, http.StatusOK, list.Code)
	for _, label := range []string{`<label class="fr-label" for="ajout-motif">`, `<label class="fr-label" for="ajout-departement">`, `name="csrf"`} {
		assert.Contains(t, list.Body.String(), label)
	}

	bad := rhone.submit(t, page, action, form)
	require.Equal(t, http.StatusUnprocessableEntity, bad.Code, bad.Body.String())
	assert.Contains(t, bad.Body.String(), `id="ajout-motif-erreur"`)
	assert.Contains(t, text(bad), "au moins 5 caractères")
	assert.Contains(t, text(bad), `value="Café des langues"`, "what was typed comes back")
	assert.Zero(t, e.structuresOf(t, 2027, "siren:732829320"))

	form.Set("reason", "oubli")
	form.Del("csrf")
	assert.Equal(t, http.StatusForbidden, rhone.post(t, action, form).Code, "no CSRF token")
	assert.Zero(t, e.structuresOf(t, 2027, "siren:732829320"))

	ok := rhone.submit(t, page, action, form)
	require.Equal(t, http.StatusSeeOther, ok.Code, ok.Body.String())
	after := text(rhone.get(t, ok.Header().Get("Location")))
	assert.Contains(t, after, "La structure est ajoutée à la liste")
	assert.Contains(t, after, "Café des langues")
	assert.EqualValues(t, 1, e.structuresOf(t, 2027, "siren:732829320"))

	region := e.signInCorrespondent(t, "84", models.LevelRegional)
	assert.False(t, strings.Contains(withoutSignOut(region.get(t, page).Body.String()), `name="reason"`), "no form for a region's correspondent")
}
