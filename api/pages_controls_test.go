package api_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// storedControl is the control of a convention, nil when none is planned.
func (e *testEnv) storedControl(t *testing.T, conventionID string) *models.Control {
	t.Helper()
	var rows []models.Control
	require.NoError(t, e.db.Where("convention_id = ?", conventionID).Find(&rows).Error)
	if len(rows) == 0 {
		return nil
	}
	return &rows[0]
}

// The region's ranked candidates with their reasons; a department's correspondent
// sees its department's; another region's agent gets a 404.
func TestControlPagesRankTheCandidates(t *testing.T) {
	e := newEnv(t)
	rhoneConv := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69", 500_000)
	e.seedConvention(t, models.LevelDepartmental, "38", models.ConventionSigned, "C-38", 2_000_000)

	region := e.signInCorrespondent(t, "84", models.LevelRegional)
	rec := region.get(t, "/controles/2027/84")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	page := text(rec)
	assert.Contains(t, page, "C-69")
	assert.Contains(t, page, "C-38")
	assert.Less(t, strings.Index(page, "Convention C-38"), strings.Index(page, "Convention C-69"), "the larger grant ranks first")
	assert.Contains(t, page, "/controles/2027/84/planifier/"+rhoneConv)

	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)
	page = text(rhone.get(t, "/controles/2027/84"))
	assert.Contains(t, page, "C-69")
	assert.NotContains(t, page, "C-38", "Isère's convention is not the Rhône's")
	to := rhone.get(t, "/controles")
	assert.Equal(t, http.StatusSeeOther, to.Code)
	assert.Equal(t, "/controles/2026/84", to.Header().Get("Location"), "a correspondent goes to its region")

	assert.Equal(t, http.StatusNotFound, e.signInCorrespondent(t, "53", models.LevelRegional).get(t, "/controles/2027/84").Code)
	dian := e.signInDIAN(t)
	assert.Equal(t, http.StatusOK, dian.get(t, "/controles").Code, "DIAN chooses the region")
	assert.Equal(t, "/controles/2027/84", dian.get(t, "/controles?region=84&annee=2027").Header().Get("Location"))
	assert.Equal(t, http.StatusNotFound, dian.get(t, "/controles/2027/99").Code, "no such region")
}

// Planning: the API's rules (a date not past, a controller), its workflow signal and audit;
// a refusal changes nothing and shows its error next to the field.
func TestControlPagesPlanAControl(t *testing.T) {
	e := newEnv(t)
	e.acceptControlSignals(nil)
	conv := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69", 500_000)
	path := "/controles/2027/84/planifier/" + conv
	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)

	form := rhone.get(t, path)
	require.Equal(t, http.StatusOK, form.Code, form.Body.String())
	assert.Contains(t, text(form), "Raisons du rang")

	past := rhone.submit(t, path, path, url.Values{"planned_on": {"2026-11-28"}, "controller": {"Inspection DDETS"}})
	require.Equal(t, http.StatusUnprocessableEntity, past.Code, past.Body.String())
	assert.Contains(t, past.Body.String(), `id="planned_on-erreur"`)
	assert.Contains(t, text(past), "la date du contrôle ne peut pas être passée")
	assert.Contains(t, text(past), `value="Inspection DDETS"`, "what was typed comes back")
	noController := rhone.submit(t, path, path, url.Values{"planned_on": {"2026-11-29"}, "controller": {" "}})
	require.Equal(t, http.StatusUnprocessableEntity, noController.Code)
	assert.Contains(t, noController.Body.String(), `id="controller-erreur"`)
	assert.Nil(t, e.storedControl(t, conv), "nothing planned")
	assert.Empty(t, e.controlSignals(t))

	isere := e.signInCorrespondent(t, "38", models.LevelDepartmental)
	assert.Equal(t, http.StatusNotFound, isere.get(t, path).Code)
	stolen := rhone.csrfOf(t, path, path)
	assert.Equal(t, http.StatusForbidden, isere.post(t, path, url.Values{"planned_on": {"2026-11-29"}, "controller": {"X Y"}, "csrf": {stolen}}).Code)
	assert.Nil(t, e.storedControl(t, conv))

	ok := rhone.submit(t, path, path, url.Values{"planned_on": {"2026-11-29"}, "controller": {"Inspection DDETS"}})
	require.Equal(t, http.StatusSeeOther, ok.Code, ok.Body.String())
	ctl := e.storedControl(t, conv)
	require.NotNil(t, ctl)
	assert.Equal(t, "/controle/"+ctl.ID+"?enregistre=planifie", ok.Header().Get("Location"))
	assert.Equal(t, "Inspection DDETS", ctl.Controller)
	require.Len(t, e.controlSignals(t), 1, "the region's workflow is told")
	entries, _, err := store.NewAudit(e.db).List(t.Context(), store.AuditFilter{Entity: store.AuditControl, Limit: 5})
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	assert.Equal(t, "Correspondant 69", entries[0].Actor)
	assert.Contains(t, text(rhone.get(t, ok.Header().Get("Location"))), "Le contrôle est planifié")
	assert.Equal(t, http.StatusSeeOther, rhone.get(t, path).Code, "a planned candidate's form leads to its control")
}

// The result and the follow-up: the API's rules at their thresholds (a repayment
// of at most the grant, a recovery of at most the repayment), nothing changed on a refusal.
func TestControlPagesRecordTheResultAndItsFollowUp(t *testing.T) {
	e := newEnv(t)
	e.acceptControlSignals(nil)
	conv := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "C-69", 500_000)
	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)
	plan := "/controles/2027/84/planifier/" + conv
	require.Equal(t, http.StatusSeeOther, rhone.submit(t, plan, plan, url.Values{"planned_on": {"2026-11-29"}, "controller": {"Inspection DDETS"}}).Code)
	ctl := e.storedControl(t, conv)
	page := "/controle/" + ctl.ID
	result, suite := page+"/resultat", page+"/suite"

	noFollowUp := rhone.submit(t, page, result, url.Values{"outcome": {"non_conforme"}, "findings": {"Feuilles d'émargement absentes."},
		"follow_up.kind": {"aucune"}})
	require.Equal(t, http.StatusUnprocessableEntity, noFollowUp.Code, noFollowUp.Body.String())
	assert.Contains(t, noFollowUp.Body.String(), `id="follow_up-kind-erreur"`)
	assert.Contains(t, text(noFollowUp), "un contrôle non conforme appelle une suite")
	tooMuch := rhone.submit(t, page, result, url.Values{"outcome": {"non_conforme"}, "findings": {"Feuilles d'émargement absentes."},
		"follow_up.kind": {"reversement"}, "follow_up.amount_eur": {"5 000,01"}})
	require.Equal(t, http.StatusUnprocessableEntity, tooMuch.Code)
	assert.Contains(t, text(tooMuch), "au plus le montant accordé par la convention (5000.00)")
	assert.Equal(t, models.ControlPlanned, e.storedControl(t, conv).State, "nothing recorded")

	region := e.signInCorrespondent(t, "53", models.LevelRegional)
	assert.Equal(t, http.StatusNotFound, region.get(t, page).Code)

	done := rhone.submit(t, page, result, url.Values{"outcome": {"non_conforme"}, "findings": {"Feuilles d'émargement absentes."},
		"follow_up.kind": {"reversement"}, "follow_up.amount_eur": {"5 000,00"}})
	require.Equal(t, http.StatusSeeOther, done.Code, done.Body.String())
	ctl = e.storedControl(t, conv)
	assert.Equal(t, models.ControlDone, ctl.State)
	assert.EqualValues(t, 500_000, ctl.FollowUpAmountCents)
	after := rhone.get(t, page)
	assert.NotContains(t, after.Body.String(), `action="`+result+`"`, "a held control's result is recorded once")

	over := rhone.submit(t, page, suite, url.Values{"status": {"closed"}, "recovered_eur": {"5 000,01"}})
	require.Equal(t, http.StatusUnprocessableEntity, over.Code, over.Body.String())
	assert.Contains(t, over.Body.String(), `id="recovered_eur-erreur"`)
	assert.Equal(t, models.FollowUpStateOpen, e.storedControl(t, conv).FollowUpState)
	closed := rhone.submit(t, page, suite, url.Values{"status": {"closed"}, "recovered_eur": {"5 000,00"}, "note": {"Titre de perception émis."}})
	require.Equal(t, http.StatusSeeOther, closed.Code, closed.Body.String())
	ctl = e.storedControl(t, conv)
	assert.Equal(t, models.FollowUpStateClosed, ctl.FollowUpState)
	assert.EqualValues(t, 500_000, ctl.RecoveredCents)
	final := text(rhone.get(t, closed.Header().Get("Location")))
	assert.Contains(t, final, "La suite du contrôle est enregistrée.")
	assert.NotContains(t, final, `action="`+suite+`"`, "a closed follow-up has no form")
}

// §8.5: the candidates' page lists an association a favourable CTAI funded with
// its reason; its form plans its control (the API's rules), and the control's
// page shows the CTAI and what the bilan gives it.
func TestControlPagesPlanACTAIFundedAssociation(t *testing.T) {
	e := newEnv(t)
	e.acceptControlSignals(nil)
	id := e.seedCTAI(t, "69266", ctai.OpinionFavourable, ctai.FundedAssociation{Name: "Toit commun", SIRENOrRNA: "W691234567", AmountCents: 1_500_000})
	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)
	path := "/controles/2027/84/planifier-ctai/" + id + "/rna:W691234567"

	list := rhone.get(t, "/controles/2027/84")
	require.Equal(t, http.StatusOK, list.Code, list.Body.String())
	assert.Contains(t, text(list), "Toit commun (CTAI de Ville 69266)")
	assert.Contains(t, text(list), "Association financée via le CTAI de Ville 69266 (15\u00a0000,00\u00a0€).")
	assert.Contains(t, list.Body.String(), `href="`+path+`"`)

	form := rhone.get(t, path)
	require.Equal(t, http.StatusOK, form.Code, form.Body.String())
	assert.Contains(t, text(form), "CTAI de Ville 69266")
	assert.Equal(t, http.StatusNotFound, rhone.get(t, "/controles/2027/84/planifier-ctai/"+id+"/rna:W691234568").Code, "not a candidate")
	past := rhone.submit(t, path, path, url.Values{"planned_on": {"2026-11-28"}, "controller": {"Inspection DDETS"}})
	require.Equal(t, http.StatusUnprocessableEntity, past.Code, past.Body.String())

	ok := rhone.submit(t, path, path, url.Values{"planned_on": {"2026-11-29"}, "controller": {"Inspection DDETS"}})
	require.Equal(t, http.StatusSeeOther, ok.Code, ok.Body.String())
	page := rhone.get(t, ok.Header().Get("Location"))
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	assert.Contains(t, text(page), "Contrôle de Toit commun (CTAI de Ville 69266)")
	assert.Contains(t, text(page), "15\u00a0000,00\u00a0€")
	assert.Equal(t, http.StatusSeeOther, rhone.get(t, path).Code, "a planned candidate's form leads to its control")
	assert.Equal(t, http.StatusNotFound, e.signInCorrespondent(t, "38", models.LevelDepartmental).get(t, ok.Header().Get("Location")).Code,
		"another department's correspondent does not see it")
}
