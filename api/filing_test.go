package api_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// A PDF, a PNG and a JPEG as their first bytes say (what http.DetectContentType reads).
var (
	pdfBytes  = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	pngBytes  = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), make([]byte, 64)...)
	jpegBytes = append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 64)...)
)

// upload is one file of the form.
type upload struct {
	name    string
	content []byte
}

// filingCall is a call of the Rhône open from an hour ago for two days.
func (e *testEnv) filingCall(t *testing.T, now time.Time) *models.Campaign {
	t.Helper()
	return e.seedCall(t, "Ateliers du Rhône", "69", models.LevelDepartmental, models.PhasePublished, now.Add(-time.Hour), now.Add(48*time.Hour))
}

// validFiling is a whole dossier as the form sends it.
func validFiling() map[string]string {
	return map[string]string{
		"association.name": "Accueil Rhône", "association.siret": "732 829 320 00074", "association.email": "contact@accueil-rhone.example.org",
		"association.legal_representative": "Marie Curie, présidente", "association.cer_signed": "true",
		"project.title": "Ateliers sociolinguistiques", "project.theme": "langue",
		"project.description":       "Ateliers de français pour des signataires du CIR,\nle soir et le samedi.",
		"project.public":            "Signataires du CIR depuis moins de cinq ans.",
		"project.public_check":      "Copie du CIR demandée à l'inscription.",
		"project.beneficiaries.bpi": "20", "project.beneficiaries.non_bpi": "40",
		"project.total_budget_eur": "30 000", "project.requested_eur": "5 000,50",
		"project.co_financing[1].funder": "Métropole de Lyon", "project.co_financing[1].amount_eur": "5000",
		"project.fiscal_year_end": "2027-12-31",
	}
}

func validUploads() map[string]upload {
	return map[string]upload{
		"attachments.statuts":             {"statuts.pdf", pdfBytes},
		"attachments.budget_previsionnel": {"budget.PDF", pdfBytes},
		"attachments.rib":                 {"rib.jpeg", jpegBytes},
	}
}

// formSession is what a browser holds after loading the form: its cookie and the form's token.
type formSession struct{ cookie, token string }

var tokenInput = regexp.MustCompile(`name="jeton_formulaire" value="([^"]+)"`)

// openForm loads the filing form as a browser does.
func (e *testEnv) openForm(t *testing.T, campaignID string) formSession {
	t.Helper()
	rec := e.anonymous().do(t, http.MethodGet, "/appels/"+campaignID+"/deposer", nil)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	m := tokenInput.FindStringSubmatch(rec.Body.String())
	require.NotNil(t, m, "the form carries its token")
	var cookie string
	for _, ck := range rec.Result().Cookies() {
		if ck.Name == "aap_depot" {
			cookie = ck.Name + "=" + ck.Value
			assert.True(t, ck.HttpOnly && ck.Secure && ck.SameSite == http.SameSiteStrictMode, "the form's cookie is HttpOnly, Secure, SameSite=Strict")
		}
	}
	require.NotEmpty(t, cookie, "the form sets its cookie")
	return formSession{cookie: cookie, token: strings.ReplaceAll(m[1], "&#43;", "+")}
}

// postFiling sends the form as multipart/form-data with the session's cookie and token.
func (e *testEnv) postFiling(t *testing.T, campaignID string, s formSession, fields map[string]string, files map[string]upload) *httptest.ResponseRecorder {
	t.Helper()
	var body bytes.Buffer
	w := multipart.NewWriter(&body)
	if s.token != "" {
		require.NoError(t, w.WriteField("jeton_formulaire", s.token))
	}
	for k, v := range fields {
		require.NoError(t, w.WriteField(k, v))
	}
	for field, f := range files {
		part, err := w.CreateFormFile(field, f.name)
		require.NoError(t, err)
		_, err = part.Write(f.content)
		require.NoError(t, err)
	}
	require.NoError(t, w.Close())
	req := httptest.NewRequest(http.MethodPost, "/appels/"+campaignID+"/deposer", &body)
	req.Header.Set("Content-Type", w.FormDataContentType())
	if s.cookie != "" {
		req.Header.Set("Cookie", s.cookie)
	}
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return rec
}

// stored counts the dossiers and attachments in the database.
func (e *testEnv) stored(t *testing.T) (applications, attachments int64) {
	t.Helper()
	require.NoError(t, e.db.Model(&models.Application{}).Count(&applications).Error)
	require.NoError(t, e.db.Model(&models.Attachment{}).Count(&attachments).Error)
	return applications, attachments
}

// requireNothingStored: no dossier, no attachment, no audit entry, no dossier
// reference counted, no workflow started.
func (e *testEnv) requireNothingStored(t *testing.T) {
	t.Helper()
	apps, atts := e.stored(t)
	assert.Zero(t, apps, "no dossier stored")
	assert.Zero(t, atts, "no attachment stored")
	var audit, counters int64
	require.NoError(t, e.db.Model(&models.AuditEntry{}).Where("entity = ?", "application").Count(&audit).Error)
	assert.Zero(t, audit, "no dossier in the audit trail")
	require.NoError(t, e.db.Table("dossier_reference_counters").Count(&counters).Error)
	assert.Zero(t, counters, "no dossier reference counted")
	assert.Empty(t, e.starts(t), "no workflow started")
}

func with(fields map[string]string, key, value string) map[string]string {
	fields[key] = value
	return fields
}

func TestFilingFormFilesTheDossierWithItsAttachmentsThroughTheAPIService(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.filingCall(t, fixedNow)
	rec := e.postFiling(t, c.ID, e.openForm(t, c.ID), validFiling(), validUploads())
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())

	var a models.Application
	require.NoError(t, e.db.Take(&a).Error)
	assert.Equal(t, "73282932000074", a.SIRET)
	assert.Equal(t, "Marie Curie, présidente", a.LegalRepresentative)
	assert.Equal(t, "Copie du CIR demandée à l'inscription.", a.PublicCheck)
	assert.Equal(t, "2027-12-31", a.FiscalYearEnd)
	assert.Equal(t, int64(500050), a.RequestedCents)
	assert.Equal(t, []models.CoFinancing{{Funder: "Métropole de Lyon", AmountCents: 500000}}, a.CoFinancing)
	assert.Equal(t, 20, a.BeneficiariesBPI)
	assert.Contains(t, a.Description, "\n", "a description keeps its lines")

	var atts []models.Attachment
	require.NoError(t, e.db.Order("kind").Find(&atts).Error)
	require.Len(t, atts, 3)
	sum := sha256.Sum256(jpegBytes)
	assert.Equal(t, models.Attachment{ID: atts[1].ID, ApplicationID: a.ID, Kind: models.AttachmentRIB, FileName: "rib.jpeg",
		ContentType: "image/jpeg", Size: int64(len(jpegBytes)), SHA256: hex.EncodeToString(sum[:]), Content: jpegBytes, CreatedAt: atts[1].CreatedAt}, atts[1])
	assert.Equal(t, "application/pdf", atts[0].ContentType)

	require.Len(t, e.starts(t), 1, "the dossier's workflow is started, as through the API")
	body := rec.Body.String()
	for _, want := range []string{"Dossier déposé", a.Reference, "29 novembre 2026 à 11 h 00", "contact@accueil-rhone.example.org", "5\u00a0000,50\u00a0€", "rib.jpeg"} {
		assert.Contains(t, body, want)
	}
}

func TestFilingAfterTheClosureIsRefusedAndJustBeforeIsFiled(t *testing.T) {
	closing := fixedNow.Add(time.Hour)
	late := newEnv(t, withNow(closing))
	c := late.seedCall(t, "Ateliers du Rhône", "69", models.LevelDepartmental, models.PhasePublished, fixedNow.Add(-time.Hour), closing)
	rec := late.postFiling(t, c.ID, formSession{}, validFiling(), validUploads())
	assert.Equal(t, http.StatusConflict, rec.Code)
	assert.Contains(t, rec.Body.String(), "Dossier déposé hors délais")
	late.requireNothingStored(t)
	assert.Equal(t, http.StatusConflict, late.anonymous().do(t, http.MethodGet, "/appels/"+c.ID+"/deposer", nil).Code, "no form once closed")

	inTime := newEnv(t, withNow(closing.Add(-time.Second)))
	inTime.acceptStarts()
	c = inTime.seedCall(t, "Ateliers du Rhône", "69", models.LevelDepartmental, models.PhasePublished, fixedNow.Add(-time.Hour), closing)
	rec = inTime.postFiling(t, c.ID, inTime.openForm(t, c.ID), validFiling(), validUploads())
	assert.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
}

func TestFilingWithABadSIRETKeyShowsTheErrorNextToTheFieldAndKeepsNothing(t *testing.T) {
	e := newEnv(t)
	c := e.filingCall(t, fixedNow)
	rec := e.postFiling(t, c.ID, e.openForm(t, c.ID), with(validFiling(), "association.siret", "73282932000075"), validUploads())
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	body := rec.Body.String()
	assert.Contains(t, body, `<div class="fr-input-group fr-input-group--error">`)
	assert.Regexp(t, `id="association-siret" name="association.siret" value="73282932000075"[^>]*aria-describedby="association-siret-aide association-siret-erreur" aria-invalid="true"`, body)
	assert.Contains(t, body, `<p id="association-siret-erreur" class="fr-error-text">SIRET invalide : la clé de contrôle ne correspond pas</p>`)
	assert.Contains(t, body, `<a href="#association-siret">SIRET de l&#39;établissement : SIRET invalide`, "the summary links the field")
	assert.Contains(t, body, `value="Accueil Rhône"`, "what was typed comes back")
	e.requireNothingStored(t)
}

func TestFilingRefusesAnAttachmentOver10MBAndTakesOneOfExactly10MB(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.filingCall(t, fixedNow)
	big := append(append([]byte{}, pdfBytes...), make([]byte, 10<<20-len(pdfBytes)+1)...)
	files := validUploads()
	files["attachments.statuts"] = upload{"statuts.pdf", big}
	s := e.openForm(t, c.ID)
	rec := e.postFiling(t, c.ID, s, validFiling(), files)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, rec.Body.String(), "fichier de 10,0 Mo : 10 Mo au plus par pièce")
	assert.Contains(t, rec.Body.String(), `fr-upload-group--error`)
	e.requireNothingStored(t)

	files["attachments.statuts"] = upload{"statuts.pdf", big[:10<<20]}
	rec = e.postFiling(t, c.ID, s, validFiling(), files)
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var att models.Attachment
	require.NoError(t, e.db.Where("kind = ?", models.AttachmentStatuts).Take(&att).Error)
	assert.Equal(t, int64(10<<20), att.Size)
}

func TestFilingRefusesAnAttachmentWhoseContentIsNotWhatItsNameSays(t *testing.T) {
	e := newEnv(t)
	c := e.filingCall(t, fixedNow)
	files := validUploads()
	files["attachments.statuts"] = upload{"statuts.pdf", pngBytes}
	files["attachments.rib"] = upload{"rib.pdf", []byte("RIB : FR76 3000 6000 0112 3456 7890 189")}
	rec := e.postFiling(t, c.ID, e.openForm(t, c.ID), validFiling(), files)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	body := rec.Body.String()
	assert.Contains(t, body, "le contenu de « statuts.pdf » est un fichier PNG, que son nom ne dit pas (.png attendu)")
	assert.Contains(t, body, "le contenu de « rib.pdf » n&#39;est ni un PDF, ni une image PNG ou JPEG")
	assert.NotContains(t, body, "pièce obligatoire", "a refused file says why, not that it is missing")
	e.requireNothingStored(t)
}

func TestFilingTheSameDossierTwiceIsOneDossier(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.filingCall(t, fixedNow)
	s := e.openForm(t, c.ID)
	first := e.postFiling(t, c.ID, s, validFiling(), validUploads())
	require.Equal(t, http.StatusCreated, first.Code, first.Body.String())
	// The same association and project, title typed with other capitals and spaces, other files.
	again := validUploads()
	again["attachments.comptes_approuves"] = upload{"comptes.png", pngBytes}
	second := e.postFiling(t, c.ID, s, with(validFiling(), "project.title", "  ateliers   SOCIOLINGUISTIQUES "), again)
	require.Equal(t, http.StatusOK, second.Code, second.Body.String())
	assert.Contains(t, second.Body.String(), "Ce dossier avait déjà été déposé")
	apps, atts := e.stored(t)
	assert.Equal(t, int64(1), apps)
	assert.Equal(t, int64(3), atts, "the first filing's attachments only")
	ids := map[string]bool{}
	for _, s := range e.starts(t) {
		ids[s.options.ID] = true
	}
	assert.Len(t, ids, 1, "one workflow: a start again finds the first filing's (its ID is the dossier's)")
	var audit int64
	require.NoError(t, e.db.Model(&models.AuditEntry{}).Where("action = ?", "filed").Count(&audit).Error)
	assert.Equal(t, int64(1), audit, "filed once in the audit trail")
	var a models.Application
	require.NoError(t, e.db.Take(&a).Error)
	assert.Contains(t, second.Body.String(), a.Reference, "the first dossier's reference")
}

func TestFilingWithoutTheFormsTokenIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.filingCall(t, fixedNow)
	other := e.seedCall(t, "Appel de l'Ain", "01", models.LevelDepartmental, models.PhasePublished, fixedNow.Add(-time.Hour), fixedNow.Add(time.Hour))
	s := e.openForm(t, c.ID)
	for name, session := range map[string]formSession{
		"no token":       {cookie: s.cookie},
		"no cookie":      {token: s.token},
		"another cookie": {cookie: "aap_depot=AAAAAAAAAAAAAAAAAAAAAA", token: s.token},
		"a forged token": {cookie: s.cookie, token: s.token + "x"},
		"another call's": {cookie: s.cookie, token: e.openFormWith(t, other.ID, s.cookie)},
	} {
		rec := e.postFiling(t, c.ID, session, validFiling(), validUploads())
		assert.Equal(t, http.StatusForbidden, rec.Code, name)
		assert.Contains(t, rec.Body.String(), "Formulaire expiré", name)
	}
	e.requireNothingStored(t)
}

// openFormWith loads a call's form with the browser's cookie and returns its token.
func (e *testEnv) openFormWith(t *testing.T, campaignID, cookie string) string {
	t.Helper()
	rec := e.anonymous().do(t, http.MethodGet, "/appels/"+campaignID+"/deposer", nil, "Cookie", cookie)
	require.Equal(t, http.StatusOK, rec.Code)
	return strings.ReplaceAll(tokenInput.FindStringSubmatch(rec.Body.String())[1], "&#43;", "+")
}

func TestFilingWithTheHoneypotFilledIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.filingCall(t, fixedNow)
	rec := e.postFiling(t, c.ID, e.openForm(t, c.ID), with(validFiling(), "site_internet", "https://example.com"), validUploads())
	assert.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, rec.Body.String(), "Votre envoi n&#39;a pas pu être pris en compte")
	e.requireNothingStored(t)
}

func TestFilingIsRateLimitedPerAddress(t *testing.T) {
	e := newEnv(t)
	c := e.filingCall(t, fixedNow)
	for i := range 10 {
		assert.Equal(t, http.StatusForbidden, e.postFiling(t, c.ID, formSession{}, nil, nil).Code, "submission %d", i+1)
	}
	rec := e.postFiling(t, c.ID, formSession{}, nil, nil)
	assert.Equal(t, http.StatusTooManyRequests, rec.Code)
	assert.NotEmpty(t, rec.Header().Get("Retry-After"))
	e.requireNothingStored(t)
}

func TestFilingBodyOver45MBIsRefused(t *testing.T) {
	e := newEnv(t)
	c := e.filingCall(t, fixedNow)
	files := validUploads()
	for i, kind := range []string{"statuts", "budget_previsionnel", "comptes_approuves", "rib", "statuts2"} {
		files["attachments."+kind] = upload{"f.pdf", make([]byte, 10<<20-i)}
	}
	rec := e.postFiling(t, c.ID, e.openForm(t, c.ID), validFiling(), files)
	assert.Equal(t, http.StatusRequestEntityTooLarge, rec.Code)
	assert.Contains(t, rec.Body.String(), "L&#39;envoi dépasse 45 Mo")
	e.requireNothingStored(t)
}

func TestFilingFormRequiresTheWholeDossier(t *testing.T) {
	e := newEnv(t)
	c := e.filingCall(t, fixedNow)
	rec := e.postFiling(t, c.ID, e.openForm(t, c.ID), map[string]string{"project.beneficiaries.bpi": "vingt"}, nil)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	body := rec.Body.String()
	for _, id := range []string{"association-name", "association-siret", "association-email", "association-legal_representative",
		"association-cer_signed", "project-title", "project-theme", "project-public", "project-public_check", "project-fiscal_year_end",
		"attachments-statuts", "attachments-budget_previsionnel", "attachments-rib"} {
		assert.Contains(t, body, `id="`+id+`-erreur"`, id)
	}
	assert.NotContains(t, body, `id="attachments-comptes_approuves-erreur"`, "the accounts are optional")
	assert.Contains(t, body, "nombre entier attendu")
	e.requireNothingStored(t)
}

func TestAgentsReadADossiersAttachmentsThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	c := e.filingCall(t, fixedNow)
	require.Equal(t, http.StatusCreated, e.postFiling(t, c.ID, e.openForm(t, c.ID), validFiling(), validUploads()).Code)
	var a models.Application
	require.NoError(t, e.db.Take(&a).Error)

	rec := e.get(t, "/api/v1/applications/"+a.ID+"/attachments")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	body := decodeObject(t, rec)
	items := body["items"].([]any)
	require.Len(t, items, 3)
	assert.Equal(t, "budget_previsionnel", items[0].(map[string]any)["kind"])
	assert.NotContains(t, rec.Body.String(), "content\"", "no content in the list")

	rec = e.get(t, "/api/v1/applications/"+a.ID+"/attachments/rib")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Equal(t, jpegBytes, rec.Body.Bytes())
	assert.Equal(t, "image/jpeg", rec.Header().Get("Content-Type"))
	assert.Equal(t, `attachment; filename=rib.jpeg`, rec.Header().Get("Content-Disposition"))
	sum := sha256.Sum256(jpegBytes)
	assert.Equal(t, "sha-256="+hex.EncodeToString(sum[:]), rec.Header().Get("Digest"))

	requireProblem(t, e.get(t, "/api/v1/applications/"+a.ID+"/attachments/comptes_approuves"), http.StatusNotFound, "not_found")
	requireProblem(t, e.get(t, "/api/v1/applications/7b0c9e2e-5f7a-4a51-9d64-1c3f0f4b8a11/attachments"), http.StatusNotFound, "not_found")
	other := e.asCorrespondent(t, "13", models.LevelDepartmental)
	requireProblem(t, other.get(t, "/api/v1/applications/"+a.ID+"/attachments/rib"), http.StatusNotFound, "not_found")
}
