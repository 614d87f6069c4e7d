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
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// ctaiBody is Villeurbanne's 2027 renewal, with a complete bilan, that every
// validation rule accepts at fixedNow (29 November 2026).
func ctaiBody() body {
	return body{
		"year": 2027, "kind": "renewal",
		"collectivite":        map[string]any{"name": "Ville de Villeurbanne", "insee_code": "69266", "email": "ctai@villeurbanne.example"},
		"territory":           "69",
		"correspondent_email": "ddets-integration@rhone.gouv.fr",
		"inhabitants":         160000, "cir_count": 900, "housing_competent": true,
		"actions": []map[string]any{
			{"title": "Accès au logement des réfugiés", "domain": "logement", "budget_eur": rawJSON("60000")},
			{"title": "Ateliers de français", "domain": "langue", "budget_eur": rawJSON("40000.50"), "new": true},
		},
		"coordinator":            map[string]any{"cost_eur": 50000, "local_share_eur": 10000},
		"previous_delegated_eur": 120000,
		"bilan": []map[string]any{{
			"action": "Accès au logement des réfugiés", "beneficiaries": map[string]any{"bpi": 10, "others": 20},
			"ages": map[string]any{"under_26": 5, "from_26_to_45": 15, "over_45": 10}, "sex": map[string]any{"women": 14, "men": 16},
			"expenses_eur": 55000, "reliquat_eur": 5000, "associations": []string{"Habitat solidaire"},
			"objectives": map[string]any{"quantitative": "30 ménages relogés sur 25", "qualitative": "bailleurs mobilisés"},
		}},
	}
}

func (e *testEnv) postCTAI(t *testing.T, b body) *httptest.ResponseRecorder {
	t.Helper()
	raw, err := json.Marshal(b)
	require.NoError(t, err)
	return e.do(t, http.MethodPost, "/api/v1/ctai", raw)
}

func (e *testEnv) ctaiCount(t *testing.T) int64 {
	t.Helper()
	var n int64
	require.NoError(t, e.db.Model(&models.CTAIRequest{}).Count(&n).Error)
	return n
}

func TestCTAIRequestFiledAndItsWorkflowStarted(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	rec := e.postCTAI(t, ctaiBody())
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	got := decodeObject(t, rec)
	id := got["id"].(string)
	assert.Equal(t, "/api/v1/ctai/"+id, rec.Header().Get("Location"))
	assert.Equal(t, "deposee", got["state"])
	assert.Equal(t, "100000.50", got["requested_eur"])
	assert.Equal(t, "2027-06-30", got["deadline"], "a renewal is due by 30 June (§3.4)")
	assert.EqualValues(t, 12_000_000, got["previous_delegated_cents"])

	starts := e.starts(t)
	require.Len(t, starts, 1)
	assert.Equal(t, "aap/ctai/2027/"+id, starts[0].options.ID)
	in := starts[0].input.(workflows.CTAIInput)
	assert.Equal(t, id, in.RequestID)
	assert.EqualValues(t, 150000, in.Rules.NewContractMaxEUR, "the policy's ceilings are copied into the input")
	assert.Equal(t, mailRetryFor, in.MailRetryFor)
	for _, v := range starts[0].options.TypedSearchAttributes.GetUntypedValues() {
		assert.NotContains(t, fmt.Sprint(v), "@", "no address in the search attributes")
		assert.NotContains(t, fmt.Sprint(v), "Villeurbanne")
	}

	// The same request again is the same request; another body for the same collectivité, year and kind is refused.
	again := e.postCTAI(t, ctaiBody())
	require.Equal(t, http.StatusCreated, again.Code, again.Body.String())
	assert.Equal(t, "true", again.Header().Get("Idempotent-Replayed"))
	assert.Equal(t, id, decodeObject(t, again)["id"])
	requireProblem(t, e.postCTAI(t, ctaiBody().with("inhabitants", 170000)), http.StatusConflict, "ctai_already_filed")
	assert.EqualValues(t, 1, e.ctaiCount(t))

	read := e.get(t, "/api/v1/ctai/"+id)
	require.Equal(t, http.StatusOK, read.Code, read.Body.String())
	assert.Equal(t, "Ville de Villeurbanne", decodeObject(t, read)["collectivite_name"])
	requireProblem(t, e.get(t, "/api/v1/ctai/0193f6b0-0000-7abc-8def-000000000000"), http.StatusNotFound, "not_found")
	requireProblem(t, e.get(t, "/api/v1/ctai/nope"), http.StatusNotFound, "not_found")
}

func TestCTAIRequestWhenTheEngineIsDownLeavesNothing(t *testing.T) {
	e := newEnv(t)
	e.temporal.On("ExecuteWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything).
		Return((*mocks.WorkflowRun)(nil), assert.AnError).Once()
	requireProblem(t, e.postCTAI(t, ctaiBody()), http.StatusServiceUnavailable, "engine_unavailable")
	assert.Zero(t, e.ctaiCount(t))
}

func TestCTAIRequestValidation(t *testing.T) {
	cases := []struct {
		name    string
		edit    func(b body) body
		refused []fieldRule
	}{
		{"year missing", func(b body) body { return b.with("year", 0) }, []fieldRule{{"year", "required"}}},
		{"year too far", func(b body) body { return b.with("year", 2028) }, []fieldRule{{"year", "range"}}},
		{"unknown kind", func(b body) body { return b.with("kind", "avenant") }, []fieldRule{{"kind", "enum"}}},
		{"bad INSEE code", func(b body) body {
			return b.with("collectivite", map[string]any{"name": "Ville", "insee_code": "6926", "email": "a@b.example"})
		}, []fieldRule{{"collectivite.insee_code", "format"}}},
		{"bad collectivité email", func(b body) body {
			return b.with("collectivite", map[string]any{"name": "Ville", "insee_code": "2A004", "email": "pas-une-adresse"})
		}, []fieldRule{{"collectivite.email", "email"}}},
		{"territory not a department", func(b body) body { return b.with("territory", "99") }, []fieldRule{{"territory", "department"}}},
		{"inhabitants missing", func(b body) body { delete(b, "inhabitants"); return b }, []fieldRule{{"inhabitants", "required"}}},
		{"negative CIR", func(b body) body { return b.with("cir_count", -1) }, []fieldRule{{"cir_count", "min"}}},
		{"housing competence missing", func(b body) body { delete(b, "housing_competent"); return b }, []fieldRule{{"housing_competent", "required"}}},
		{"no action", func(b body) body { return b.with("actions", []any{}) }, []fieldRule{{"actions", "required"}}},
		{"unknown domain and zero budget", func(b body) body {
			return b.with("actions", []map[string]any{{"title": "Fêtes", "domain": "loisirs", "budget_eur": 0}})
		}, []fieldRule{{"actions[0].domain", "enum"}, {"actions[0].budget_eur", "positive"}}},
		{"three decimals", func(b body) body {
			return b.with("actions", []map[string]any{{"title": "Logement", "domain": "logement", "budget_eur": rawJSON("10.001")}})
		}, []fieldRule{{"actions[0].budget_eur", "money"}}},
		{"local share over the cost", func(b body) body {
			return b.with("coordinator", map[string]any{"cost_eur": 100, "local_share_eur": 101})
		}, []fieldRule{{"coordinator.local_share_eur", "max"}}},
		{"renewal without last year's amount", func(b body) body { delete(b, "previous_delegated_eur"); return b },
			[]fieldRule{{"previous_delegated_eur", "required"}}},
		{"new contract with a bilan and last year's amount", func(b body) body { return b.with("kind", "new") },
			[]fieldRule{{"previous_delegated_eur", "renewal_only"}, {"bilan", "renewal_only"}}},
		{"negative beneficiaries", func(b body) body {
			return b.with("bilan", []map[string]any{{"action": "Logement", "beneficiaries": map[string]any{"bpi": -1}}})
		}, []fieldRule{{"bilan[0].beneficiaries.bpi", "min"}}},
		{"funded association: no name, negative amount", func(b body) body {
			return withFunded(b, map[string]any{"name": " ", "amount_eur": -1})
		}, []fieldRule{{"bilan[0].funded_associations[0].name", "required"}, {"bilan[0].funded_associations[0].amount_eur", "money"}}},
		{"funded association: amount missing, three decimals", func(b body) body {
			return withFunded(b, map[string]any{"name": "Habitat solidaire"}, map[string]any{"name": "Toit", "amount_eur": rawJSON("1.001")})
		}, []fieldRule{{"bilan[0].funded_associations[0].amount_eur", "required"}, {"bilan[0].funded_associations[1].amount_eur", "money"}}},
		{"funded association: a SIREN of 8 digits, an RNA without W", func(b body) body {
			return withFunded(b, map[string]any{"name": "Habitat solidaire", "siren_or_rna": "12345678", "amount_eur": 10},
				map[string]any{"name": "Toit", "siren_or_rna": "X691234567", "amount_eur": 10})
		}, []fieldRule{{"bilan[0].funded_associations[0].siren_or_rna", "format"}, {"bilan[0].funded_associations[1].siren_or_rna", "format"}}},
		{"funded association: a SIRET whose key is wrong", func(b body) body {
			return withFunded(b, map[string]any{"name": "Habitat solidaire", "siren_or_rna": "12345678900013", "amount_eur": 10})
		}, []fieldRule{{"bilan[0].funded_associations[0].siren_or_rna", "checksum"}}},
		{"unknown field", func(b body) body { return b.with("montant", 1) }, []fieldRule{{"montant", "unknown_field"}}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t)
			requireFields(t, e.postCTAI(t, c.edit(ctaiBody())), c.refused...)
			assert.Zero(t, e.ctaiCount(t), "a refused request writes nothing")
			assert.Empty(t, e.starts(t))
		})
	}
}

// withFunded gives the bilan's first action the associations it funded.
func withFunded(b body, funded ...map[string]any) body {
	b["bilan"].([]map[string]any)[0]["funded_associations"] = funded
	return b
}

// The bilan says which associations each action funded and how much (§8.5: they
// are control candidates): a SIREN, a SIRET (its SIREN's legal person) or an RNA
// number, or none; zero euros is an amount; the names alone still work.
func TestCTAIBilanFundedAssociationsAccepted(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	rec := e.postCTAI(t, withFunded(ctaiBody(),
		map[string]any{"name": " Habitat solidaire ", "siren_or_rna": "123 456 789", "amount_eur": rawJSON("15000.50")},
		map[string]any{"name": "Toit commun", "siren_or_rna": "w691234567", "amount_eur": 0},
		map[string]any{"name": "Les Voisins", "amount_eur": 2000}))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var stored models.CTAIRequest
	require.NoError(t, e.db.First(&stored).Error)
	assert.Equal(t, []string{"Habitat solidaire"}, stored.Bilan[0].Associations)
	assert.Equal(t, []ctai.FundedAssociation{
		{Name: "Habitat solidaire", SIRENOrRNA: "123456789", AmountCents: 1_500_050},
		{Name: "Toit commun", SIRENOrRNA: "W691234567", AmountCents: 0},
		{Name: "Les Voisins", AmountCents: 200_000},
	}, stored.Bilan[0].FundedAssociations)
}

// §3.4: renewals by 30 June, new contracts by 30 September, Paris dates.
func TestCTAIDeadlines(t *testing.T) {
	newContract := func() body {
		b := ctaiBody().with("kind", "new")
		delete(b, "previous_delegated_eur")
		delete(b, "bilan")
		return b
	}
	cases := []struct {
		name string
		now  time.Time
		body body
		late string // "" when accepted; else the deadline the message names
	}{
		{"renewal on 30 June at 23:59 in Paris", time.Date(2027, 6, 30, 23, 59, 0, 0, french.Paris), ctaiBody(), ""},
		{"renewal on 1 July at midnight in Paris", time.Date(2027, 7, 1, 0, 0, 0, 0, french.Paris), ctaiBody(), "30 juin 2027"},
		{"new contract on 30 September", time.Date(2027, 9, 30, 23, 59, 0, 0, french.Paris), newContract(), ""},
		{"new contract on 1 October", time.Date(2027, 10, 1, 0, 0, 0, 0, french.Paris), newContract(), "30 septembre 2027"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, withNow(c.now))
			e.acceptStarts()
			rec := e.postCTAI(t, c.body)
			if c.late == "" {
				require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
				return
			}
			requireFields(t, rec, fieldRule{"kind", "hors_delais"})
			assert.Contains(t, rec.Body.String(), c.late)
			assert.Zero(t, e.ctaiCount(t))
		})
	}
}

func TestCTAISummaryXLSX(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	require.Equal(t, http.StatusCreated, e.postCTAI(t, ctaiBody()).Code)
	rec := e.get(t, "/api/v1/ctai/2027.xlsx")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Header().Get("Content-Type"), "spreadsheetml")
	assert.Contains(t, rec.Header().Get("Content-Disposition"), `filename="ctai-2027.xlsx"`)
	rows, err := workbook.Read(rec.Body.Bytes(), workbook.CTAIRequestsSheet)
	require.NoError(t, err)
	require.Len(t, rows, 2)
	assert.Equal(t, []string{"69", "Ville de Villeurbanne", "69266", "renouvellement"}, rows[1][:4])
	assert.Equal(t, "en instruction", rows[1][14], "no opinion before the workflow records it")
	v, _, err := workbook.Value(rec.Body.Bytes(), workbook.CTAIRequestsSheet, "J2")
	require.NoError(t, err)
	assert.Equal(t, "100000.50", v, "the amount asked is a number of euros")

	empty := e.get(t, "/api/v1/ctai/2031.xlsx")
	require.Equal(t, http.StatusOK, empty.Code)
	rows, err = workbook.Read(empty.Body.Bytes(), workbook.CTAIRequestsSheet)
	require.NoError(t, err)
	assert.Len(t, rows, 1, "the header only")
	requireProblem(t, e.get(t, "/api/v1/ctai/next.xlsx"), http.StatusNotFound, "not_found")
}

func TestCTAIOpinionShownOnceRecorded(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	id := decodeObject(t, e.postCTAI(t, ctaiBody()))["id"].(string)
	var r models.CTAIRequest
	require.NoError(t, e.db.Where("id = ?", id).Take(&r).Error)
	ev := ctai.Propose(r.Request(), e.mustPolicy(t, 2027).CTAI, 0)
	require.NoError(t, e.db.Model(&r).Updates(map[string]any{"state": models.CTAIReviewed, "opinion": ev.Opinion}).Error)
	got := decodeObject(t, e.get(t, "/api/v1/ctai/"+id))
	assert.Equal(t, "favorable", got["opinion"])
	assert.Equal(t, "avis", got["state"])
	assert.True(t, strings.HasPrefix(got["workflow_id"].(string), "aap/ctai/2027/"))
}

func (e *testEnv) mustPolicy(t *testing.T, year int) policy.Policy {
	t.Helper()
	p, err := e.policies.ForYear(year)
	require.NoError(t, err)
	return p
}

// A correspondent files and reads the requests of its own department only.
func TestCTAIScopeOfACorrespondent(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	rhone := e.asCorrespondent(t, "69", models.LevelDepartmental)
	isere := e.asCorrespondent(t, "38", models.LevelDepartmental)
	region := e.asCorrespondent(t, "84", models.LevelRegional)

	requireProblem(t, isere.postCTAI(t, ctaiBody()), http.StatusForbidden, "outside_territory")
	requireProblem(t, region.postCTAI(t, ctaiBody()), http.StatusForbidden, "outside_territory")
	assert.Zero(t, e.ctaiCount(t))
	rec := rhone.postCTAI(t, ctaiBody())
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	id := decodeObject(t, rec)["id"].(string)

	assert.Equal(t, http.StatusOK, rhone.get(t, "/api/v1/ctai/"+id).Code)
	assert.Equal(t, http.StatusOK, region.get(t, "/api/v1/ctai/"+id).Code, "the region reads its departments")
	requireProblem(t, isere.get(t, "/api/v1/ctai/"+id), http.StatusNotFound, "not_found")
	requireProblem(t, e.anonymous().get(t, "/api/v1/ctai/"+id), http.StatusUnauthorized, "unauthorized")

	for who, want := range map[*testEnv]int{rhone: 2, isere: 1, e: 2} {
		rec := who.get(t, "/api/v1/ctai/2027.xlsx")
		require.Equal(t, http.StatusOK, rec.Code)
		rows, err := workbook.Read(rec.Body.Bytes(), workbook.CTAIRequestsSheet)
		require.NoError(t, err)
		assert.Len(t, rows, want, "the summary holds the caller's departments only")
	}

	var audit []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND entity_id = ?", "ctai_request", id).Find(&audit).Error)
	require.Len(t, audit, 1)
	assert.Equal(t, "filed", audit[0].Action)
	assert.Equal(t, "correspondant 69", audit[0].Actor)
}
