package api_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/models"
)

// dossierStates are dossiers in each state « Mon dossier » tells apart.
type dossierStates struct {
	deposited, toSign, pne, reportDue, notRetained *models.Application
	toSignConv, reportConv                         *models.Convention
}

// seedDossierStates files one dossier per state: address to confirm (deposited),
// convention to sign, PNE to declare (signed; on the next year's PNE list, open),
// compte-rendu financier due (signed), and nothing due (not retained).
func (e *testEnv) seedDossierStates(t *testing.T) dossierStates {
	t.Helper()
	var s dossierStates
	s.deposited = e.seedDeposited(t)
	s.toSign, s.toSignConv = e.seedReportConvention(t, models.ConventionAwaitingSignature)
	s.reportDue, s.reportConv = e.seedReportConvention(t, models.ConventionSigned)
	var pneConv *models.Convention
	s.pne, pneConv = e.seedReportConvention(t, models.ConventionSigned)
	// Another association, on the 2028 PNE list (§8.4: funded in 2027), not answered yet.
	require.NoError(t, e.db.Model(s.pne).Update("association_key", "rna:W691234567").Error)
	s.pne.AssociationKey = "rna:W691234567"
	require.NoError(t, e.db.Create(&models.PNEStructure{Year: 2028, AssociationKey: "rna:W691234567", AssociationName: "Lire ensemble",
		Email: "pne@lire.example", Region: "84", Department: "69", FundedActions: 1, Token: "tok-pne-" + pneConv.ID[:8]}).Error)
	s.notRetained = e.seedDeposited(t)
	decided := fixedNow.Add(-48 * time.Hour)
	require.NoError(t, e.db.Model(s.notRetained).Updates(map[string]any{"state": models.ApplicationNotRetained, "decision": "non_retenu",
		"decision_reason": "Le projet double une action déjà financée par AGIR.", "decided_at": decided, "receipt_confirmed_at": decided}).Error)
	return s
}

// « Mon dossier » shows, in each state, the one action due and no other.
func TestMonDossierShowsTheActionDueInEachState(t *testing.T) {
	e := newEnv(t)
	s := e.seedDossierStates(t)
	forms := map[string]string{
		"confirm": `value="confirmer-adresse"`, "sign": `value="signer-convention"`,
		"pne": `value="declarer-pne"`, "report": `value="compte-rendu-financier"`,
	}
	for _, tc := range []struct {
		name string
		app  *models.Application
		want string // the form shown, "" for none
		text string
	}{
		{"address unconfirmed", s.deposited, "confirm", "Confirmer votre adresse électronique"},
		{"convention to sign", s.toSign, "sign", "Signez la convention avant le"},
		{"PNE to declare", s.pne, "pne", "(PNE 2027), à remplir avant le 31 mai 2028"},
		{"financial report due", s.reportDue, "report", "au plus tard le 30 juin 2028"},
		{"nothing due", s.notRetained, "", "Rien ne vous est demandé pour le moment."},
	} {
		t.Run(tc.name, func(t *testing.T) {
			page := e.anonymous().get(t, e.link(t, auth.LinkDossier, tc.app.ID, fixedNow.Add(time.Hour)))
			require.Equal(t, http.StatusOK, page.Code, page.Body.String())
			body := page.Body.String()
			assert.Contains(t, body, "Mon dossier "+tc.app.Reference)
			assert.Contains(t, body, tc.text)
			for name, form := range forms {
				if name == tc.want {
					assert.Contains(t, body, form, "the action due")
				} else {
					assert.NotContains(t, body, form, "%s is not due", name)
				}
			}
			assert.Equal(t, tc.want != "", strings.Contains(body, `name="csrf"`), "a CSRF token with the form only")
		})
	}

	// The receipt confirmed, nothing is due on a dossier awaiting its decision.
	path := e.link(t, auth.LinkDossier, s.deposited.ID, fixedNow.Add(time.Hour))
	done := e.postForm(t, path, url.Values{"action": {"confirmer-adresse"}})
	require.Equal(t, http.StatusOK, done.Code, done.Body.String())
	assert.Contains(t, done.Body.String(), "votre adresse est confirmée")
	assert.Contains(t, done.Body.String(), "Rien ne vous est demandé pour le moment.")

	// Signed through « Mon dossier »: the services the API uses.
	e.temporal.On("UpdateWorkflow", mock.Anything, mock.Anything).Return(nil, errors.New("unreachable")).Maybe()
	path = e.link(t, auth.LinkDossier, s.pne.ID, fixedNow.Add(time.Hour))
	done = e.postForm(t, path, url.Values{"action": {"declarer-pne"}})
	require.Equal(t, http.StatusOK, done.Code, done.Body.String())
	assert.Contains(t, done.Body.String(), "votre déclaration de réponse au questionnaire PNE est enregistrée")
	assert.Contains(t, done.Body.String(), `value="compte-rendu-financier"`, "then the report is due")
	var row models.PNEStructure
	require.NoError(t, e.db.Where("year = 2028 AND association_key = ?", "rna:W691234567").Take(&row).Error)
	assert.NotNil(t, row.DeclaredAt)
	assert.Nil(t, row.AnsweredAt, "declared, not answered until confirmed (§8.4)")

	// A document of another dossier's link, or one it does not have: 404.
	report := e.link(t, auth.LinkDossier, s.reportDue.ID, fixedNow.Add(time.Hour))
	assert.Equal(t, http.StatusNotFound, e.anonymous().get(t, report+"/documents/decision").Code, "not decided through the selection")
	assert.Equal(t, http.StatusNotFound, e.anonymous().get(t, report+"/documents/compte-rendu-financier").Code, "no file sent")
	pdf := e.anonymous().get(t, report+"/documents/convention.pdf")
	require.Equal(t, http.StatusOK, pdf.Code)
	assert.Equal(t, "application/pdf", pdf.Header().Get("Content-Type"))
	assert.Contains(t, pdf.Header().Get("Content-Disposition"), s.reportConv.Reference)
	decision := e.anonymous().get(t, e.link(t, auth.LinkDossier, s.notRetained.ID, fixedNow.Add(time.Hour))+"/documents/decision")
	require.Equal(t, http.StatusOK, decision.Code)
	assert.Contains(t, decision.Body.String(), "Le projet double une action déjà financée par AGIR.")
	expired := e.link(t, auth.LinkDossier, s.notRetained.ID, fixedNow.Add(-time.Second))
	assert.Equal(t, http.StatusGone, e.anonymous().get(t, expired+"/documents/decision").Code)
}

// The API finds a dossier by its reference as by its ID.
func TestApplicationByReference(t *testing.T) {
	e := newEnv(t)
	app := e.seedDeposited(t)
	rec := e.get(t, "/api/v1/applications/"+app.Reference)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := decodeObject(t, rec)
	assert.Equal(t, app.ID, got["id"])
	assert.Regexp(t, `^AAP-2027-69-\d{4}$`, got["reference"])
	assert.Equal(t, http.StatusNotFound, e.get(t, "/api/v1/applications/AAP-2027-69-9999").Code)
}
