package api_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web/browsertest"
	"github.com/dian-p104/aap/models"
)

// TestAgentPagesPassAxeInChromium loads the agents' PNE, controls, CTAI,
// audit and agents pages signed in, in real Chromium: axe-core finds no violation at 1280
// and 320 px, nothing scrolls sideways, the DSFR loads under the
// Content-Security-Policy; forms are submitted refused (their errors next to
// their fields) and accepted. Screenshots go to AAP_SCREENSHOT_DIR.
func TestAgentPagesPassAxeInChromium(t *testing.T) {
	node, chromium := browserTools(t)
	e := newEnv(t)
	srv := httptest.NewServer(e.router)
	defer srv.Close()
	cookieOf := func(s agentSession) string { return s.cookie.Name + "=" + s.cookie.Value }
	dian := cookieOf(e.signInDIAN(t))
	rhone := cookieOf(e.signInCorrespondent(t, "69", models.LevelDepartmental))

	rows := e.seedPNE(t)
	structure := srv.URL + "/pne/2027/structures/" + strconv.FormatUint(rows[1].ID, 10)
	pages := []browserPage{
		{Name: "agent-pne", URL: srv.URL + "/pne/2027", Cookie: dian},
		{Name: "agent-pne-structure", URL: structure, Cookie: rhone},
		{Name: "agent-pne-adresse-refusee", URL: structure, Cookie: rhone, Fill: map[string]string{"email": "pas-une-adresse"}, Submit: true},
		{Name: "agent-pne-adresse-corrigee", URL: structure, Cookie: rhone, Fill: map[string]string{"email": "lire@example.org"}, Submit: true},
	}

	// Controls: a candidate to plan, a planned control, a held one whose follow-up is open.
	e.acceptControlSignals(nil)
	toPlan := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69-1", 500_000)
	planned := e.planControl(t, e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69-2", 800_000))
	held := e.planControl(t, e.seedConvention(t, models.LevelDepartmental, "38", models.ConventionSigned, "C-38-1", 1_200_000))
	e.holdControl(t, held)
	plan := srv.URL + "/controles/2027/84/planifier/" + toPlan
	pages = append(pages,
		browserPage{Name: "agent-controles-choix", URL: srv.URL + "/controles", Cookie: dian},
		browserPage{Name: "agent-controles-region", URL: srv.URL + "/controles/2027/84", Cookie: dian},
		browserPage{Name: "agent-controle-planifier", URL: plan, Cookie: rhone},
		browserPage{Name: "agent-controle-planifier-refuse", URL: plan, Cookie: rhone,
			Fill: map[string]string{"planned_on": "2026-11-28", "controller": "Inspection DDETS"}, Submit: true},
		browserPage{Name: "agent-controle-prevu", URL: srv.URL + "/controle/" + planned, Cookie: rhone},
		browserPage{Name: "agent-controle-resultat-refuse", URL: srv.URL + "/controle/" + planned, Cookie: rhone,
			Fill: map[string]string{"findings": "Feuilles d'émargement absentes."}, Submit: true},
		browserPage{Name: "agent-controle-suite", URL: srv.URL + "/controle/" + held, Cookie: dian},
	)

	// CTAI: DIAN's opinion refused (a favourable opinion above the ceiling, unmotivated), then recorded in the browser.
	e.ctaiWorkflowUpdates(t)
	refused := e.proposedCTAI(t, ctaiBody())
	decided := e.proposedCTAI(t, ctaiBody().with("collectivite", map[string]any{"name": "Ville de Vénissieux", "insee_code": "69259", "email": "ctai@venissieux.example"}))
	pages = append(pages,
		browserPage{Name: "agent-ctai-liste", URL: srv.URL + "/ctai?annee=2027", Cookie: dian},
		browserPage{Name: "agent-ctai-demande", URL: srv.URL + "/ctai/" + refused.ID, Cookie: dian},
		browserPage{Name: "agent-ctai-demande-correspondant", URL: srv.URL + "/ctai/" + refused.ID, Cookie: rhone},
		browserPage{Name: "agent-ctai-avis-refuse", URL: srv.URL + "/ctai/" + refused.ID, Cookie: dian,
			Check: map[string]string{"opinion": "favorable"}, Fill: map[string]string{"delegated_eur": "150 000,01"}, Submit: true},
		browserPage{Name: "agent-ctai-avis-enregistre", URL: srv.URL + "/ctai/" + decided.ID, Cookie: dian, Once: true,
			Check: map[string]string{"opinion": "favorable"}, Fill: map[string]string{"delegated_eur": "90 000,00",
				"motivation": "Contrat cohérent avec les 900 signataires du CIR."}, Submit: true},
	)
	// DIAN's audit trail, filtered and refused.
	pages = append(pages,
		browserPage{Name: "agent-journal", URL: srv.URL + "/journal", Cookie: dian},
		browserPage{Name: "agent-journal-filtre", URL: srv.URL + "/journal?entity=control&actor=workflow", Cookie: dian},
		browserPage{Name: "agent-journal-refuse", URL: srv.URL + "/journal?from=31/12/2026", Cookie: dian},
		browserPage{Name: "agent-journal-correspondant", URL: srv.URL + "/journal", Cookie: rhone},
	)
	// DIAN's agents: the list with its add form, refused, and a disabling's confirmation.
	isere, err := auth.AddAgent(t.Context(), store.NewAgents(e.db), auth.NewAgent{Email: "ddets-38@isere.gouv.fr",
		Name: "DDETS de l'Isère", Role: auth.RoleCorrespondent, Territory: "38"})
	require.NoError(t, err)
	pages = append(pages,
		browserPage{Name: "agent-agents", URL: srv.URL + "/agents", Cookie: dian},
		browserPage{Name: "agent-agents-ajout-refuse", URL: srv.URL + "/agents", Cookie: dian,
			Fill: map[string]string{"email": "pas-une-adresse", "territory": "999"}, Check: map[string]string{"role": auth.RoleCorrespondent}, Submit: true},
		browserPage{Name: "agent-agent-desactivation", URL: srv.URL + "/agents/" + strconv.FormatUint(isere.ID, 10) + "/desactivation", Cookie: dian},
	)
	wantStatus := map[string]int{"agent-journal-refuse": http.StatusUnprocessableEntity, "agent-journal-correspondant": http.StatusForbidden,
		"agent-agents-ajout-refuse":       http.StatusUnprocessableEntity,
		"agent-pne-adresse-refusee":       http.StatusUnprocessableEntity,
		"agent-ctai-avis-refuse":          http.StatusUnprocessableEntity,
		"agent-controle-planifier-refuse": http.StatusUnprocessableEntity, "agent-controle-resultat-refuse": http.StatusUnprocessableEntity}

	browsertest.CheckPages(t, node, chromium, "..", pages, wantStatus)
	var opinion models.CTAIRequest
	require.NoError(t, e.db.Where("id = ?", decided.ID).Take(&opinion).Error)
	assert.Equal(t, models.CTAIReviewed, opinion.State, "the opinion sent from the browser is recorded")
	assert.EqualValues(t, 9_000_000, opinion.DelegatedCents)
	assert.Equal(t, "Agent DIAN", opinion.DecidedBy)
}

// planControl plans a control of the convention through the API; it returns the control's ID.
func (e *testEnv) planControl(t *testing.T, conventionID string) string {
	t.Helper()
	out := e.post(t, "/api/v1/controls", map[string]any{"convention_id": conventionID, "planned_on": "2026-11-29", "controller": "Inspection DDETS"})
	require.EqualValues(t, http.StatusCreated, out["_status"], out)
	return out["id"].(string)
}

// holdControl records a non-compliant result with a repayment through the API: its follow-up is open.
func (e *testEnv) holdControl(t *testing.T, id string) {
	t.Helper()
	out := e.post(t, "/api/v1/controls/"+id+"/result", map[string]any{"outcome": "non_conforme", "findings": "Feuilles d'émargement absentes.",
		"follow_up": map[string]any{"kind": "reversement", "amount_eur": 1000}})
	require.EqualValues(t, http.StatusOK, out["_status"], out)
}
