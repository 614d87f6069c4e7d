package api_test

import (
	"html"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// agent is a signed-in person of the dashboard: their session cookie.
type agent struct {
	e      *testEnv
	cookie string
	name   string
}

// signIn adds an active agent n and opens its session, as a sign-in does.
func (e *testEnv) signIn(t *testing.T, n auth.NewAgent) agent {
	t.Helper()
	return agent{e: e, cookie: e.agentSession(t, n), name: n.Name}
}

func (e *testEnv) correspondentSession(t *testing.T, territory, level string) agent {
	return e.signIn(t, auth.NewAgent{Email: "ddets-" + uuid.NewString()[:8] + "@interieur.gouv.fr", Name: "DDETS " + territory,
		Role: auth.RoleCorrespondent, Territory: territory, Level: level})
}

// get reads a page.
func (a agent) get(t *testing.T, path string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, path, nil)
	req.Header.Set("Cookie", a.cookie)
	rec := httptest.NewRecorder()
	a.e.router.ServeHTTP(rec, req)
	return rec
}

// post sends a form, with the CSRF token of the page at path unless form carries one.
func (a agent) post(t *testing.T, path string, form url.Values) *httptest.ResponseRecorder {
	t.Helper()
	if _, ok := form[web.CSRFField]; !ok {
		page := a.get(t, path)
		require.Equal(t, http.StatusOK, page.Code, page.Body.String())
		form.Set(web.CSRFField, csrfOf(t, page.Body.String()))
	}
	req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Cookie", a.cookie)
	rec := httptest.NewRecorder()
	a.e.router.ServeHTTP(rec, req)
	return rec
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// signOutForm is the header's sign-out form, whose CSRF token is bound to the session.
var signOutForm = regexp.MustCompile(`(?s)<form method="post" action="/deconnexion".*?</form>`)

// withoutSignOut is page without the header's sign-out form: the page's own forms.
func withoutSignOut(page string) string { return signOutForm.ReplaceAllString(page, "") }

func csrfOf(t *testing.T, page string) string {
	t.Helper()
	m := csrfPattern.FindStringSubmatch(signOutForm.ReplaceAllString(page, "")) // the header's sign-out has its own
	require.NotNil(t, m, "the form carries its CSRF token")
	return m[1]
}

// errorOf is the message shown under the field id (its error element, tied by aria-describedby), as text.
func errorOf(page, id string) string {
	m := regexp.MustCompile(`id="` + regexp.QuoteMeta(id) + `-erreur"[^>]*>([^<]*)<`).FindStringSubmatch(page)
	if m == nil {
		return ""
	}
	return html.UnescapeString(m[1])
}

// callForm is a call every rule accepts at fixedNow, as the form sends it (Paris times, French euros).
func callForm() url.Values {
	return url.Values{
		"title": {"Intégration des primo-arrivants dans le Rhône"}, "year": {"2027"}, "budget_eur": {"12 500,50"},
		"themes": {"langue", "emploi"}, "publish_at": {"2027-03-31T23:59:59"}, "close_at": {"2027-05-31T18:00"},
		"agir_articulation": {"Actions complémentaires de l'accompagnement AGIR."}, "indicateurs": {"nombre de bénéficiaires\nheures de formation"},
		"criteres": {"assiduité"}, "contact_email": {"ddets-integration@rhone.gouv.fr"},
	}
}

func TestAgentCreatesACallThroughTheForm(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	a := e.correspondentSession(t, "69", models.LevelDepartmental)

	form := a.get(t, web.PathNewCall)
	require.Equal(t, http.StatusOK, form.Code)
	assert.Contains(t, form.Header().Get("Content-Security-Policy"), "frame-ancestors 'none'")
	assert.Contains(t, form.Body.String(), "Rhône (69)</strong> (le vôtre)", "a correspondent creates its own territory's calls")

	// Refused: every broken rule next to its field, nothing stored. The publication one
	// second past the 31st of March (Paris) is refused; the last second of that day is accepted below.
	bad := callForm()
	bad.Set("title", "Ab")
	bad.Set("budget_eur", "douze mille")
	bad.Del("themes")
	bad.Set("publish_at", "2027-04-01T00:00")
	bad.Set("indicateurs", " \n ")
	rec := a.post(t, web.PathNewCall, bad)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	page := rec.Body.String()
	assert.Equal(t, "au moins 5 caractères", errorOf(page, "title"))
	assert.Contains(t, errorOf(page, "budget_eur"), "montant en euros")
	assert.Equal(t, "au moins une thématique", errorOf(page, "themes"))
	assert.Contains(t, errorOf(page, "publish_at"), "au plus tard le 31 mars 2027")
	assert.Contains(t, errorOf(page, "indicators"), "liste obligatoire")
	assert.Contains(t, page, `aria-describedby="title-aide title-erreur" aria-invalid="true"`)
	assert.Contains(t, page, `value="Ab"`, "the typed values come back")
	assert.Zero(t, e.storedCount(t), "nothing stored on a refusal")

	// A date the form cannot read is refused by the form itself, with its field.
	bad = callForm()
	bad.Set("close_at", "31/05/2027")
	rec = a.post(t, web.PathNewCall, bad)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, errorOf(rec.Body.String(), "close_at"), "date et heure attendues")
	assert.Zero(t, e.storedCount(t))

	// Without its CSRF token, refused and nothing stored.
	noToken := callForm()
	noToken.Set(web.CSRFField, "forged")
	rec = a.post(t, web.PathNewCall, noToken)
	require.Equal(t, http.StatusForbidden, rec.Code)
	assert.Contains(t, rec.Body.String(), "Ce formulaire a expiré ou ne vient pas de ce site")
	assert.Zero(t, e.storedCount(t))

	rec = a.post(t, web.PathNewCall, callForm())
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	loc := rec.Header().Get("Location")
	require.Regexp(t, `^/campagnes/[0-9a-f-]{36}\?cree=1$`, loc)
	id := strings.TrimSuffix(strings.TrimPrefix(loc, "/campagnes/"), "?cree=1")
	c, err := e.campaigns.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, models.LevelDepartmental, c.Level)
	assert.Equal(t, "69", c.Territory)
	assert.Equal(t, int64(1_250_050), c.BudgetCents, "euros typed the French way, stored as cents")
	assert.Equal(t, time.Date(2027, 3, 31, 21, 59, 59, 0, time.UTC), c.PublishAt.UTC(), "Paris time")
	assert.Equal(t, []string{"nombre de bénéficiaires", "heures de formation"}, c.Indicators)
	entries, _, err := store.NewAudit(e.db).List(t.Context(), store.AuditFilter{Entity: store.AuditCampaign, EntityID: id, Limit: 5})
	require.NoError(t, err)
	require.Len(t, entries, 1)
	assert.Equal(t, a.name, entries[0].Actor, "audited under the signed-in person, as the API does")
	assert.NotNil(t, entries[0].AgentID, "the agent's ID is recorded")
	assert.Nil(t, entries[0].TokenID, "no token acted")

	list := a.get(t, web.PathCalls)
	require.Equal(t, http.StatusOK, list.Code)
	assert.Contains(t, list.Body.String(), `href="/campagnes/`+id+`"`)
	assert.Equal(t, 1, strings.Count(list.Body.String(), `<a href="/campagnes/`), "its calls only")
}

func TestAgentFormsAnswerOutsideTheTerritoryAsUnknown(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	e.historyUnreadable()
	mine := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseClosed})
	other := e.seedCampaign(t, seed{year: 2027, territory: "13", phase: models.PhaseClosed})
	app := e.seedApplication(t, other, "langue", 500_000)
	a := e.correspondentSession(t, "69", models.LevelDepartmental)

	// A call of 13 cannot be created by the Rhône's correspondent: its own territory is imposed.
	other13 := callForm()
	other13.Set("level", models.LevelDepartmental)
	other13.Set("territory", "13")
	rec := a.post(t, web.PathNewCall, other13)
	require.Equal(t, http.StatusSeeOther, rec.Code)
	created, err := e.campaigns.Get(t.Context(), strings.TrimSuffix(strings.TrimPrefix(rec.Header().Get("Location"), "/campagnes/"), "?cree=1"))
	require.NoError(t, err)
	assert.Equal(t, "69", created.Territory, "the posted territory is not the correspondent's to choose")

	for _, path := range []string{"/campagnes/" + other.ID, "/campagnes/" + other.ID + "/selection", "/campagnes/" + other.ID + "/annulation",
		"/dossiers/" + app.Reference} {
		unknown := strings.Replace(strings.Replace(path, other.ID, uuid.NewString(), 1), app.Reference, "AAP-2027-13-9999", 1)
		got, want := a.get(t, path), a.get(t, unknown)
		assert.Equal(t, http.StatusNotFound, got.Code, path)
		assert.Equal(t, want.Code, got.Code, path)
		assert.Equal(t, messageOf(want.Body.String()), messageOf(got.Body.String()), "%s answers as an unknown one", path)
	}
	rec = a.post(t, "/campagnes/"+other.ID+"/annulation", url.Values{"reason": {"Plus de crédits cette année."}, web.CSRFField: {"x"}})
	assert.Equal(t, http.StatusForbidden, rec.Code, "no token for another path: refused before anything")
	require.Equal(t, http.StatusOK, a.get(t, "/campagnes/"+mine.ID+"/annulation").Code)
	// A region's correspondent reads its departments' calls but does not run them.
	region := e.correspondentSession(t, "84", models.LevelRegional)
	assert.Equal(t, http.StatusOK, region.get(t, "/campagnes/"+mine.ID).Code)
	assert.Equal(t, http.StatusNotFound, region.get(t, "/campagnes/"+mine.ID+"/selection").Code)
}

// messageOf is the French message of an error page.
func messageOf(page string) string {
	m := regexp.MustCompile(`(?s)<main.*</main>`).FindString(page)
	return m
}

// historyUnreadable makes every workflow history unreadable (the call's page shows the database's events).
func (e *testEnv) historyUnreadable() {
	it := &mocks.HistoryEventIterator{}
	it.On("HasNext").Return(true)
	it.On("Next").Return(nil, assert.AnError)
	e.temporal.On("GetWorkflowHistory", mock.Anything, mock.Anything, "", false, mock.Anything).Return(it).Maybe()
}

// seedApplication files a dossier in c straight into the database, with its workflow recorded as started.
func (e *testEnv) seedApplication(t *testing.T, c *models.Campaign, theme string, requested int64) *models.Application {
	t.Helper()
	id := uuid.NewString()
	a := &models.Application{ID: id, CampaignID: c.ID, WorkflowID: workflows.ApplicationWorkflowID(c.WorkflowID, id), Year: c.Year,
		AssociationKey: "rna:W" + id[:9], AssociationName: "Association " + theme, AssociationEmail: theme + "@asso.example.org",
		Title: "Projet " + theme, TitleKey: "projet " + theme + id, Theme: theme, RequestedCents: requested,
		TotalBudgetCents: requested * 2, BeneficiariesNonBPI: 10, BeneficiariesBPI: 5, Description: "Description du projet " + theme,
		State: models.ApplicationUnderReview, CERSigned: true}
	require.NoError(t, e.db.Create(a).Error)
	return a
}

func TestCallPageListsItsDossiersWithFiltersFlagsEmailsAndAPlainTimeline(t *testing.T) {
	e := newEnv(t)
	e.historyUnreadable()
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseClosed})
	langue := e.seedApplication(t, c, "langue", 500_000)
	emploi := e.seedApplication(t, c, "emploi", 300_000)
	sante := e.seedApplication(t, c, "sante", 200_000)
	require.NoError(t, e.db.Model(langue).Update("double_funding_with", `["AAP-2027-13-0001"]`).Error)
	require.NoError(t, e.db.Model(emploi).Update("agir_redundant", true).Error)
	require.NoError(t, e.db.Create(&models.RenewalBlock{ApplicationID: sante.ID, AssociationKey: sante.AssociationKey,
		Rule: models.BlockFinancialReport, Source: "convention:x", Reason: "Compte rendu financier 2026 non reçu.", Lift: "Envoyez-le."}).Error)
	sent := fixedNow.Add(-time.Hour)
	require.NoError(t, e.db.Create(&models.Email{Key: langue.WorkflowID + "/application-received/porteur", Purpose: "application_received",
		CampaignID: c.ID, Recipient: "langue@asso.example.org", Subject: "Accusé de réception : dossier " + langue.Reference,
		State: models.EmailSent, SentAt: &sent}).Error)
	a := e.correspondentSession(t, "69", models.LevelDepartmental)

	rec := a.get(t, "/campagnes/"+c.ID)
	require.Equal(t, http.StatusOK, rec.Code)
	page := rec.Body.String()
	for _, app := range []*models.Application{langue, emploi, sante} {
		assert.Contains(t, page, `href="/dossiers/`+app.Reference+`"`)
	}
	assert.Contains(t, page, web.FlagDoubleFunding)
	assert.Contains(t, page, web.FlagAGIR)
	assert.Contains(t, page, web.FlagRenewalBlocked)
	assert.Contains(t, page, "Accusé de réception : dossier "+langue.Reference, "the emails sent about the call")
	assert.Contains(t, page, "Accusé de réception du dossier "+langue.Reference+" envoyé.", "the timeline names the email for what it is")
	for _, engine := range []string{"Workflow", "workflow", "Commande acceptée", "(base)", "/timeline", "JSON"} {
		assert.NotContains(t, page, engine)
	}
	assert.Contains(t, page, `href="/campagnes/`+c.ID+`/selection"`, "the call is closed: its selection is due")

	rec = a.get(t, "/campagnes/"+c.ID+"?theme=emploi")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), `href="/dossiers/`+emploi.Reference+`"`)
	assert.NotContains(t, rec.Body.String(), `href="/dossiers/`+langue.Reference+`"`)
	rec = a.get(t, "/campagnes/"+c.ID+"?etat="+models.ApplicationRetained)
	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Body.String(), "Aucun dossier ne correspond au filtre.")
	rec = a.get(t, "/campagnes/"+c.ID+"?etat=perdu")
	assert.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, rec.Body.String(), "État inconnu")

	rec = a.get(t, "/dossiers/"+langue.Reference)
	require.Equal(t, http.StatusOK, rec.Code)
	page = rec.Body.String()
	assert.Contains(t, page, "Description du projet langue")
	assert.Contains(t, page, "Aucune pièce jointe")
	assert.Contains(t, page, "Courriel « Accusé de réception : dossier "+langue.Reference+" » à langue@asso.example.org : envoyé.")
	assert.Contains(t, page, `href="/dossiers/AAP-2027-13-0001"`, "the other dossier of the double funding")
}

// acceptSelection makes the campaign workflow complete the selection Update once; refusal, when
// not nil, is the workflow's refusal instead.
func (e *testEnv) acceptSelection(workflowID string, refusal error) {
	handle := &mocks.WorkflowUpdateHandle{}
	handle.On("Get", mock.Anything, mock.Anything).Return(refusal).Once()
	e.temporal.On("UpdateWorkflow", mock.Anything, mock.MatchedBy(func(o client.UpdateWorkflowOptions) bool {
		return o.WorkflowID == workflowID && o.UpdateName == workflows.UpdateSelection
	})).Return(handle, nil).Once()
}

// selectionOf is the selection form's fields for decisions, each "decision|amount|score|reason".
func selectionOf(decisions ...string) url.Values {
	v := url.Values{}
	for i, d := range decisions {
		p := strings.Split(d, "|")
		n := "decisions[" + string(rune('0'+i)) + "]."
		v.Set(n+"decision", p[0])
		v.Set(n+"granted_eur", p[1])
		v.Set(n+"score", p[2])
		v.Set(n+"reason", p[3])
	}
	return v
}

func TestSelectionFormChecksEveryRuleWithItsFiguresThenRecordsOnce(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhaseClosed}) // 10 000,00 € envelope
	e.seedApplication(t, c, "langue", 500_000)
	e.seedApplication(t, c, "sante", 500_000)
	a := e.correspondentSession(t, "69", models.LevelDepartmental)
	path := "/campagnes/" + c.ID + "/selection"

	// Both retained: 50 % to employment and language, under the 70 % of §8.1; the refused
	// dossier's missing motivation is shown under its field.
	bad := selectionOf("retenu|5 000|80|", "non_retenu||40|")
	bad.Set("action", "verifier")
	rec := a.post(t, path, bad)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	assert.Contains(t, errorOf(rec.Body.String(), "decisions-1-reason"), "le motif est obligatoire")
	bad = selectionOf("retenu|5 000|80|", "retenu|5000|70|")
	bad.Set("action", "verifier")
	rec = a.post(t, path, bad)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	page := rec.Body.String()
	assert.Contains(t, page, "5\u00a0000,00\u00a0€ sur 10\u00a0000,00\u00a0€ accordés, soit 50,0\u00a0%")
	assert.Contains(t, page, "Non respectée")
	assert.Contains(t, page, "10\u00a0000,00\u00a0€ accordés sur une enveloppe de 10\u00a0000,00\u00a0€")
	assert.Contains(t, errorOf(page, "objectives_justification"), "justification écrite", "§8.1: under the objective, the justification is asked for")
	assert.Zero(t, e.updates(), "a check records nothing")
	// With the justification written, the same selection is accepted (an objective, not a condition).
	bad.Set("objectives_justification", "Besoin de santé non couvert dans le département.")
	rec = a.post(t, path, bad)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Zero(t, e.updates())

	// A score that is not a number is refused by the form, next to its field.
	bad = selectionOf("retenu|5000|quatre-vingts|", "non_retenu|0|40|Hors priorités de l'emploi et de la langue.")
	bad.Set("action", "verifier")
	rec = a.post(t, path, bad)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Equal(t, "Note entière attendue, de 0 à 100", errorOf(rec.Body.String(), "decisions-0-score"))

	good := selectionOf("retenu|5 000,00|80|", "non_retenu||40|Hors priorités de l'emploi et de la langue.")
	good.Set("action", "verifier")
	rec = a.post(t, path, good)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, "a refusal names its signed decision")
	assert.Contains(t, errorOf(rec.Body.String(), "decision_reference"), "voies et délais de recours")
	good.Set("decision_reference", "Arrêté préfectoral n° 69-2027-06-12-004")
	rec = a.post(t, path, good)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Body.String(), "soit 100,0\u00a0%")
	assert.NotContains(t, rec.Body.String(), "Non respectée")
	assert.Zero(t, e.updates())

	e.acceptSelection(c.WorkflowID, nil)
	good.Set("action", "enregistrer")
	rec = a.post(t, path, good)
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	assert.Equal(t, "/campagnes/"+c.ID+"?selection=0", rec.Header().Get("Location"))
	require.Equal(t, 1, e.updates())
	for _, call := range e.temporal.Calls {
		if call.Method == "UpdateWorkflow" {
			u := call.Arguments.Get(1).(client.UpdateWorkflowOptions).Args[0].(workflows.SelectionUpdate)
			assert.Equal(t, a.name, u.Actor.Name, "recorded under the signed-in person")
			draft, err := store.NewApplications(e.db).SelectionDraft(t.Context(), c.ID, u.Draft)
			require.NoError(t, err, "the Update names the draft kept in the database")
			assert.Equal(t, int64(500_000), draft.Decisions[0].GrantedCents, "euros entered, cents recorded")
		}
	}

	// A second « Enregistrer »: one selection wins, the other is told in French.
	e.acceptSelection(c.WorkflowID, temporal.NewNonRetryableApplicationError("déjà enregistrée", workflows.ErrTypeSelectionNotOpen, nil))
	rec = a.post(t, path, good)
	require.Equal(t, http.StatusConflict, rec.Code)
	assert.Contains(t, rec.Body.String(), "La sélection s&#39;enregistre une seule fois")
}

func TestCancelFormNeedsItsReason(t *testing.T) {
	e := newEnv(t)
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished})
	a := e.correspondentSession(t, "69", models.LevelDepartmental)
	path := "/campagnes/" + c.ID + "/annulation"

	rec := a.post(t, path, url.Values{"reason": {"Trop"}}) // 4 characters, one short
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Equal(t, "au moins 5 caractères", errorOf(rec.Body.String(), "reason"))
	assert.Zero(t, e.updates())

	handle := &mocks.WorkflowUpdateHandle{}
	handle.On("Get", mock.Anything, mock.Anything).Return(nil).Once()
	e.temporal.On("UpdateWorkflow", mock.Anything, mock.MatchedBy(func(o client.UpdateWorkflowOptions) bool {
		return o.WorkflowID == c.WorkflowID && o.UpdateName == workflows.UpdateCancelCampaign &&
			o.Args[0].(workflows.Cancellation).Reason == "Crédits gelés" && o.Args[0].(workflows.Cancellation).Actor.Name == a.name
	})).Return(handle, nil).Once()
	rec = a.post(t, path, url.Values{"reason": {"Crédits gelés"}})
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	assert.Equal(t, "/campagnes/"+c.ID+"?annulation=1", rec.Header().Get("Location"))
}

// DIAN chooses the call's level and territory; each is required, under its field.
func TestDIANCreatesACallOfAnyTerritory(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	a := e.signIn(t, auth.NewAgent{Email: "bureau-integration@interieur.gouv.fr", Name: "DIAN — bureau de l'intégration", Role: auth.RoleDIAN})
	form := callForm()
	rec := a.post(t, web.PathNewCall, form)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, errorOf(rec.Body.String(), "level"), "le niveau est obligatoire")
	assert.Zero(t, e.storedCount(t))

	form.Set("level", models.LevelRegional)
	form.Set("territory", "69") // a department, not a region
	rec = a.post(t, web.PathNewCall, form)
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code)
	assert.Contains(t, errorOf(rec.Body.String(), "territory"), "n'est pas un code INSEE de région")

	form.Set("territory", "84")
	rec = a.post(t, web.PathNewCall, form)
	require.Equal(t, http.StatusSeeOther, rec.Code, rec.Body.String())
	_, total, err := e.campaigns.List(t.Context(), store.CampaignFilter{Territory: "84", Limit: 1})
	require.NoError(t, err)
	assert.Equal(t, int64(1), total)
}
