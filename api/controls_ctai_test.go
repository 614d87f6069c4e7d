package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// seedCTAI stores a 2027 CTAI renewal of the collectivité code in the Rhône with
// DIAN's opinion and one action funding the given associations; it returns its ID.
func (e *testEnv) seedCTAI(t *testing.T, code, opinion string, funded ...ctai.FundedAssociation) string {
	t.Helper()
	id, now := uuid.NewString(), time.Now().UTC()
	require.NoError(t, e.db.Create(&models.CTAIRequest{ID: id, WorkflowID: "aap/ctai/2027/" + id, Year: 2027, Kind: ctai.KindRenewal,
		CollectiviteCode: code, CollectiviteName: "Ville " + code, CollectiviteEmail: "ctai-" + code + "@ville.example",
		Territory: "69", CorrespondentEmail: "ddets-integration@rhone.gouv.fr", State: models.CTAIReviewed, Opinion: opinion,
		DelegatedCents: 8_000_000, OpinionAt: &now, FiledAt: now,
		Bilan: []ctai.ActionBilan{{Action: "Logement", Associations: []string{"Les Voisins"}, FundedAssociations: funded}}}).Error)
	return id
}

// §8.5: « des contrôles sur site … au profit … des associations financées dans
// le cadre des CTAI »: an association a favourable CTAI funded is a candidate
// with its reason; planning its control is accepted once (the same again
// answers it, another date is a 409); an unfavourable CTAI's is refused in
// French; the result's repayment is at most what the bilan gives it.
func TestPlanControlOfACTAIFundedAssociation(t *testing.T) {
	e := newEnv(t) // today: 29 November 2026
	e.acceptControlSignals(nil)
	funded := e.seedCTAI(t, "69266", ctai.OpinionFavourable, ctai.FundedAssociation{Name: "Toit commun", SIRENOrRNA: "123456789", AmountCents: 1_500_000})
	refused := e.seedCTAI(t, "69123", ctai.OpinionUnfavourable, ctai.FundedAssociation{Name: "Refusée", AmountCents: 9_000_000})

	rec := e.get(t, "/api/v1/controls/2027/84/candidates")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	var cands struct {
		Items []map[string]any `json:"items"`
	}
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &cands))
	require.Len(t, cands.Items, 2, "Toit commun and Les Voisins (named only); not the unfavourable CTAI's")
	toit := cands.Items[0]
	require.Equal(t, "ctai_association", toit["subject"])
	require.Equal(t, funded, toit["ctai_request_id"])
	require.Equal(t, "siren:123456789", toit["association_key"])
	require.Equal(t, "Ville 69266", toit["collectivite_name"])
	require.Equal(t, "69", toit["department"])
	require.Equal(t, "15000.00", toit["granted_eur"])
	require.Contains(t, rec.Body.String(), "Association financée via le CTAI de Ville 69266 (15\u00a0000,00\u00a0€).")
	require.NotContains(t, rec.Body.String(), "Refusée")

	req := map[string]any{"ctai_request_id": funded, "association_key": "siren:123456789", "planned_on": "2026-11-29", "controller": "Inspection DREETS"}
	first := e.post(t, "/api/v1/controls", req)
	require.Equal(t, float64(http.StatusCreated), first["_status"], first)
	require.Equal(t, "ctai_association", first["subject"])
	require.Equal(t, "Toit commun", first["association_name"])
	require.Equal(t, "84", first["region"])
	require.Equal(t, "69", first["department"])
	require.Nil(t, first["convention_id"])
	again := e.post(t, "/api/v1/controls", req)
	require.Equal(t, float64(http.StatusCreated), again["_status"], again)
	require.Equal(t, "true", again["_replayed"])
	require.Equal(t, first["id"], again["id"])
	require.Len(t, e.controlSignals(t), 2)
	moved := e.post(t, "/api/v1/controls", map[string]any{"ctai_request_id": funded, "association_key": "siren:123456789",
		"planned_on": "2027-07-01", "controller": "Inspection DREETS"})
	require.Equal(t, float64(http.StatusConflict), moved["_status"], moved)
	require.Contains(t, moved["error"].(map[string]any)["message"], "Cette association financée via le CTAI a déjà un contrôle prévu le 29 novembre 2026")

	raw := func(b map[string]any) []byte {
		out, err := json.Marshal(b)
		require.NoError(t, err)
		return out
	}
	p := requireProblem(t, e.do(t, http.MethodPost, "/api/v1/controls", raw(map[string]any{"ctai_request_id": refused,
		"association_key": store.CTAIAssociationKey("Refusée"), "planned_on": "2027-06-15", "controller": "Inspection DREETS"})),
		http.StatusUnprocessableEntity, "validation_failed")
	require.Equal(t, "ctai_request_id", p.Fields[0].Field)
	require.Equal(t, "favourable", p.Fields[0].Rule)
	require.Contains(t, p.Fields[0].Message, "avis favorable de la DIAN peuvent être contrôlées (avis défavorable de la DIAN)")
	requireFields(t, e.do(t, http.MethodPost, "/api/v1/controls", raw(map[string]any{"ctai_request_id": funded,
		"association_key": "siren:999999999", "planned_on": "2027-06-15", "controller": "Inspection DREETS"})), fieldRule{"association_key", "in_bilan"})
	requireFields(t, e.do(t, http.MethodPost, "/api/v1/controls", raw(map[string]any{"ctai_request_id": funded, "convention_id": uuid.NewString(),
		"association_key": "siren:123456789", "planned_on": "2027-06-15", "controller": "Inspection DREETS"})), fieldRule{"convention_id", "one_subject"})
	requireFields(t, e.do(t, http.MethodPost, "/api/v1/controls", raw(map[string]any{"ctai_request_id": "pas-un-uuid",
		"planned_on": "2027-06-15", "controller": "Inspection DREETS"})), fieldRule{"ctai_request_id", "format"}, fieldRule{"association_key", "required"})
	requireProblem(t, e.asCorrespondent(t, "13", models.LevelDepartmental).do(t, http.MethodPost, "/api/v1/controls", raw(req)),
		http.StatusNotFound, "not_found")
	voisins := e.asCorrespondent(t, "69", models.LevelDepartmental).post(t, "/api/v1/controls", map[string]any{"ctai_request_id": funded,
		"association_key": store.CTAIAssociationKey("Les Voisins"), "planned_on": "2027-06-15", "controller": "Inspection DDETS"})
	require.Equal(t, float64(http.StatusCreated), voisins["_status"], voisins)
	list, err := store.NewControls(e.db).List(t.Context(), store.ControlFilter{})
	require.NoError(t, err)
	require.Len(t, list, 2, "the refused requests stored nothing")

	rec = e.get(t, "/api/v1/controls/2027/84/candidates")
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &cands))
	require.Equal(t, first["id"], cands.Items[0]["control_id"], "the candidate shows its control")

	id := first["id"].(string)
	over := e.post(t, "/api/v1/controls/"+id+"/result", map[string]any{"outcome": "non_conforme", "findings": "Factures absentes.",
		"follow_up": map[string]any{"kind": "reversement", "amount_eur": rawJSON("15000.01")}})
	require.Equal(t, float64(http.StatusUnprocessableEntity), over["_status"], over)
	require.Contains(t, over["error"].(map[string]any)["fields"].([]any)[0].(map[string]any)["message"], "le montant reçu via le CTAI selon son bilan")
	done := e.post(t, "/api/v1/controls/"+id+"/result", map[string]any{"outcome": "non_conforme", "findings": "Factures absentes.",
		"follow_up": map[string]any{"kind": "reversement", "amount_eur": rawJSON("15000.00")}})
	require.Equal(t, float64(http.StatusOK), done["_status"], done)
	require.Equal(t, "done", done["state"])

	var audit []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND entity_id = ?", store.AuditControl, id).Order("id").Find(&audit).Error)
	require.Len(t, audit, 2)
	require.Equal(t, []string{"planned", "result_recorded"}, []string{audit[0].Action, audit[1].Action})
	require.Contains(t, string(audit[0].After), `"ctai_request_id":"`+funded+`"`)
}
