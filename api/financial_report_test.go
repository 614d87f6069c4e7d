package api_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"

	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// seedConvention stores a 2027 dossier of "siret:73282932000074" and its convention in the given state.
func (e *testEnv) seedReportConvention(t *testing.T, state string) (*models.Application, *models.Convention) {
	t.Helper()
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseSelected})
	app := &models.Application{ID: uuid.NewString(), CampaignID: c.ID, Year: 2027, AssociationKey: "siret:73282932000074",
		SIRET: "73282932000074", AssociationName: "Accueil Rhône", AssociationEmail: "contact@accueil.example",
		Title: "Ateliers " + uuid.NewString()[:8], TitleKey: uuid.NewString(), Theme: "langue", Decision: "retenu", GrantedCents: 1_000_000,
		State: models.ApplicationRetained}
	app.WorkflowID = workflows.ApplicationWorkflowID(c.WorkflowID, app.ID)
	require.NoError(t, e.db.Create(app).Error)
	conv := &models.Convention{ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: c.ID, Reference: "CONV-2027-69-" + app.ID[:8],
		Kind: "annuelle", GrantedCents: 1_000_000, PNECloseDate: time.Date(2028, 5, 31, 21, 0, 0, 0, time.UTC),
		FiscalYearEnd: policy.MonthDay{Month: time.December, Day: 31}.In(2027).EndOfDay(), FinancialReportMonths: 6, State: state}
	require.NoError(t, e.db.Create(conv).Error)
	return app, conv
}

func reportBody(spent, used, ref string) []byte {
	b, _ := json.Marshal(map[string]any{"spent_eur": json.Number(spent), "subsidy_used_eur": json.Number(used), "document_reference": ref})
	return b
}

func TestFinancialReportRecordedOnceSignalsTheDossierAndLiftsTheBlock(t *testing.T) {
	e := newEnv(t)
	app, conv := e.seedReportConvention(t, models.ConventionSigned)
	// A later dossier of the same association, blocked by this convention's missing report.
	later, _ := e.seedReportConvention(t, models.ConventionAwaitingSignature)
	require.NoError(t, e.db.Create(&models.RenewalBlock{ApplicationID: later.ID, AssociationKey: later.AssociationKey,
		Rule: models.BlockFinancialReport, Source: "convention:" + conv.ID, SourceYear: 2027, SourceConventionID: conv.ID,
		Reason: "le compte-rendu financier n'a pas été reçu", Lift: "l'envoyer"}).Error)
	rec := e.get(t, "/api/v1/applications/"+later.ID)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	got := decodeObject(t, rec)
	assert.Equal(t, true, got["blocked"], "nothing blocked silently")
	require.Len(t, got["renewal_blocks"], 1)

	e.temporal.On("SignalWorkflow", mock.Anything, app.WorkflowID, "", workflows.SignalFinancialReport, 2027).Return(nil).Once()
	path := "/api/v1/conventions/" + conv.ID + "/financial-report"
	rec = e.do(t, http.MethodPost, path, reportBody("12000.50", "10000", "CRF-2027-0042"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Empty(t, rec.Header().Get("Idempotent-Replayed"))
	report := decodeObject(t, rec)
	assert.Equal(t, "12000.50", report["spent_eur"])
	assert.Equal(t, float64(1_200_050), report["spent_cents"])
	assert.Equal(t, "2028-06-30", report["due_date"], "six months after the 2027 fiscal year, Paris date")
	assert.NotNil(t, report["received_at"])

	rec = e.get(t, "/api/v1/applications/"+later.ID)
	got = decodeObject(t, rec)
	assert.Equal(t, false, got["blocked"], "sending the report lifts its block")
	assert.NotNil(t, got["renewal_blocks"].([]any)[0].(map[string]any)["lifted_at"])

	// The same report again answers the recorded one; its workflow may have ended meanwhile.
	e.temporal.On("SignalWorkflow", mock.Anything, app.WorkflowID, "", workflows.SignalFinancialReport, 2027).
		Return(serviceerror.NewNotFound("workflow completed")).Once()
	rec = e.do(t, http.MethodPost, path, reportBody("12000.50", "10000", "CRF-2027-0042"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Equal(t, "true", rec.Header().Get("Idempotent-Replayed"))
	assert.Equal(t, report["received_at"], decodeObject(t, rec)["received_at"])

	// Other figures after the first: refused, the first one stands.
	rec = e.do(t, http.MethodPost, path, reportBody("9000", "9000", "CRF-2027-0042"))
	requireProblem(t, rec, http.StatusConflict, "financial_report_already_received")
	var spent int64
	require.NoError(t, e.db.Model(&models.FinancialReport{}).Where("convention_id = ?", conv.ID).Pluck("spent_cents", &spent).Error)
	assert.Equal(t, int64(1_200_050), spent)

	rec = e.get(t, "/api/v1/conventions/"+conv.ID)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, "CRF-2027-0042", decodeObject(t, rec)["financial_report"].(map[string]any)["document_reference"])
}

func TestFinancialReportRefusals(t *testing.T) {
	e := newEnv(t)
	_, conv := e.seedReportConvention(t, models.ConventionSigned)
	path := "/api/v1/conventions/" + conv.ID + "/financial-report"
	cases := []struct {
		name string
		body []byte
		want []fieldRule
	}{
		{"nothing", []byte(`{}`), []fieldRule{{"spent_eur", "required"}, {"subsidy_used_eur", "required"}, {"document_reference", "required"}}},
		{"zero spent", reportBody("0", "0", "CRF-1"), []fieldRule{{"spent_eur", "positive"}}},
		{"three decimals", reportBody("100.123", "100", "CRF-1"), []fieldRule{{"spent_eur", "money"}}},
		{"subsidy used above spent", reportBody("5000", "5000.01", "CRF-1"), []fieldRule{{"subsidy_used_eur", "max"}}},
		{"subsidy used above granted", reportBody("20000", "10000.01", "CRF-1"), []fieldRule{{"subsidy_used_eur", "max"}}},
		{"reference too short", reportBody("5000", "5000", " x "), []fieldRule{{"document_reference", "min_length"}}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			requireFields(t, e.do(t, http.MethodPost, path, tc.body), tc.want...)
		})
	}
	p := requireProblem(t, e.do(t, http.MethodPost, path, reportBody("20000", "10000.01", "CRF-1")), http.StatusUnprocessableEntity, "validation_failed")
	assert.Equal(t, "la part de la subvention employée (10\u00a0000,01\u00a0€) ne peut dépasser la subvention accordée (10\u00a0000,00\u00a0€)", p.Fields[0].Message)
	var n int64
	require.NoError(t, e.db.Model(&models.FinancialReport{}).Count(&n).Error)
	assert.Zero(t, n, "a refused report changes nothing")

	// Exactly at the limits: accepted.
	e.temporal.On("SignalWorkflow", mock.Anything, mock.Anything, "", workflows.SignalFinancialReport, 2027).Return(nil).Once()
	rec := e.do(t, http.MethodPost, path, reportBody("10000", "10000", "CRF-1"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())

	requireProblem(t, e.do(t, http.MethodPost, path, []byte(`{"spent_eur": 1, "extra": true}`)), http.StatusUnprocessableEntity, "validation_failed") // unknown field
}

func TestFinancialReportNeedsASignedConvention(t *testing.T) {
	e := newEnv(t)
	for _, state := range []string{models.ConventionAwaitingSignature, models.ConventionLapsed, models.ConventionCancelled} {
		_, conv := e.seedReportConvention(t, state)
		rec := e.do(t, http.MethodPost, "/api/v1/conventions/"+conv.ID+"/financial-report", reportBody("100", "100", "CRF-1"))
		requireProblem(t, rec, http.StatusConflict, "convention_not_signed")
	}
	rec := e.do(t, http.MethodPost, "/api/v1/conventions/"+uuid.NewString()+"/financial-report", reportBody("100", "100", "CRF-1"))
	requireProblem(t, rec, http.StatusNotFound, "not_found")
	var n int64
	require.NoError(t, e.db.Model(&models.FinancialReport{}).Count(&n).Error)
	assert.Zero(t, n)
}

// A compte-rendu financier overdue and not received blocks the association's
// next dossier at the selection; once sent, the same selection passes.
func TestSelectionRefusesAnAssociationOwingAFinancialReportUntilItIsSent(t *testing.T) {
	e := newEnv(t)
	_, conv := e.seedReportConvention(t, models.ConventionSigned)
	require.NoError(t, e.db.Create(&models.FinancialReport{ConventionID: conv.ID, ConventionReference: conv.Reference,
		ApplicationID: conv.ApplicationID, AssociationKey: "siret:73282932000074", FiscalYear: 2027,
		DueAt: time.Date(2028, 6, 30, 21, 59, 59, 0, time.UTC), Overdue: true}).Error)
	next := e.seedCampaign(t, seed{year: 2028, territory: "69", phase: models.PhaseClosed})
	app := &models.Application{ID: uuid.NewString(), CampaignID: next.ID, Year: 2028, AssociationKey: "siret:73282932000074",
		AssociationName: "Accueil Rhône", Title: "Ateliers 2028", TitleKey: "ateliers 2028", Theme: "langue",
		RequestedCents: 500_000, BeneficiariesNonBPI: 10}
	app.WorkflowID = workflows.ApplicationWorkflowID(next.WorkflowID, app.ID)
	require.NoError(t, e.db.Create(app).Error)
	selection, _ := json.Marshal(map[string]any{"decisions": []map[string]any{
		{"application_id": app.ID, "decision": "retenu", "granted_eur": 5000, "score": 80}}})
	dryRun := "/api/v1/campaigns/" + next.ID + "/selection?dry_run=true"

	p := requireProblem(t, e.do(t, http.MethodPost, dryRun, selection), http.StatusUnprocessableEntity, "selection_refused")
	require.Len(t, p.Fields, 1)
	assert.Equal(t, "financial_report_missing", p.Fields[0].Rule)
	assert.Contains(t, p.Fields[0].Message, conv.Reference)
	assert.Contains(t, p.Fields[0].Message, "30 juin 2028")

	e.temporal.On("SignalWorkflow", mock.Anything, mock.Anything, "", workflows.SignalFinancialReport, 2027).Return(nil).Once()
	rec := e.do(t, http.MethodPost, "/api/v1/conventions/"+conv.ID+"/financial-report", reportBody("10000", "10000", "CRF-2027-7"))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	assert.Equal(t, true, decodeObject(t, rec)["overdue"], "received late: the history keeps it")

	rec = e.do(t, http.MethodPost, dryRun, selection)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
}
