package api_test

import (
	"bytes"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
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

func reportForm(spent, used string) url.Values {
	return url.Values{"spent_eur": {spent}, "subsidy_used_eur": {used}}
}

// pdfFile is a tiny PDF, as http.DetectContentType reads one.
var pdfFile = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")

// csrfOf is the CSRF token of the form a link's page shows ("" when it shows none).
func (e *testEnv) csrfOf(t *testing.T, path string) string {
	t.Helper()
	return withCSRF(nil, e.anonymous().get(t, path).Body.String()).Get("csrf")
}

// postReport posts the « Mon dossier » report form with its file (none when name is "").
func (e *testEnv) postReport(t *testing.T, path, csrf string, form url.Values, name string, content []byte) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	form.Set("csrf", csrf)
	for k, vs := range form {
		for _, v := range vs {
			require.NoError(t, w.WriteField(k, v))
		}
	}
	if name != "" {
		part, err := w.CreateFormFile("cerfa", name)
		require.NoError(t, err)
		_, err = part.Write(content)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	req := httptest.NewRequest(http.MethodPost, path, &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return rec
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
	e.temporal.On("SignalWorkflow", mock.Anything, app.WorkflowID, "", workflows.SignalFinancialReport, 2027).Return(nil)
	path := e.link(t, auth.LinkFinancialReport, conv.ID, fixedNow.Add(24*time.Hour))

	page := e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	body := page.Body.String()
	assert.Contains(t, body, conv.Reference)
	assert.Contains(t, body, app.Reference, "the dossier's reference")
	assert.NotContains(t, body, other.Reference)
	assert.NotContains(t, body, "aria-invalid", "nothing refused yet")
	assert.Contains(t, body, "30 juin 2028", "the due date, Paris day")
	for _, field := range []string{"spent_eur", "subsidy_used_eur", "cerfa"} {
		assert.Contains(t, body, `<label class="fr-label" for="`+field+`">`, "every field has its label")
	}
	assert.Contains(t, body, `enctype="multipart/form-data"`)
	csrf := e.csrfOf(t, path)
	require.NotEmpty(t, csrf)

	// Refused: each field's rule in French, the typed values kept, nothing recorded.
	for _, tc := range []struct {
		name, spent, used, file string
		content                 []byte
		field, message          string
	}{
		{"amount not a number", "douze mille", "100", "cr.pdf", pdfFile, "spent_eur", "Dépenses réalisées : montant en euros positif"},
		{"subsidy used above the expenses", "100", "200", "cr.pdf", pdfFile, "subsidy_used_eur", "ne peut dépasser les dépenses réalisées"},
		{"subsidy used above the grant", "20000", "10000,01", "cr.pdf", pdfFile, "subsidy_used_eur", "ne peut dépasser la subvention accordée"},
		{"no file", "100", "100", "", nil, "cerfa", "joignez le fichier"},
		{"a text file named .pdf", "100", "100", "cr.pdf", []byte("bonjour"), "cerfa", "ni un PDF ni une image"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := e.postReport(t, path, csrf, reportForm(tc.spent, tc.used), tc.file, tc.content)
			require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
			assert.Contains(t, rec.Body.String(), tc.message)
			assert.Contains(t, rec.Body.String(), `value="`+tc.spent+`"`, "the typed value is shown again")
			assert.Contains(t, rec.Body.String(), `aria-invalid="true" aria-describedby="erreur-`+tc.field+`"`, "the error is tied to its field")
			assert.Contains(t, rec.Body.String(), `<p id="erreur-`+tc.field+`" class="fr-error-text">`)
			r := e.storedReport(t, conv.ID)
			assert.True(t, r == nil || r.ReceivedAt == nil, "nothing recorded")
		})
	}
	e.temporal.AssertNotCalled(t, "SignalWorkflow", mock.Anything, mock.Anything, mock.Anything, mock.Anything, mock.Anything)

	// Without the page's CSRF token: refused, nothing recorded.
	rec := e.postReport(t, path, "", reportForm("12 000,50", "10000"), "cr.pdf", pdfFile)
	require.Equal(t, http.StatusForbidden, rec.Code)
	assert.Nil(t, e.storedReport(t, conv.ID))

	// Accepted, amounts typed the French way, with its file.
	rec = e.postReport(t, path, csrf, reportForm("12 000,50", "10000"), "Cerfa signé.pdf", pdfFile)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "votre compte-rendu financier et son fichier sont enregistrés")
	assert.NotContains(t, rec.Body.String(), `<form method="post"`)
	r := e.storedReport(t, conv.ID)
	require.NotNil(t, r)
	require.NotNil(t, r.ReceivedAt)
	assert.Equal(t, int64(1_200_050), r.SpentCents)
	assert.Equal(t, int64(1_000_000), r.SubsidyUsedCents)
	assert.Contains(t, r.DocumentReference, "Cerfa signé.pdf (sha256 ")
	assert.Nil(t, e.storedReport(t, other.ID), "the other convention has no report")

	// The file is downloadable from « Mon dossier », through the link.
	doc := e.anonymous().get(t, path+"/documents/compte-rendu-financier")
	require.Equal(t, http.StatusOK, doc.Code)
	assert.Equal(t, "application/pdf", doc.Header().Get("Content-Type"))
	assert.Equal(t, pdfFile, doc.Body.Bytes())

	// The same report sent again (a second click, a reload): nothing new.
	rec = e.postReport(t, path, csrf, reportForm("12000.50", "10 000"), "Cerfa signé.pdf", pdfFile)
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
	rec = e.postReport(t, path, csrf, reportForm("9000", "9000"), "Cerfa signé.pdf", pdfFile)
	require.Equal(t, http.StatusConflict, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "fait foi")
	assert.Equal(t, int64(1_200_050), e.storedReport(t, conv.ID).SpentCents)

	page = e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code)
	assert.Contains(t, page.Body.String(), "Compte-rendu financier reçu le")
	assert.NotContains(t, page.Body.String(), `<form method="post"`)
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
	form := reportForm("100", "100")

	for _, tc := range []struct {
		name, path string
		status     int
		message    string
	}{
		{"another convention's body with this signature", "/liens/" + otherBody + "." + sig, http.StatusNotFound, "Lien invalide"},
		{"expired", e.link(t, auth.LinkFinancialReport, conv.ID, fixedNow.Add(-time.Second)), http.StatusGone, "Lien expiré"},
		{"a sign link of the same convention", e.link(t, auth.LinkSign, conv.ID, fixedNow.Add(time.Hour)), http.StatusForbidden, "Ce lien ne le permet pas"},
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
	assert.Contains(t, page.Body.String(), "elle attend votre signature")
	assert.Contains(t, page.Body.String(), "Ce lien ne le permet pas", "the report link cannot sign")
	assert.NotContains(t, page.Body.String(), `name="spent_eur"`)
	assert.NotContains(t, page.Body.String(), `name="signed_by"`)
	rec := e.postForm(t, path, form)
	require.Equal(t, http.StatusForbidden, rec.Code, "no form shown, no token")
	assert.Nil(t, e.storedReport(t, unsigned.ID))
}
