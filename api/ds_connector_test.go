package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"

	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/connector/ds/dstest"
	"github.com/dian-p104/aap/workflows"
)

const webhookSecret = "a webhook secret of at least 32 characters"

func dsSource(mapping map[string]string) map[string]any {
	return map[string]any{"demarche": 4242, "instructeur_id": "SW5zdHJ1Y3RldXItNw==", "mapping": mapping}
}

// The mapping is checked against the démarche's champs read from DS: a French 422
// naming each broken field, nothing stored; a good one is stored with the call.
func TestCreateCampaignChecksTheDSMapping(t *testing.T) {
	fake := dstest.New(t, 4242, "jeton", dstest.Descriptors())
	e := newEnv(t, withDS(ds.New(fake.URL, "jeton"), webhookSecret))
	bad := dstest.Mapping()
	bad["project.requested_eur"] = "Q2hhbXAtMg==" // a text champ
	bad["project.title"] = "Q2hhbXAtOTk="         // not the démarche's
	delete(bad, "project.description")
	rec := e.postCampaign(t, validBody().with("demarches_simplifiees", dsSource(bad)).json(t))
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	assert.ElementsMatch(t, []string{
		"demarches_simplifiees.mapping.project.requested_eur/champ_type",
		"demarches_simplifiees.mapping.project.title/unknown_champ",
		"demarches_simplifiees.mapping.project.description/required",
	}, fieldRules(t, rec))
	assert.Contains(t, rec.Body.String(), "est de type Text ; attendu : DecimalNumber ou IntegerNumber")
	var n int64
	require.NoError(t, e.db.Table("campaigns").Count(&n).Error)
	assert.Zero(t, n)

	fake.Fail(1, http.StatusServiceUnavailable, "")
	rec = e.postCampaign(t, validBody().with("demarches_simplifiees", dsSource(dstest.Mapping())).json(t))
	assert.Equal(t, http.StatusServiceUnavailable, rec.Code, "DS down: nothing checked, nothing stored")

	e.acceptStarts()
	created := e.createCampaign(t, validBody().with("demarches_simplifiees", dsSource(dstest.Mapping())).json(t))
	assert.EqualValues(t, 4242, created["ds_demarche"])
	in := e.starts(t)[0].input.(workflows.CampaignInput)
	assert.Equal(t, 4242, in.DSDemarche)

	conn := decodeObject(t, e.get(t, "/api/v1/campaigns/"+created["id"].(string)+"/connector"))
	src := conn["demarches_simplifiees"].(map[string]any)
	assert.Equal(t, "never_pulled", src["state"])
	assert.Equal(t, "https://aap.example.gouv.fr/webhooks/ds/"+created["id"].(string)+"?token="+
		api.DSWebhookToken(webhookSecret, created["id"].(string)), src["webhook_url"])
}

// Without AAP_DS_TOKEN no call can name a démarche.
func TestCreateCampaignWithDSNeedsTheConnector(t *testing.T) {
	e := newEnv(t)
	rec := e.postCampaign(t, validBody().with("demarches_simplifiees", dsSource(dstest.Mapping())).json(t))
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Equal(t, []string{"demarches_simplifiees/not_configured"}, fieldRules(t, rec))
}

// The webhook is authenticated by the call's signature, and only signals the connector to pull.
func TestDSWebhookIsAuthenticatedAndOnlyTriggersAPull(t *testing.T) {
	fake := dstest.New(t, 4242, "jeton", dstest.Descriptors())
	e := newEnv(t, withDS(ds.New(fake.URL, "jeton"), webhookSecret))
	e.acceptStarts()
	created := e.createCampaign(t, validBody().with("demarches_simplifiees", dsSource(dstest.Mapping())).json(t))
	id := created["id"].(string)
	path := "/webhooks/ds/" + id + "?token="
	anon := e.anonymous()
	for _, token := range []string{"", "00", api.DSWebhookToken("another secret of at least 32 characters", id)} {
		rec := anon.do(t, http.MethodPost, path+token, []byte(`{"dossier_id": 1}`))
		assert.Equal(t, http.StatusUnauthorized, rec.Code, token)
	}
	e.temporal.AssertNotCalled(t, "SignalWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything)

	wf := workflows.DSConnectorWorkflowID(created["workflow_id"].(string))
	e.temporal.On("SignalWorkflow", mock.Anything, wf, "", workflows.SignalDSPull, nil).Return(nil).Once()
	rec := anon.do(t, http.MethodPost, path+api.DSWebhookToken(webhookSecret, id), []byte(`{"dossier_id": 1, "state": "accepte"}`))
	require.Equal(t, http.StatusAccepted, rec.Code, rec.Body.String())
	assert.JSONEq(t, `{"status": "pull_requested"}`, rec.Body.String())
	assert.Zero(t, fake.Requests("getDossiers"), "the webhook itself reads nothing, files nothing")

	e.temporal.On("SignalWorkflow", mock.Anything, wf, "", workflows.SignalDSPull, nil).
		Return(serviceerror.NewNotFound("workflow completed")).Once()
	rec = anon.do(t, http.MethodPost, path+api.DSWebhookToken(webhookSecret, id), nil)
	require.Equal(t, http.StatusAccepted, rec.Code)
	assert.JSONEq(t, `{"status": "connector_not_running"}`, rec.Body.String())
}

// fieldRules lists a 422's errors as "field/rule".
func fieldRules(t *testing.T, rec *httptest.ResponseRecorder) []string {
	t.Helper()
	var out []string
	for _, f := range decodeObject(t, rec)["error"].(map[string]any)["fields"].([]any) {
		m := f.(map[string]any)
		out = append(out, m["field"].(string)+"/"+m["rule"].(string))
	}
	return out
}
