package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// seedCPOConvention stores a signed 3-year CPO (2027–2029: 10 000, 8 000 and 6 000 €).
func (e *testEnv) seedCPOConvention(t *testing.T) (*models.Application, *models.Convention) {
	t.Helper()
	app, conv := e.seedReportConvention(t, models.ConventionSigned)
	conv.Kind = "pluriannuelle"
	conv.Tranches = []models.Tranche{{Year: 2027, MaxCents: 1_000_000}, {Year: 2028, MaxCents: 800_000}, {Year: 2029, MaxCents: 600_000}}
	require.NoError(t, e.db.Save(conv).Error)
	return app, conv
}

func trancheReportBody(year int, spent, used, ref string) []byte {
	b, _ := json.Marshal(map[string]any{"fiscal_year": year, "spent_eur": json.Number(spent), "subsidy_used_eur": json.Number(used), "document_reference": ref})
	return b
}

// A CPO's convention shows its tranches and one compte-rendu financier per tranche with its
// due date (§8.2, §8.4); a report names its tranche, at most the tranche's amount, and lifts
// that tranche's block only.
func TestCPOFinancialReportPerTranche(t *testing.T) {
	e := newEnv(t)
	app, conv := e.seedCPOConvention(t)
	rec := e.get(t, "/api/v1/conventions/"+conv.ID)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := decodeObject(t, rec)
	assert.Equal(t, "24000.00", got["total_eur"], "the sum of the tranches")
	assert.Len(t, got["tranches"], 3)
	reports := got["financial_reports"].([]any)
	require.Len(t, reports, 3, "one report per tranche")
	for i, want := range []struct {
		year   float64
		due    string
		amount string
	}{{2027, "2028-06-30", "10000.00"}, {2028, "2029-06-30", "8000.00"}, {2029, "2030-06-30", "6000.00"}} {
		r := reports[i].(map[string]any)
		assert.Equal(t, want.year, r["fiscal_year"])
		assert.Equal(t, float64(i+1), r["tranche"])
		assert.Equal(t, want.due, r["due_date"], "6 months after the exercice of %v", want.year)
		assert.Equal(t, want.amount, r["amount_eur"])
		assert.Equal(t, "awaited", r["state"])
	}

	path := "/api/v1/conventions/" + conv.ID + "/financial-report"
	p := requireProblem(t, e.do(t, http.MethodPost, path, reportBody("5000", "5000", "CRF-1")), http.StatusUnprocessableEntity, "validation_failed")
	assert.Equal(t, "fiscal_year", p.Fields[0].Field)
	assert.Contains(t, p.Fields[0].Message, "2027, 2028 ou 2029")
	requireFields(t, e.do(t, http.MethodPost, path, trancheReportBody(2030, "5000", "5000", "CRF-1")), fieldRule{"fiscal_year", "one_of"})
	p = requireProblem(t, e.do(t, http.MethodPost, path, trancheReportBody(2028, "9000", "8000.01", "CRF-1")), http.StatusUnprocessableEntity, "validation_failed")
	assert.Equal(t, "la part de la subvention employée (8\u00a0000,01\u00a0€) ne peut dépasser la tranche 2028 (8\u00a0000,00\u00a0€)", p.Fields[0].Message)
	var n int64
	require.NoError(t, e.db.Model(&models.FinancialReport{}).Where("received_at IS NOT NULL").Count(&n).Error)
	assert.Zero(t, n, "a refused report changes nothing")

	// Tranche 2028's report missing blocks a later dossier; tranche 2027's report lifts nothing of it.
	later, _ := e.seedReportConvention(t, models.ConventionAwaitingSignature)
	require.NoError(t, e.db.Create(&models.RenewalBlock{ApplicationID: later.ID, AssociationKey: later.AssociationKey,
		Rule: models.BlockFinancialReport, Source: "convention:" + conv.ID + "/2028", SourceYear: 2028, SourceConventionID: conv.ID,
		Reason: "le compte-rendu financier de la tranche 2028 n'a pas été reçu", Lift: "l'envoyer"}).Error)
	e.temporal.On("SignalWorkflow", mock.Anything, app.WorkflowID, "", workflows.SignalFinancialReport, 2027).Return(nil).Once()
	rec = e.do(t, http.MethodPost, path, trancheReportBody(2027, "10000", "10000", "CRF-2027"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Equal(t, float64(2027), decodeObject(t, rec)["fiscal_year"])
	assert.Equal(t, true, decodeObject(t, e.get(t, "/api/v1/applications/"+later.ID))["blocked"], "tranche 2028's block stands")

	// At the tranche's amount exactly: accepted, and its block lifted.
	e.temporal.On("SignalWorkflow", mock.Anything, app.WorkflowID, "", workflows.SignalFinancialReport, 2028).Return(nil).Once()
	rec = e.do(t, http.MethodPost, path, trancheReportBody(2028, "8000", "8000", "CRF-2028"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Equal(t, false, decodeObject(t, e.get(t, "/api/v1/applications/"+later.ID))["blocked"], "sending tranche 2028's report lifts its block")

	got = decodeObject(t, e.get(t, "/api/v1/conventions/"+conv.ID))
	states := []any{}
	for _, r := range got["financial_reports"].([]any) {
		states = append(states, r.(map[string]any)["state"])
	}
	assert.Equal(t, []any{"received", "received", "awaited"}, states)
}

// « Mon dossier » lists every tranche's report and asks for the oldest not received.
func TestCPOMonDossierAsksForEachTranche(t *testing.T) {
	e := newEnv(t)
	app, conv := e.seedCPOConvention(t)
	e.temporal.On("SignalWorkflow", mock.Anything, app.WorkflowID, "", workflows.SignalFinancialReport, mock.Anything).Return(nil)
	path := e.link(t, auth.LinkDossier, app.ID, fixedNow.Add(24*time.Hour))

	page := e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	body := page.Body.String()
	assert.Contains(t, body, "Envoyer le compte-rendu financier de la tranche 2027")
	for _, due := range []string{"30 juin 2028", "30 juin 2029", "30 juin 2030"} {
		assert.Contains(t, body, due, "each tranche's due date")
	}
	csrf := e.csrfOf(t, path)
	form := reportForm("10000", "10000")
	form.Set("action", "compte-rendu-financier")
	rec := e.postReport(t, path, csrf, form, "cerfa-2027.pdf", pdfFile)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	r2027 := models.FinancialReport{}
	require.NoError(t, e.db.Where("convention_id = ? AND fiscal_year = ?", conv.ID, 2027).Take(&r2027).Error)
	require.NotNil(t, r2027.ReceivedAt, "the form sent tranche 2027's report")

	page = e.anonymous().get(t, path)
	body = page.Body.String()
	assert.Contains(t, body, "Compte-rendu financier de la tranche 2027 (10\u00a0000,00\u00a0€) reçu le")
	assert.Contains(t, body, "Envoyer le compte-rendu financier de la tranche 2028", "then the next tranche")
	doc := e.anonymous().get(t, path+"/documents/compte-rendu-financier-2027")
	require.Equal(t, http.StatusOK, doc.Code)
	assert.Equal(t, pdfFile, doc.Body.Bytes())
	assert.Equal(t, http.StatusNotFound, e.anonymous().get(t, path+"/documents/compte-rendu-financier-2028").Code, "no file sent for 2028 yet")
}

// The agent's dossier page shows a CPO's tranches and each tranche's report: due date and state.
func TestCPOAgentDossierPageShowsEachTrancheReport(t *testing.T) {
	e := newEnv(t)
	e.historyUnreadable()
	app, conv := e.seedCPOConvention(t)
	e.temporal.On("SignalWorkflow", mock.Anything, app.WorkflowID, "", workflows.SignalFinancialReport, 2027).Return(nil).Once()
	rec := e.do(t, http.MethodPost, "/api/v1/conventions/"+conv.ID+"/financial-report", trancheReportBody(2027, "10000", "9000", "CRF-2027"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	require.NoError(t, e.db.Create(&models.FinancialReport{ConventionID: conv.ID, ConventionReference: conv.Reference, ApplicationID: app.ID,
		AssociationKey: app.AssociationKey, FiscalYear: 2028, Tranche: 2, AmountCents: 800_000,
		DueAt: time.Date(2029, 6, 30, 21, 59, 59, 0, time.UTC), Overdue: true}).Error)

	a := e.correspondentSession(t, "69", models.LevelDepartmental)
	rec = a.get(t, "/dossiers/"+app.Reference)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	page := rec.Body.String()
	assert.Contains(t, page, "Tranches annuelles (convention pluriannuelle)")
	assert.Contains(t, page, "2029 : 6\u00a0000,00\u00a0€ au plus")
	assert.Contains(t, page, "Tranche 2027 (10\u00a0000,00\u00a0€), dû le 30 juin 2028 : reçu le")
	assert.Contains(t, page, "Tranche 2028 (8\u00a0000,00\u00a0€), dû le 30 juin 2029 : <strong>non reçu à l&#39;échéance : renouvellement bloqué</strong>")
}
