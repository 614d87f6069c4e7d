package engine_test

import (
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/rules/policy"
)

// A collectivité's renewal without bilan: filed through the API, evaluated by
// its workflow on the embedded server, the unfavourable opinion recorded and
// emailed to the collectivité, the correspondent and DIAN over SMTP, once.
func TestACTAIRequestGetsItsOpinionByEmail(t *testing.T) {
	d := startDev(t, t.TempDir(), func(c *config.Config) { c.DIANEmail = "dian@interieur.example" })
	defer d.Stop()
	body := map[string]any{
		"year": policy.DateOf(time.Now()).Year + 1, "kind": "renewal",
		"collectivite": map[string]any{"name": "Ville de Villeurbanne", "insee_code": "69266", "email": "ctai@villeurbanne.example.org"},
		"territory":    "69", "correspondent_email": "ddets-integration@rhone.gouv.fr",
		"inhabitants": 160000, "cir_count": 900, "housing_competent": true,
		"actions": []map[string]any{{"title": "Logement", "domain": "logement", "budget_eur": 60000},
			{"title": "Français", "domain": "langue", "budget_eur": 40000}},
		"previous_delegated_eur": 120000,
	}
	status, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/ctai", body)
	require.Equal(t, http.StatusCreated, status, "%v", created)
	id := created["id"].(string)
	status, again := do(t, http.MethodPost, d.HTTPURL+"/api/v1/ctai", body)
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, id, again["id"], "the same request filed twice is one request")

	// The engine only proposes (§3.4: « la DIAN et la DIAIR valideront les demandes »):
	// the proposal is recorded and nothing is emailed until DIAN gives its opinion.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, r := do(t, http.MethodGet, d.HTTPURL+"/api/v1/ctai/"+id, nil)
		assert.Equal(c, "proposee", r["state"])
		assert.Equal(c, "defavorable", r["proposed_opinion"])
	}, 60*time.Second, 200*time.Millisecond)
	_, r := do(t, http.MethodGet, d.HTTPURL+"/api/v1/ctai/"+id, nil)
	assert.Nil(t, r["opinion"], "no opinion before DIAN's")
	assert.Equal(t, 0, sentCount(t, d, "purpose=ctai_opinion"))

	status, decided := do(t, http.MethodPost, d.HTTPURL+"/api/v1/ctai/"+id+"/opinion",
		map[string]any{"opinion": "defavorable", "motivation": "Aucun bilan de l'année précédente."})
	require.Equal(t, http.StatusOK, status, "%v", decided)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, r := do(t, http.MethodGet, d.HTTPURL+"/api/v1/ctai/"+id, nil)
		assert.Equal(c, "defavorable", r["opinion"])
		assert.Equal(c, 3, sentCount(t, d, "purpose=ctai_opinion"))
	}, 60*time.Second, 200*time.Millisecond)
	status, _ = do(t, http.MethodPost, d.HTTPURL+"/api/v1/ctai/"+id+"/opinion",
		map[string]any{"opinion": "favorable", "delegated_eur": 1000, "motivation": "Autre avis."})
	require.Equal(t, http.StatusConflict, status, "one opinion: the second is refused")
	_, r = do(t, http.MethodGet, d.HTTPURL+"/api/v1/ctai/"+id, nil)
	assert.Contains(t, fmt.Sprint(r["outcomes"]), "Aucun bilan")
	assert.Equal(t, 3, d.Catcher.Count(), "one opinion each to the collectivité, the correspondent and DIAN")
}
