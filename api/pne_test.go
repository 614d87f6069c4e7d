package api_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// seedPNE stores the 2027 list: two structures of the Rhône, one of Bretagne
// (regional call), one without email and two sharing one.
func (e *testEnv) seedPNE(t *testing.T) []models.PNEStructure {
	t.Helper()
	answered := fixedNow.Add(-time.Hour)
	rows := []models.PNEStructure{
		{Year: 2027, AssociationKey: "siret:1", AssociationName: "Accueil Rhône", Email: "pne@accueil.example", Region: "84", Department: "69", FundedActions: 2, Token: "t1", AnsweredAt: &answered},
		{Year: 2027, AssociationKey: "siret:2", AssociationName: "Lire ensemble", Region: "84", Department: "69", FundedActions: 1, Token: "t2"},
		{Year: 2027, AssociationKey: "siret:3", AssociationName: "Partage A", Email: "commun@example.org", Region: "53", FundedActions: 1, Token: "t3"},
		{Year: 2027, AssociationKey: "siret:4", AssociationName: "Partage B", Email: "Commun@example.org", Region: "53", FundedActions: 1, Token: "t4"},
		{Year: 2026, AssociationKey: "siret:1", AssociationName: "Accueil Rhône", Email: "pne@accueil.example", Region: "84", Department: "69", FundedActions: 1, Token: "t5"},
	}
	require.NoError(t, e.db.Create(&rows).Error)
	return rows
}

func TestPNESummaryCountsAnswersByTerritory(t *testing.T) {
	e := newEnv(t)
	e.seedPNE(t)

	rec := e.get(t, "/api/v1/pne/2027")

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"year": 2027, "target_percent": 100,
		"overall": {"structures": 4, "answered": 1, "response_percent": 25},
		"by_region": [
			{"code": "53", "name": "Bretagne", "structures": 2, "answered": 0, "response_percent": 0},
			{"code": "84", "name": "Auvergne-Rhône-Alpes", "structures": 2, "answered": 1, "response_percent": 50}],
		"by_department": [{"code": "69", "name": "Rhône", "structures": 2, "answered": 1, "response_percent": 50}]}`, rec.Body.String())

	empty := e.get(t, "/api/v1/pne/2030")
	require.Equal(t, http.StatusOK, empty.Code)
	assert.JSONEq(t, `{"year": 2030, "target_percent": 100, "overall": {"structures": 0, "answered": 0, "response_percent": 0},
		"by_region": [], "by_department": []}`, empty.Body.String())

	requireProblem(t, e.get(t, "/api/v1/pne/2020"), http.StatusNotFound, "not_found") // before the first policy
	requireProblem(t, e.get(t, "/api/v1/pne/next"), http.StatusNotFound, "not_found")
}

func TestPNEStructuresReportsMissingAndSharedEmails(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)

	rec := e.get(t, "/api/v1/pne/2027/structures")

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var list struct {
		Total    int              `json:"total"`
		Items    []map[string]any `json:"items"`
		Problems []struct {
			StructureID uint64 `json:"structure_id"`
			Rule        string `json:"rule"`
			Message     string `json:"message"`
		} `json:"problems"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &list))
	require.Equal(t, 4, list.Total)
	assert.NotContains(t, rec.Body.String(), `"t1"`, "the survey token is never shown")
	assert.Equal(t, "Partage A", list.Items[0]["association_name"], "by region, department, name")
	got := map[uint64]string{}
	for _, p := range list.Problems {
		got[p.StructureID] = p.Rule
		assert.NotEmpty(t, p.Message)
	}
	assert.Equal(t, map[uint64]string{rows[1].ID: "email_missing", rows[2].ID: "email_duplicate", rows[3].ID: "email_duplicate"}, got)
}

func TestPNEAnswerIsRecorded(t *testing.T) {
	e := newEnv(t, withNow(time.Date(2027, time.April, 10, 12, 0, 0, 0, time.UTC)))
	rows := e.seedPNE(t)

	rec := e.do(t, http.MethodPut, fmt.Sprintf("/api/v1/pne/2027/structures/%d", rows[2].ID),
		[]byte(`{"answered": true, "answered_at": "2027-04-02T10:00:00+02:00"}`))

	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	out := decodeObject(t, rec)
	assert.Equal(t, "2027-04-02T08:00:00Z", out["answered_at"])

	// No date: now.
	rec = e.do(t, http.MethodPut, fmt.Sprintf("/api/v1/pne/2027/structures/%d", rows[3].ID), []byte(`{"answered": true}`))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "2027-04-10T12:00:00Z", decodeObject(t, rec)["answered_at"])

	// Another structure.
	rec = e.do(t, http.MethodPut, fmt.Sprintf("/api/v1/pne/2027/structures/%d", rows[1].ID), []byte(`{"answered": true}`))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())

	// A correction: not answered after all.
	rec = e.do(t, http.MethodPut, fmt.Sprintf("/api/v1/pne/2027/structures/%d", rows[0].ID), []byte(`{"answered": false}`))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.NotContains(t, decodeObject(t, rec), "answered_at")

	summary := e.get(t, "/api/v1/pne/2027")
	assert.Contains(t, summary.Body.String(), `"overall":{"structures":4,"answered":3,"response_percent":75}`)
}

func TestPNEAnswerRefusesBadRequests(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)
	path := fmt.Sprintf("/api/v1/pne/2027/structures/%d", rows[1].ID)
	for _, tc := range []struct {
		name string
		body string
		want []fieldRule
	}{
		{"answered missing", `{}`, []fieldRule{{"answered", "required"}}},
		{"bad date", `{"answered": true, "answered_at": "2 avril"}`, []fieldRule{{"answered_at", "format"}}},
		{"future date", `{"answered": true, "answered_at": "2026-11-30T10:00:00Z"}`, []fieldRule{{"answered_at", "not_future"}}},
		{"date without answer", `{"answered": false, "answered_at": "2026-11-01T10:00:00Z"}`, []fieldRule{{"answered_at", "without_answer"}}},
		{"wrong type", `{"answered": "oui"}`, []fieldRule{{"answered", "type"}}},
		{"unknown field", `{"answered": true, "email": "x@example.org"}`, []fieldRule{{"email", "unknown_field"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			requireFields(t, e.do(t, http.MethodPut, path, []byte(tc.body)), tc.want...)
		})
	}
	requireProblem(t, e.do(t, http.MethodPut, path, []byte(`[]`)), http.StatusBadRequest, "malformed_json")
	requireProblem(t, e.do(t, http.MethodPut, "/api/v1/pne/2027/structures/999999", []byte(`{"answered": true}`)), http.StatusNotFound, "not_found")
	requireProblem(t, e.do(t, http.MethodPut, fmt.Sprintf("/api/v1/pne/2026/structures/%d", rows[1].ID), []byte(`{"answered": true}`)),
		http.StatusNotFound, "not_found")
	requireProblem(t, e.do(t, http.MethodPut, "/api/v1/pne/2027/structures/abc", []byte(`{"answered": true}`)), http.StatusNotFound, "not_found")
}

func TestPNEImportAnswersAllOrNothing(t *testing.T) {
	e := newEnv(t, withNow(time.Date(2027, time.April, 10, 12, 0, 0, 0, time.UTC)))
	rows := e.seedPNE(t)
	post := func(csv string) *httptest.ResponseRecorder {
		req := httptest.NewRequest(http.MethodPost, "/api/v1/pne/2027/responses", strings.NewReader(csv))
		req.Header.Set("Content-Type", "text/csv")
		req.Header.Set("Authorization", "Bearer "+e.bearer)
		rec := httptest.NewRecorder()
		e.router.ServeHTTP(rec, req)
		return rec
	}

	// Unknown token on line 3, shared email on line 4: nothing recorded.
	p := requireProblem(t, post("token;email;submitdate\nt2;;2027-04-02 10:00:00\nnope;;\n;commun@example.org;\n"),
		http.StatusUnprocessableEntity, "import_refused")
	got := map[string]string{}
	for _, f := range p.Fields {
		got[f.Field] = f.Rule
	}
	assert.Equal(t, map[string]string{"line 3": "unknown", "line 4": "ambiguous"}, got)
	var answered int64
	require.NoError(t, e.db.Model(&models.PNEStructure{}).Where("year = 2027 AND answered_at IS NOT NULL").Count(&answered).Error)
	assert.EqualValues(t, 1, answered, "only the seeded answer")

	rec := post("token,submitdate\nt2,2027-04-02 10:00:00\nt1,\n\nt3,2027-04-03T09:00:00Z\n")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"year": 2027, "lines": 3, "recorded": 2}`, rec.Body.String(), "t1 had already answered")
	var b models.PNEStructure
	require.NoError(t, e.db.First(&b, rows[1].ID).Error)
	assert.True(t, time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC).Equal(*b.AnsweredAt), "Paris time")

	requireFields(t, post("name\nx\n"), fieldRule{"line 1", "header"})
	requireFields(t, post("token;submitdate\nt4;2027-05-01 10:00:00\n"), fieldRule{"line 2", "date"})
	requireFields(t, post("token\n"), fieldRule{"line 2", "required"})
}
