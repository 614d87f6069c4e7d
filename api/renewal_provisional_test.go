package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// A provisional PNE block (§8.4: the questionnaire is not closed yet) shows as
// such in the API, on the agents' call and dossier pages and on « Mon dossier »,
// and does not count as a final block; once the closure confirms it, it does.
func TestProvisionalRenewalBlockShowsAsProvisionalUntilTheClosure(t *testing.T) {
	e := newEnv(t)
	e.historyUnreadable()
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseClosed})
	app := e.seedApplication(t, c, "langue", 500_000)
	review := time.Date(2027, 5, 31, 21, 59, 59, 0, time.UTC) // 31 May, end of day in Paris
	block := &models.RenewalBlock{ApplicationID: app.ID, AssociationKey: app.AssociationKey, Rule: models.BlockPNE,
		Source: "pne:2027", SourceYear: 2027, Provisional: true, ReviewAt: &review,
		Reason: "blocage provisoire, revu à la clôture du PNE le 31 mai 2027 : l'association n'a pas encore répondu au questionnaire",
		Lift:   "répondre à ce questionnaire avant sa clôture"}
	require.NoError(t, e.db.Create(block).Error)
	// GET answers from the database; a page that asks the workflow finds it gone.
	e.temporal.On("QueryWorkflow", mock.Anything, app.WorkflowID, "", workflows.QueryApplicationState).
		Return(nil, serviceerror.NewNotFound("gone")).Maybe()

	got := decodeObject(t, e.get(t, "/api/v1/applications/"+app.ID))
	assert.Equal(t, false, got["blocked"], "a provisional block is not final")
	assert.Equal(t, true, got["renewal_blocked_provisionally"])
	b := got["renewal_blocks"].([]any)[0].(map[string]any)
	assert.Equal(t, true, b["provisional"])
	assert.Equal(t, "2027-05-31T21:59:59Z", b["review_at"])
	assert.Nil(t, b["rechecked_at"])

	a := e.correspondentSession(t, "69", models.LevelDepartmental)
	rec := a.get(t, "/campagnes/"+c.ID)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), web.FlagRenewalProvisional)
	assert.NotContains(t, rec.Body.String(), web.FlagRenewalBlocked+"<", "not flagged as blocked for good")
	rec = a.get(t, "/dossiers/"+app.Reference)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "Renouvellement : blocage provisoire, revu à la clôture du PNE le 31 mai 2027")
	page := e.anonymous().get(t, e.link(t, auth.LinkDossier, app.ID, fixedNow.Add(time.Hour)))
	require.Equal(t, http.StatusOK, page.Code)
	assert.Contains(t, page.Body.String(), "Renouvellement : blocage provisoire, revu à la clôture du PNE le 31 mai 2027")

	// The closure confirmed it: final now.
	rechecked := review.Add(time.Minute)
	require.NoError(t, e.db.Model(block).Updates(map[string]any{"provisional": false, "rechecked_at": rechecked,
		"reason": "l'association n'a pas répondu au questionnaire"}).Error)
	got = decodeObject(t, e.get(t, "/api/v1/applications/"+app.ID))
	assert.Equal(t, true, got["blocked"])
	assert.Equal(t, false, got["renewal_blocked_provisionally"])
	assert.Equal(t, "2027-05-31T22:00:59Z", got["renewal_blocks"].([]any)[0].(map[string]any)["rechecked_at"])
	rec = a.get(t, "/campagnes/"+c.ID)
	assert.Contains(t, rec.Body.String(), web.FlagRenewalBlocked)
	assert.NotContains(t, rec.Body.String(), web.FlagRenewalProvisional)
	page = e.anonymous().get(t, e.link(t, auth.LinkDossier, app.ID, fixedNow.Add(time.Hour)))
	assert.Contains(t, page.Body.String(), "Renouvellement bloqué : l&#39;association n&#39;a pas répondu au questionnaire")
}
