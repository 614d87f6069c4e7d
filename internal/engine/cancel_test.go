package engine_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/workflows"
)

// Cancelled before its closure: the dossiers' workflows have not run yet (they start at the
// closure), so the cancellation tells their porteurs de projet itself; at the closure each
// workflow reads the cancellation first, ends cancelled and sends nothing more.
func TestACancelledCallTellsEveryPorteurDeProjet(t *testing.T) {
	d := startDev(t, t.TempDir())
	defer d.Stop()
	_, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", campaignBody(0, 15*time.Second))
	campaignID := created["id"].(string)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, campaignID))
	}, 30*time.Second, 200*time.Millisecond)
	filing := d.HTTPURL + "/api/v1/campaigns/" + campaignID + "/applications"
	_, first := do(t, http.MethodPost, filing, applicationBody("Ateliers sociolinguistiques"))
	_, second := do(t, http.MethodPost, filing, applicationBody("Découverte des métiers du bâtiment"))

	cancel := d.HTTPURL + "/api/v1/campaigns/" + campaignID + "/cancel"
	status, problem := do(t, http.MethodPost, cancel, map[string]any{"reason": ""})
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Equal(t, "required", fieldRules(problem)["reason"])
	require.Equal(t, "published", campaignState(t, d, campaignID), "a refused cancellation changes nothing")

	status, cancelled := do(t, http.MethodPost, cancel, map[string]any{"reason": "Enveloppe redéployée sur les CTAI"})
	require.Equal(t, http.StatusOK, status, "%v", cancelled)
	require.Equal(t, "cancelled", cancelled["state"])
	require.Equal(t, "Enveloppe redéployée sur les CTAI", cancelled["cancel_reason"])
	status, _ = do(t, http.MethodPost, cancel, map[string]any{"reason": "Une seconde fois"})
	require.Equal(t, http.StatusConflict, status)
	status, late := do(t, http.MethodPost, filing, applicationBody("Un projet de plus"))
	require.Equal(t, http.StatusConflict, status)
	require.Equal(t, "campaign_cancelled", late["error"].(map[string]any)["code"])

	require.EventuallyWithT(t, func(c *assert.CollectT) {
		for _, a := range []map[string]any{first, second} {
			_, got := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+a["id"].(string), nil)
			assert.Equal(c, "cancelled", got["state"])
		}
		assert.Equal(c, 2, sentCount(t, d, "purpose=campaign_cancelled&campaign="+campaignID))
	}, 30*time.Second, 250*time.Millisecond)

	for _, a := range []map[string]any{first, second} {
		ctx, stop := context.WithTimeout(context.Background(), 45*time.Second)
		var res workflows.ApplicationResult
		require.NoError(t, d.Temporal.GetWorkflow(ctx, a["workflow_id"].(string), "").Get(ctx, &res), "its workflow ran at the closure")
		stop()
		require.Equal(t, "cancelled", res.State, "not under review")
		var activities []string
		for _, e := range workflowHistory(t, d, a["workflow_id"].(string)) {
			if sched := e.GetActivityTaskScheduledEventAttributes(); sched != nil {
				activities = append(activities, sched.GetActivityType().GetName())
			}
		}
		require.Equal(t, []string{"CancelDossier"}, activities, "the cancellation read before anything else: never recorded under review")
		_, got := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+a["id"].(string), nil)
		require.Equal(t, "cancelled", got["state"])
	}
	require.Equal(t, 2, sentCount(t, d, "purpose=campaign_cancelled&campaign="+campaignID), "each porteur de projet told once")
}
