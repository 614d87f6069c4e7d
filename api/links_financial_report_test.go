package api_test

import (
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
	"github.com/dian-p104/aap/workflows"
)

func reportForm(spent, used, ref string) url.Values {
	return url.Values{"spent_eur": {spent}, "subsidy_used_eur": {used}, "document_reference": {ref}}
}

func (e *testEnv) storedReport(t *testing.T, conventionID string) *models.FinancialReport {
	t.Helper()
	var r models.FinancialReport
	err := e.db.Where("convention_id = ?", conventionID).Take(&r).Error
	if err != nil {
		return nil
	}
	return &r
}

func TestFinancialReportLinkRecordsItsConventionsReportOnce(t *testing.T) {
	e := newEnv(t)
	app, conv := e.seedReportConvention(t, models.ConventionSigned)
	_, other := e.seedReportConvention(t, models.ConventionSigned)
	e.temporal.On("SignalWorkflow", mock.Anything, app.WorkflowID, "", workflows.SignalFinancialReport, nil).Return(nil)
	path := e.link(t, auth.LinkFinancialReport, conv.ID, fixedNow.Add(24*time.Hour))

	page := e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	body := page.Body.String()
	assert.Contains(t, body, conv.Reference)
	assert.NotContains(t, body, other.Reference)
	assert.NotContains(t, body, "aria-invalid", "nothing refused yet")
	assert.Contains(t, body, "30/06/2028", "the due date, Paris day")
	for _, field := range []string{"spent_eur", "subsidy_used_eur", "document_reference"} {
		assert.Contains(t, body, `<label class="fr-label" for="`+field+`">`, "every field has its label")
		assert.Contains(t, body, `id="`+field+`" name="`+field+`"`)
	}

	// Refused: each field's rule in French, the typed values kept, nothing recorded.
	for _, tc := range []struct {
		name    string
		form    url.Values
		field   string
		message string
	}{
		{"amount not a number", reportForm("douze mille", "100", "CRF-1"), "spent_eur", "Dépenses réalisées : montant en euros positif"},
		{"subsidy used above the expenses", reportForm("100", "200", "CRF-1"), "subsidy_used_eur", "ne peut dépasser les dépenses réalisées"},
		{"subsidy used above the grant", reportForm("20000", "10000,01", "CRF-1"), "subsidy_used_eur", "ne peut dépasser la subvention accordée"},
		{"no reference", reportForm("100", "100", " "), "document_reference", "Référence du compte-rendu financier :"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.postForm(t, path, tc.form)
			require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Body.String(), tc.message)
			assert.Contains(t, rec.Body.String(), `value="`+tc.form.Get("spent_eur")+`"`, "the typed value is shown again")
			assert.Contains(t, rec.Body.String(), `<form method="post">`)
			assert.Contains(t, rec.Body.String(), `aria-invalid="true" aria-describedby="erreur-`+tc.field+`"`, "the error is tied to its field")
			assert.Contains(t, rec.Body.String(), `<p id="erreur-`+tc.field+`" class="fr-error-text">`)
			r := e.storedReport(t, conv.ID)
			assert.True(t, r == nil || r.ReceivedAt == nil, "nothing recorded")
		})
	}
	e.temporal.AssertNotCalled(t, "SignalWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything)

	// Accepted, amounts typed the French way.
	rec := e.postForm(t, path, reportForm("12 000,50", "10000", "CRF-2027-0042"))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "votre compte-rendu financier est enregistré")
	assert.NotContains(t, rec.Body.String(), `<form method="post">`)
	r := e.storedReport(t, conv.ID)
	require.NotNil(t, r)
	require.NotNil(t, r.ReceivedAt)
	assert.Equal(t, int64(1_200_050), r.SpentCents)
	assert.Equal(t, int64(1_000_000), r.SubsidyUsedCents)
	assert.Nil(t, e.storedReport(t, other.ID), "the other convention has no report")

	// The same report sent again (a second click, a reload): nothing new.
	rec = e.postForm(t, path, reportForm("12000.50", "10 000", "CRF-2027-0042"))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Equal(t, r.ReceivedAt.UTC(), e.storedReport(t, conv.ID).ReceivedAt.UTC())
	var audit []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND entity_id = ? AND action = ?", "convention", conv.ID, "financial_report_received").Find(&audit).Error)
	require.Len(t, audit, 1, "one receipt in the audit trail")
	assert.Equal(t, "association (lien financial-report)", audit[0].Actor)
	assert.Contains(t, audit[0].After, `"spent_cents":1200050`)
	var n int64
	require.NoError(t, e.db.Model(&models.FinancialReport{}).Where("convention_id = ?", conv.ID).Count(&n).Error)
	assert.Equal(t, int64(1), n)

	// Other figures afterwards: refused in French, the first report stands.
	rec = e.postForm(t, path, reportForm("9000", "9000", "CRF-2027-0042"))
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "fait foi")
	assert.Equal(t, int64(1_200_050), e.storedReport(t, conv.ID).SpentCents)

	page = e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code)
	assert.Contains(t, page.Body.String(), "Compte-rendu financier reçu le")
	assert.NotContains(t, page.Body.String(), `<form method="post">`)
}

func TestFinancialReportLinkRefusesTamperedExpiredAndUnsignedConventions(t *testing.T) {
	e := newEnv(t)
	_, conv := e.seedReportConvention(t, models.ConventionSigned)
	_, other := e.seedReportConvention(t, models.ConventionSigned)
	_, unsigned := e.seedReportConvention(t, models.ConventionAwaitingSignature)
	valid := e.link(t, auth.LinkFinancialReport, conv.ID, fixedNow.Add(time.Hour))
	otherLink := e.link(t, auth.LinkFinancialReport, other.ID, fixedNow.Add(time.Hour))
	_, sig, _ := strings.Cut(strings.TrimPrefix(valid, "/liens/"), ".")
	otherBody, _, _ := strings.Cut(strings.TrimPrefix(otherLink, "/liens/"), ".")
	form := reportForm("100", "100", "CRF-1")

	for _, tc := range []struct {
		name, path string
		status     int
		message    string
	}{
		{"another convention's body with this signature", "/liens/" + otherBody + "." + sig, http.StatusNotFound, "Lien invalide"},
		{"expired", e.link(t, auth.LinkFinancialReport, conv.ID, fixedNow.Add(-time.Second)), http.StatusGone, "Lien expiré"},
		{"a sign link of the same convention", e.link(t, auth.LinkSign, conv.ID, fixedNow.Add(time.Hour)), http.StatusOK, "Signature de la convention"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.postForm(t, tc.path, form)
			require.Equal(t, tc.status, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Body.String(), tc.message)
		})
	}
	for _, id := range []string{conv.ID, other.ID} {
		assert.Nil(t, e.storedReport(t, id), "no refused link recorded a report")
	}

	path := e.link(t, auth.LinkFinancialReport, unsigned.ID, fixedNow.Add(time.Hour))
	page := e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code)
	assert.Contains(t, page.Body.String(), "suit une convention signée")
	assert.NotContains(t, page.Body.String(), `name="spent_eur"`)
	rec := e.postForm(t, path, form)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "Le compte-rendu financier suit une convention signée ; cette convention est")
	assert.Nil(t, e.storedReport(t, unsigned.ID))
}
