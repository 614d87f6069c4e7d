package api_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// A call's list shows each dossier narrower than its own GET (no description, contact
// or co-funders), with its double funding and the renewal blocks in force, final or
// provisional; its total is the call's count, and with a filter the matching dossiers'.
func TestListApplicationsShowsSummariesWithFlagsAndTotals(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished, createdAt: fixedNow})
	free := e.seedApplication(t, c, "langue", 500_000)
	blocked := e.seedApplication(t, c, "emploi", 300_000)
	provisional := e.seedApplication(t, c, "sante", 200_000)
	lifted := e.seedApplication(t, c, "culture", 100_000)
	require.NoError(t, e.db.Model(free).Update("double_funding_with", `["`+blocked.ID+`"]`).Error)
	require.NoError(t, e.db.Model(free).Update("state", models.ApplicationDeposited).Error)
	for _, b := range []models.RenewalBlock{
		{ApplicationID: blocked.ID, Source: "pne:2026"},
		{ApplicationID: provisional.ID, Source: "pne:2027", Provisional: true},
		{ApplicationID: lifted.ID, Source: "pne:2026", LiftedAt: &fixedNow},
	} {
		b.AssociationKey, b.Rule, b.Reason, b.Lift = "rna:W691234567", "pne_missed", "raison", "levée"
		require.NoError(t, e.db.Create(&b).Error)
	}

	var page struct {
		Items []map[string]any `json:"items"`
		Total *int64           `json:"total"`
	}
	list := "/api/v1/campaigns/" + c.ID + "/applications"
	rec := e.get(t, list)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	require.Len(t, page.Items, 4)
	require.NotNil(t, page.Total)
	assert.EqualValues(t, 4, *page.Total, "the call's count")
	flags := map[string][3]any{}
	for _, it := range page.Items {
		flags[it["id"].(string)] = [3]any{it["double_funding_flag"], it["blocked"], it["renewal_blocked_provisionally"]}
		assert.NotContains(t, it, "description", "the project's texts are on the dossier's own GET")
		assert.NotContains(t, it, "association_email")
		assert.NotContains(t, it, "renewal_blocks")
		assert.Equal(t, "database", it["state_source"])
	}
	assert.Equal(t, map[string][3]any{free.ID: {true, false, false}, blocked.ID: {false, true, false},
		provisional.ID: {false, false, true}, lifted.ID: {false, false, false}}, flags)
	assert.Equal(t, []any{blocked.ID}, page.Items[0]["double_funding_with"])
	assert.Equal(t, "5000.00", page.Items[0]["requested_eur"])

	rec = e.get(t, list+"?state=under_review")
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	assert.Len(t, page.Items, 3)
	assert.EqualValues(t, 3, *page.Total, "a filtered list counts its dossiers")
	rec = e.get(t, list+"?theme=langue")
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	assert.EqualValues(t, 1, *page.Total)

	e.seedApplication(t, c, "sport", 100_000)
	rec = e.get(t, list)
	require.NoError(t, json.Unmarshal(rec.Body.Bytes(), &page))
	assert.EqualValues(t, 5, *page.Total, "a dossier filed since counts at once")
}
