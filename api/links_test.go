package api_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/models"
)

// link signs a link as the emails carry it.
func (e *testEnv) link(t *testing.T, action, item string, expires time.Time) string {
	t.Helper()
	token, err := e.links.Sign(action, item, expires)
	require.NoError(t, err)
	return "/liens/" + token
}

// postForm posts form to a link's page as its form does: with the CSRF token of the page shown first.
func (e *testEnv) postForm(t *testing.T, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	form = withCSRF(form, e.anonymous().get(t, path).Body.String())
	return e.postRaw(t, path, form)
}

var csrfInput = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// withCSRF adds the CSRF token of page's form to form.
func withCSRF(form url.Values, page string) url.Values {
	out := url.Values{}
	for k, v := range form {
		out[k] = v
	}
	if m := csrfInput.FindStringSubmatch(page); m != nil {
		out.Set("csrf", html.UnescapeString(m[1]))
	}
	return out
}

// postRaw posts form as is.
func (e *testEnv) postRaw(t *testing.T, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)
	return rec
}

func TestPNELinkDeclaresOnlyItsStructuresAnswer(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)
	lire, partage := rows[1], rows[2]
	path := e.link(t, auth.LinkPNE, "2027/"+itoa(lire.ID), fixedNow.Add(24*time.Hour))

	page := e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	assert.Contains(t, page.Header().Get("Content-Type"), "text/html")
	assert.Contains(t, page.Body.String(), "Lire ensemble")
	assert.Contains(t, page.Body.String(), `<form method="post">`)
	assert.Contains(t, page.Body.String(), `name="csrf"`)
	assert.NotContains(t, page.Body.String(), "Partage A")
	require.Equal(t, http.StatusForbidden, e.postRaw(t, path, nil).Code, "no CSRF token, nothing done")

	done := e.postForm(t, path, nil)
	require.Equal(t, http.StatusOK, done.Code, done.Body.String())
	assert.Contains(t, done.Body.String(), "votre déclaration de réponse au questionnaire PNE est enregistrée")
	assert.Contains(t, done.Body.String(), "Questionnaire PNE 2026", "the questionnaire sent in 2027 is « PNE 2026 » (§8.4)")

	// §8.4: a declaration, not an answer, until the export or a correspondent confirms it.
	var got []models.PNEStructure
	require.NoError(t, e.db.Where("id IN ?", []uint64{lire.ID, partage.ID}).Order("id").Find(&got).Error)
	assert.NotNil(t, got[0].DeclaredAt, "the link's structure declared")
	assert.Nil(t, got[0].AnsweredAt, "a declaration is not an answer")
	assert.Nil(t, got[1].DeclaredAt, "no other structure changed")
	again := e.anonymous().get(t, path)
	assert.Contains(t, again.Body.String(), "Vous avez déclaré avoir répondu le")
	assert.NotContains(t, again.Body.String(), `<form method="post">`)

	var audit []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND entity_id = ?", "pne_structure", itoa(lire.ID)).Find(&audit).Error)
	require.Len(t, audit, 1)
	assert.Equal(t, "association (lien pne)", audit[0].Actor)
}

func TestTamperedOrExpiredLinksShowNothing(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)
	lire := rows[1]
	valid := e.link(t, auth.LinkPNE, "2027/"+itoa(lire.ID), fixedNow.Add(time.Hour))
	other := e.link(t, auth.LinkPNE, "2027/"+itoa(rows[2].ID), fixedNow.Add(time.Hour))
	body, sig, _ := strings.Cut(strings.TrimPrefix(valid, "/liens/"), ".")
	otherBody, _, _ := strings.Cut(strings.TrimPrefix(other, "/liens/"), ".")
	expired := e.link(t, auth.LinkPNE, "2027/"+itoa(lire.ID), fixedNow.Add(-time.Second))

	for _, tc := range []struct {
		name, path string
		status     int
		message    string
	}{
		{"another item's body with this signature", "/liens/" + otherBody + "." + sig, http.StatusNotFound, "Lien invalide"},
		{"signature cut short", "/liens/" + body + "." + sig[:10], http.StatusNotFound, "Lien invalide"},
		{"no signature", "/liens/" + body, http.StatusNotFound, "Lien invalide"},
		{"random text", "/liens/n-importe-quoi", http.StatusNotFound, "Lien invalide"},
		{"expired", expired, http.StatusGone, "Lien expiré"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, rec := range []*httptest.ResponseRecorder{e.anonymous().get(t, tc.path), e.postForm(t, tc.path, nil)} {
				require.Equal(t, tc.status, rec.Code)
				assert.Contains(t, rec.Body.String(), tc.message)
				assert.NotContains(t, rec.Body.String(), "Lire ensemble")
				assert.NotContains(t, rec.Body.String(), "Partage")
			}
		})
	}
	var row models.PNEStructure
	require.NoError(t, e.db.First(&row, lire.ID).Error)
	assert.Nil(t, row.AnsweredAt, "no refused link changed anything")
	var n int64
	require.NoError(t, e.db.Model(&models.AuditEntry{}).Where("entity <> ?", "token").Count(&n).Error)
	assert.Zero(t, n)
}

func TestSignLinkShowsTheConventionAndRefusesAnEmptySignatory(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69"})
	app := &models.Application{ID: "0193f6b0-1111-7abc-8def-000000000042", CampaignID: c.ID, WorkflowID: c.WorkflowID + "/dossier/x",
		Year: 2027, AssociationKey: "siret:73282932000074", AssociationName: "Accueil Rhône", AssociationEmail: "a@example.org",
		Title: "Ateliers de français", TitleKey: "ateliers de francais", Theme: "langue", State: models.ApplicationRetained}
	require.NoError(t, e.db.Create(app).Error)
	conv := &models.Convention{ID: "0193f6b0-2222-7abc-8def-000000000042", ApplicationID: app.ID, CampaignID: c.ID,
		Reference: "CONV-2027-69-0042", GrantedCents: 1_250_050, State: models.ConventionAwaitingSignature}
	require.NoError(t, e.db.Create(conv).Error)
	path := e.link(t, auth.LinkSign, conv.ID, fixedNow.Add(time.Hour))

	page := e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	assert.Contains(t, page.Body.String(), "CONV-2027-69-0042")
	assert.Contains(t, page.Body.String(), "12\u00a0500,50\u00a0€")
	assert.Contains(t, page.Body.String(), `name="signed_by"`)

	rec := e.postForm(t, path, url.Values{"signed_by": {" "}})
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, rec.Body.String(), "Indiquez le nom et la qualité du signataire")
	assert.Empty(t, e.temporal.Calls, "nothing sent to the dossier's workflow")
}

func itoa(id uint64) string {
	raw, _ := json.Marshal(id)
	return string(raw)
}

// seedDeposited files a dossier in an open call of the Rhône, its receipt not confirmed.
func (e *testEnv) seedDeposited(t *testing.T) *models.Application {
	t.Helper()
	app, conv := e.seedReportConvention(t, models.ConventionSigned)
	require.NoError(t, e.db.Delete(conv).Error)
	require.NoError(t, e.db.Model(app).Updates(map[string]any{"state": models.ApplicationDeposited, "decision": "", "granted_cents": 0}).Error)
	app.State = models.ApplicationDeposited
	return app
}

func TestAcknowledgeLinkConfirmsItsDossierOnce(t *testing.T) {
	e := newEnv(t)
	app, other := e.seedDeposited(t), e.seedDeposited(t)
	path := e.link(t, auth.LinkAcknowledge, app.ID, fixedNow.Add(24*time.Hour))

	page := e.anonymous().get(t, path)
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	assert.Contains(t, page.Body.String(), app.Title)
	assert.NotContains(t, page.Body.String(), other.Title)

	csrf := e.csrfOf(t, path)
	for range 2 { // the second confirmation (a reload) changes nothing
		done := e.postRaw(t, path, url.Values{"csrf": {csrf}})
		require.Equal(t, http.StatusOK, done.Code, done.Body.String())
		assert.Contains(t, done.Body.String(), "Merci : la bonne réception de l&#39;accusé est enregistrée")
	}

	var got []models.Application
	require.NoError(t, e.db.Where("id IN ?", []string{app.ID, other.ID}).Find(&got).Error)
	for _, a := range got {
		if a.ID == app.ID {
			require.NotNil(t, a.ReceiptConfirmedAt, "the link's dossier is confirmed")
			assert.True(t, a.ReceiptConfirmedAt.Equal(fixedNow))
		} else {
			assert.Nil(t, a.ReceiptConfirmedAt, "no other dossier changed")
		}
	}
	var audit []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND entity_id = ? AND action = ?", "application", app.ID, "receipt_acknowledged").Find(&audit).Error)
	require.Len(t, audit, 1, "recorded once")
	assert.Equal(t, "association (lien acknowledge)", audit[0].Actor)
}
