package api_test

import (
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// A signature carries its caller to the dossier's workflow, which records it
// with the signature in one transaction: the API writes no entry of its own
// (it used to write one per 200, so concurrent winners each left one).
func TestSignatureCarriesItsCallerToTheWorkflow(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69"})
	app := &models.Application{ID: "0193f6b0-1111-7abc-8def-000000000043", CampaignID: c.ID, WorkflowID: c.WorkflowID + "/dossier/y",
		Year: 2027, AssociationKey: "siret:73282932000074", AssociationName: "Accueil Rhône", AssociationEmail: "a@example.org",
		Title: "Ateliers", TitleKey: "ateliers", Theme: "langue", State: models.ApplicationRetained}
	require.NoError(t, e.db.Create(app).Error)
	conv := &models.Convention{ID: "0193f6b0-2222-7abc-8def-000000000043", ApplicationID: app.ID, CampaignID: c.ID,
		Reference: "CONV-2027-69-0043", GrantedCents: 1_000_000, State: models.ConventionAwaitingSignature}
	require.NoError(t, e.db.Create(conv).Error)

	var sent []workflows.Signature
	handle := mocks.NewWorkflowUpdateHandle(t)
	handle.On("Get", mock.Anything, mock.Anything).Return(nil)
	e.temporal.On("UpdateWorkflow", mock.Anything, mock.MatchedBy(func(o client.UpdateWorkflowOptions) bool {
		if o.WorkflowID != app.WorkflowID || o.UpdateName != workflows.UpdateSignConvention {
			return false
		}
		sent = append(sent, o.Args[0].(workflows.Signature))
		return true
	})).Return(handle, nil)

	rec := e.asCorrespondent(t, "69", "").do(t, http.MethodPost, "/api/v1/conventions/"+conv.ID+"/signature",
		[]byte(`{"signed_by": "Marie Curie, présidente"}`))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	rec = e.postForm(t, e.link(t, auth.LinkSign, conv.ID, fixedNow.Add(time.Hour)), url.Values{"signed_by": {"Irène Joliot-Curie, trésorière"}})
	require.Less(t, rec.Code, 400, rec.Body.String())

	require.Len(t, sent, 2)
	require.Equal(t, "Marie Curie, présidente", sent[0].SignedBy)
	require.Equal(t, "correspondant 69", sent[0].Actor.Name, "through the API: the token's name")
	require.NotNil(t, sent[0].Actor.TokenID)
	require.Equal(t, "association (lien "+auth.LinkSign+")", sent[1].Actor.Name, "through the link: the association")
	var n int64
	require.NoError(t, e.db.Model(&models.AuditEntry{}).Where("entity = ?", "convention").Count(&n).Error)
	require.Zero(t, n, "the entry is the workflow's activity's, in the signature's transaction")
}
