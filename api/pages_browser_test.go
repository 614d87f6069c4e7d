package api_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/internal/web/browsertest"
	"github.com/dian-p104/aap/models"
)

// browserPage is one page the browser check loads (internal/web/browsertest/axe.mjs).
type browserPage = browsertest.Page

// TestPagesPassAxeInChromium loads every page a person reads — « Mon dossier » in
// each state (address to confirm, convention to sign and its refused signatory, PNE
// to declare, compte-rendu financier due and refused, nothing due) and its documents,
// the links of earlier emails, the PNE link, tampered and expired links, the dashboard (sign-in, overview, a
// call, a 404) and the footer's pages — in real Chromium: axe-core finds no
// violation at 1280 and 320 px, nothing scrolls sideways at 320 px, the DSFR's
// stylesheet and fonts load under the Content-Security-Policy, and screenshots are
// saved in AAP_SCREENSHOT_DIR (a temporary directory when unset).
func TestPagesPassAxeInChromium(t *testing.T) {
	node, chromium := browserTools(t)
	e := newEnv(t)
	srv := httptest.NewServer(e.router)
	defer srv.Close()

	// The items the links reach.
	rows := e.seedPNE(t)
	reportApp, reportConv := e.seedReportConvention(t, models.ConventionSigned)
	_, signConv := e.seedReportConvention(t, models.ConventionAwaitingSignature)
	valid := fixedNow.Add(24 * time.Hour)
	link := func(action, item string, expires time.Time) string { return srv.URL + e.link(t, action, item, expires) }
	c, err := e.campaigns.Get(t.Context(), reportApp.CampaignID)
	require.NoError(t, err)
	// The call's page reads its workflow's history: unreadable here, the page says so.
	it := &mocks.HistoryEventIterator{}
	it.On("HasNext").Return(true)
	it.On("Next").Return(nil, errors.New("frontend unavailable"))
	e.temporal.On("GetWorkflowHistory", mock.Anything, mock.Anything, "", false, mock.Anything).Return(it).Maybe()

	// A signed-in DIAN agent's session cookie, as the browser would hold it.
	cookie := e.agentSession(t, auth.NewAgent{Email: "bureau-integration@interieur.gouv.fr",
		Name: "DIAN — bureau de l'intégration", Role: auth.RoleDIAN})

	states := e.seedDossierStates(t)
	dossier := func(app *models.Application) string { return link(auth.LinkDossier, app.ID, valid) }
	pages := []browserPage{
		// « Mon dossier » in each state: the one action due now, or nothing.
		{Name: "mon-dossier-adresse", URL: dossier(states.deposited)},
		{Name: "mon-dossier-convention", URL: dossier(states.toSign)},
		{Name: "mon-dossier-signature-refusee", URL: dossier(states.toSign), Fill: map[string]string{"signed_by": " "}, Submit: true},
		{Name: "mon-dossier-pne", URL: dossier(states.pne)},
		{Name: "mon-dossier-compte-rendu-financier", URL: dossier(states.reportDue)},
		{Name: "mon-dossier-compte-rendu-financier-refuse", URL: dossier(states.reportDue),
			Fill: map[string]string{"spent_eur": "douze mille", "subsidy_used_eur": "100"}, Submit: true},
		{Name: "mon-dossier-rien", URL: dossier(states.notRetained)},
		{Name: "mon-dossier-accuse-reception", URL: dossier(states.notRetained) + "/documents/accuse-de-reception"},
		{Name: "mon-dossier-decision", URL: dossier(states.notRetained) + "/documents/decision"},
		// The links of earlier emails open the same page.
		{Name: "lien-accuse-reception", URL: link(auth.LinkAcknowledge, reportApp.ID, valid)},
		{Name: "lien-signature-convention", URL: link(auth.LinkSign, signConv.ID, valid)},
		{Name: "lien-pne", URL: link(auth.LinkPNE, "2027/"+itoa(rows[1].ID), valid)},
		{Name: "lien-compte-rendu-financier", URL: link(auth.LinkFinancialReport, reportConv.ID, valid)},
		{Name: "lien-invalide", URL: srv.URL + "/liens/n-importe-quoi"},
		{Name: "lien-expire", URL: link(auth.LinkPNE, "2027/"+itoa(rows[1].ID), fixedNow.Add(-time.Second))},
		{Name: "connexion", URL: srv.URL + "/connexion"},
		{Name: "vue-nationale", URL: srv.URL + "/?annee=2027", Cookie: cookie},
		{Name: "appel", URL: srv.URL + "/campagnes/" + c.ID, Cookie: cookie},
		{Name: "appel-introuvable", URL: srv.URL + "/campagnes/inconnue", Cookie: cookie},
		{Name: "mentions-legales", URL: srv.URL + web.PathLegalNotice},
		{Name: "donnees-personnelles", URL: srv.URL + web.PathPersonalData},
		{Name: "accessibilite", URL: srv.URL + web.PathAccessibility},
		{Name: "contact", URL: srv.URL + web.PathContact},
	}
	wantStatus := map[string]int{"mon-dossier-compte-rendu-financier-refuse": http.StatusUnprocessableEntity,
		"mon-dossier-signature-refusee": http.StatusUnprocessableEntity, "lien-invalide": http.StatusNotFound,
		"lien-expire": http.StatusGone, "appel-introuvable": http.StatusNotFound}

	browsertest.CheckPages(t, node, chromium, "..", pages, wantStatus)
}
