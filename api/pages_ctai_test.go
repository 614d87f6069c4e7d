package api_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// proposedCTAI files a CTAI request through the API and records the engine's
// proposal as the request's workflow does; it returns the request.
func (e *testEnv) proposedCTAI(t *testing.T, b body) *models.CTAIRequest {
	t.Helper()
	e.acceptStarts()
	rec := e.postCTAI(t, b)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	requests := store.NewCTAIRequests(e.db)
	r, err := requests.Get(t.Context(), decodeObject(t, rec)["id"].(string))
	require.NoError(t, err)
	pol, err := e.policies.ForYear(r.Year)
	require.NoError(t, err)
	used, err := requests.EnvelopeUsed(t.Context(), r.Year, r.ID)
	require.NoError(t, err)
	require.NoError(t, requests.RecordProposal(t.Context(), r.ID, ctai.Propose(r.Request(), pol.CTAI, used), fixedNow))
	r, err = requests.Get(t.Context(), r.ID)
	require.NoError(t, err)
	return r
}

// ctaiWorkflowUpdates answers the opinion Updates as the request's workflow does: its
// validator (ctai.CheckDecision on the recorded proposal) refuses with the broken
// rules, else the opinion is recorded with the agent (store.RecordDecision, the activity's).
func (e *testEnv) ctaiWorkflowUpdates(t *testing.T) {
	requests := store.NewCTAIRequests(e.db)
	e.temporal.On("UpdateWorkflow", mock.Anything, mock.MatchedBy(func(o client.UpdateWorkflowOptions) bool {
		return o.UpdateName == workflows.UpdateCTAIOpinion
	})).Return(func(ctx context.Context, o client.UpdateWorkflowOptions) (client.WorkflowUpdateHandle, error) {
		u := o.Args[0].(workflows.CTAIOpinionUpdate)
		var r models.CTAIRequest
		require.NoError(t, e.db.Where("workflow_id = ?", o.WorkflowID).Take(&r).Error)
		if r.State == models.CTAIReviewed {
			return updateHandle{err: temporal.NewApplicationError("déjà", workflows.ErrTypeCTAIAlreadyDecided)}, nil
		}
		pol, err := e.policies.ForYear(r.Year)
		require.NoError(t, err)
		if v := ctai.CheckDecision(u.Decision, r.Proposal(), pol.CTAI, u.EnvelopeUsedCents); v != nil {
			return updateHandle{err: temporal.NewApplicationError("refusé", workflows.ErrTypeCTAIOpinionRefused, v)}, nil
		}
		actx := store.WithActor(context.Background(), store.Actor{Name: u.Actor.Name, TokenID: u.Actor.TokenID})
		return updateHandle{}, requests.RecordDecision(actx, r.ID, u.Decision, pol.CTAI.NationalEnvelopeEUR*100, fixedNow)
	}).Maybe()
}

// updateHandle is a completed Update: its error is the workflow's answer.
type updateHandle struct{ err error }

func (h updateHandle) WorkflowID() string                     { return "" }
func (h updateHandle) RunID() string                          { return "" }
func (h updateHandle) UpdateID() string                       { return "" }
func (h updateHandle) Get(context.Context, interface{}) error { return h.err }

// The list and a request's page show the proposal with every rule explained and
// the coherence figures; a correspondent reads its department's requests only.
func TestCTAIPagesShowTheProposal(t *testing.T) {
	e := newEnv(t)
	r := e.proposedCTAI(t, ctaiBody())
	dian := e.signInDIAN(t)

	list := dian.get(t, "/ctai?annee=2027")
	require.Equal(t, http.StatusOK, list.Code, list.Body.String())
	assert.Contains(t, text(list), "Ville de Villeurbanne")
	assert.Contains(t, text(list), "avis proposé, en attente de l'avis de la DIAN")

	page := dian.get(t, "/ctai/"+r.ID)
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	body := text(page)
	for _, o := range r.Outcomes {
		assert.Contains(t, body, ctai.RuleLabel(o.Rule))
		assert.Contains(t, body, o.Message)
	}
	for _, line := range r.Coherence.Lines {
		assert.Contains(t, body, line)
	}
	assert.Contains(t, body, "Financement par signataire du CIR")
	assert.Contains(t, body, `action="/ctai/`+r.ID+`/avis"`)

	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)
	read := rhone.get(t, "/ctai/"+r.ID)
	require.Equal(t, http.StatusOK, read.Code)
	assert.NotContains(t, withoutSignOut(read.Body.String()), `name="csrf"`, "no opinion form for a correspondent")
	assert.Contains(t, text(rhone.get(t, "/ctai?annee=2027")), "Ville de Villeurbanne")
	isere := e.signInCorrespondent(t, "38", models.LevelDepartmental)
	assert.Equal(t, http.StatusNotFound, isere.get(t, "/ctai/"+r.ID).Code, "another department's request")
	assert.NotContains(t, text(isere.get(t, "/ctai?annee=2027")), "Ville de Villeurbanne")
	assert.Equal(t, http.StatusNotFound, dian.get(t, "/ctai/inconnue").Code)
	assert.Equal(t, http.StatusUnprocessableEntity, dian.get(t, "/ctai?annee=deux").Code)
}

// DIAN's opinion: the workflow validator's rules (a favourable opinion delegates
// at most what is asked; the motivation demanded above 150,000 €, for an
// unfavourable opinion, for one overriding the proposal), their errors next to
// the fields and nothing recorded; a correspondent gets a 403; one opinion wins.
func TestCTAIPagesRecordDIANsOpinion(t *testing.T) {
	e := newEnv(t)
	e.ctaiWorkflowUpdates(t)
	// A new contract asking 180,000 € of the State: above the 150,000 € ceiling, so the proposal is unfavourable.
	b := ctaiBody().with("kind", "new").with("inhabitants", 40000).without("bilan").without("previous_delegated_eur").with("actions", []map[string]any{
		{"title": "Accès au logement des réfugiés", "domain": "logement", "budget_eur": rawJSON("100000")},
		{"title": "Ateliers de français", "domain": "langue", "budget_eur": rawJSON("40000")},
	})
	r := e.proposedCTAI(t, b)
	require.Equal(t, ctai.OpinionUnfavourable, r.ProposedOpinion, "above the ceiling")
	require.EqualValues(t, 18_000_000, r.Coherence.StateFundingCents)
	page, action := "/ctai/"+r.ID, "/ctai/"+r.ID+"/avis"
	dian := e.signInDIAN(t)
	stored := func() models.CTAIRequest {
		var got models.CTAIRequest
		require.NoError(t, e.db.Where("id = ?", r.ID).Take(&got).Error)
		return got
	}

	unmotivated := dian.submit(t, page, action, url.Values{"opinion": {"defavorable"}})
	require.Equal(t, http.StatusUnprocessableEntity, unmotivated.Code, unmotivated.Body.String())
	assert.Contains(t, unmotivated.Body.String(), `id="motivation-erreur"`)
	assert.Contains(t, text(unmotivated), "un avis défavorable est motivé")

	tooMuch := dian.submit(t, page, action, url.Values{"opinion": {"favorable"}, "delegated_eur": {"180 000,01"}, "motivation": {"Exception."}})
	require.Equal(t, http.StatusUnprocessableEntity, tooMuch.Code)
	assert.Contains(t, tooMuch.Body.String(), `id="delegated_eur-erreur"`)
	assert.Contains(t, text(tooMuch), `value="180 000,01"`, "the typed amount comes back")

	above := dian.submit(t, page, action, url.Values{"opinion": {"favorable"}, "delegated_eur": {"150 000,01"}})
	require.Equal(t, http.StatusUnprocessableEntity, above.Code)
	assert.Contains(t, text(above), "dépasse "+french.Euros(15_000_000)+" : l'exception « au cas par cas » est motivée")
	assert.Contains(t, text(above), "l'avis proposé était défavorable")
	assert.Equal(t, models.CTAIProposed, stored().State, "nothing recorded")

	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)
	token := dian.csrfOf(t, page, action)
	assert.Equal(t, http.StatusForbidden, rhone.post(t, action, url.Values{"opinion": {"defavorable"}, "motivation": {"Non."}, "csrf": {token}}).Code)
	assert.Equal(t, models.CTAIProposed, stored().State)

	ok := dian.submit(t, page, action, url.Values{"opinion": {"favorable"}, "delegated_eur": {"150 000,00"},
		"motivation": {"Contrat cohérent avec les 900 signataires du CIR ; plafond respecté par le montant délégué."}})
	require.Equal(t, http.StatusSeeOther, ok.Code, ok.Body.String())
	got := stored()
	assert.Equal(t, models.CTAIReviewed, got.State)
	assert.EqualValues(t, 15_000_000, got.DelegatedCents)
	assert.Equal(t, "Agent DIAN", got.DecidedBy, "the signed-in agent decided")
	after := text(dian.get(t, ok.Header().Get("Location")))
	assert.Contains(t, after, "L'avis de la DIAN est enregistré")
	assert.NotContains(t, after, `action="`+action+`"`, "one opinion: no form once decided")

	second := dian.post(t, action, url.Values{"opinion": {"defavorable"}, "motivation": {"Non."}, "csrf": {token}})
	assert.Equal(t, http.StatusConflict, second.Code, "one opinion wins")
	assert.Contains(t, text(second), "déjà enregistré")
	assert.EqualValues(t, 15_000_000, stored().DelegatedCents)
}
