package api_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// awaitingConvention stores a retained dossier and its convention awaiting signature.
func (e *testEnv) awaitingConvention(t *testing.T) (*models.Application, *models.Convention) {
	t.Helper()
	return e.seedReportConvention(t, models.ConventionAwaitingSignature)
}

// acceptSignature makes the dossier's workflow complete the signature Update once, for signer only.
func (e *testEnv) acceptSignature(workflowID, signer string) {
	handle := &mocks.WorkflowUpdateHandle{}
	handle.On("Get", mock.Anything, mock.Anything).Return(nil).Once()
	e.temporal.On("UpdateWorkflow", mock.Anything, mock.MatchedBy(func(o client.UpdateWorkflowOptions) bool {
		return o.WorkflowID == workflowID && o.UpdateName == workflows.UpdateSignConvention &&
			len(o.Args) == 1 && o.Args[0].(workflows.Signature).SignedBy == signer
	})).Return(handle, nil).Once()
}

// updates counts the Updates sent to Temporal.
func (e *testEnv) updates() int {
	n := 0
	for _, c := range e.temporal.Calls {
		if c.Method == "UpdateWorkflow" {
			n++
		}
	}
	return n
}

func (e *testEnv) auditCount(t *testing.T, action string) int64 {
	t.Helper()
	var n int64
	require.NoError(t, e.db.Model(&models.AuditEntry{}).Where("action = ?", action).Count(&n).Error)
	return n
}

func TestSignatureWithAControlCharacterIsRefusedThenACleanOneIsRecorded(t *testing.T) {
	for _, poison := range []struct{ name, signer string }{
		{"NUL", "Marie Curie\x00, présidente"},
		{"C1 U+0085", "Marie Curie\u0085"},
		{"a newline (not a long text)", "Marie Curie\nprésidente"},
	} {
		t.Run(poison.name, func(t *testing.T) {
			e := newEnv(t)
			app, conv := e.awaitingConvention(t)
			path := "/api/v1/conventions/" + conv.ID + "/signature"

			rec := e.do(t, http.MethodPost, path, body{"signed_by": poison.signer}.json(t))

			requireFields(t, rec, fieldRule{"signed_by", "control_character"})
			assert.Zero(t, e.updates(), "nothing sent to the dossier's workflow")
			assert.Zero(t, e.auditCount(t, "signature_recorded"), "nothing recorded")

			e.acceptSignature(app.WorkflowID, "Marie Curie, présidente")
			ok := e.do(t, http.MethodPost, path, body{"signed_by": "Marie Curie, présidente"}.json(t))
			require.Equal(t, http.StatusOK, ok.Code, ok.Body.String())
			assert.Equal(t, 1, e.updates(), "the clean signature reaches the workflow")
		})
	}
}

func TestSignatureThroughTheLinkWithNULIsRefusedThenACleanOneIsRecorded(t *testing.T) {
	e := newEnv(t)
	app, conv := e.awaitingConvention(t)
	path := e.link(t, auth.LinkSign, conv.ID, fixedNow.Add(time.Hour))

	rec := e.postForm(t, path, url.Values{"signed_by": {"Marie Curie\x00"}})

	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	page := rec.Body.String()
	assert.Contains(t, rec.Header().Get("Content-Type"), "text/html")
	assert.Contains(t, page, "Nom et qualité du signataire : caractère de contrôle interdit (U&#43;0000, 12e caractère)")
	assert.Contains(t, page, `id="erreur-signed_by"`)
	assert.Contains(t, page, `aria-describedby="erreur-signed_by"`, "the error is tied to its field")
	assert.Contains(t, page, conv.Reference, "the convention's page comes back to be corrected")
	assert.Zero(t, e.updates(), "nothing sent to the dossier's workflow")
	assert.Zero(t, e.auditCount(t, "signature_recorded"))

	e.acceptSignature(app.WorkflowID, "Marie Curie, présidente")
	ok := e.postForm(t, path, url.Values{"signed_by": {"Marie Curie, présidente"}})
	require.Equal(t, http.StatusOK, ok.Code, ok.Body.String())
	assert.Contains(t, ok.Body.String(), "la signature de la convention est enregistrée")
}

func TestPoisonedLinkTokenIsA422Page(t *testing.T) {
	e := newEnv(t)
	for _, path := range []string{"/liens/abc%00def", "/liens/%C2%85", "/liens/%FF"} {
		rec := e.anonymous().get(t, path)
		require.Equal(t, http.StatusUnprocessableEntity, rec.Code, path)
		assert.Contains(t, rec.Body.String(), "Lien invalide")
	}
}

func TestPoisonedParametersAreRefusedNot500(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		path  string
		field fieldRule
	}{
		{"/api/v1/campaigns/%00", fieldRule{"id", "control_character"}},
		{"/api/v1/campaigns/%C2%9F", fieldRule{"id", "control_character"}},
		{"/api/v1/campaigns/%FF", fieldRule{"id", "invalid_utf8"}},
		{"/api/v1/emails?purpose=%00", fieldRule{"purpose", "control_character"}},
		{"/api/v1/campaigns?territory=69%7F", fieldRule{"territory", "control_character"}},
		{"/api/v1/campaigns?territory=%E9", fieldRule{"territory", "invalid_utf8"}},
	} {
		t.Run(tc.path, func(t *testing.T) {
			requireFields(t, e.get(t, tc.path), tc.field)
		})
	}
	// The door lets clean parameters through.
	assert.Equal(t, http.StatusOK, e.get(t, "/api/v1/emails?purpose=relance").Code)
	requireProblem(t, e.get(t, "/api/v1/campaigns/inconnue"), http.StatusNotFound, "not_found")
}

func TestInvalidUTF8BodyIsRefusedAndNothingStored(t *testing.T) {
	e := newEnv(t)
	raw := validBody().with("title", "Intégration PLACEHOLDER").json(t)
	raw = []byte(strings.Replace(string(raw), "PLACEHOLDER", "\xff\xfe", 1))

	requireFields(t, e.postCampaign(t, raw), fieldRule{"title", "invalid_utf8"})
	assert.Zero(t, e.storedCount(t))
	assert.Empty(t, e.starts(t))
}

func TestControlCharactersInCampaignFieldsAreRefusedWithTheirPath(t *testing.T) {
	e := newEnv(t)
	b := validBody().with("title", "Rhône\ttab").with("indicators", []string{"ok", "bénéficiaires\u0000"})
	requireFields(t, e.postCampaign(t, b.json(t)),
		fieldRule{"title", "control_character"}, fieldRule{"indicators[1]", "control_character"})
	assert.Zero(t, e.storedCount(t))
}

func TestLongTextsKeepTheirNewlinesAndTabs(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	agir := "Actions complémentaires de l'accompagnement AGIR :\n\t- langue ;\r\n\t- emploi."
	created := e.createCampaign(t, validBody().with("agir_articulation", agir).json(t))
	assert.Equal(t, agir, created["agir_articulation"])

	// A dossier's description, filed in an open call.
	c := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished,
		publishAt: fixedNow.Add(-24 * time.Hour), closeAt: fixedNow.Add(30 * 24 * time.Hour)})
	description := "Ateliers de français :\n\t- deux séances par semaine ;\r\n\t- un accompagnement vers l'emploi."
	app := body{
		"association": map[string]any{"siret": "73282932000074", "name": "Accueil Rhône",
			"email": "contact@accueil-rhone.example.org", "cer_signed": true},
		"project": map[string]any{"title": "Ateliers sociolinguistiques", "theme": "langue", "description": description,
			"requested_eur": 5000, "total_budget_eur": 30000, "beneficiaries": map[string]any{"bpi": 20, "non_bpi": 40}},
	}
	rec := e.do(t, http.MethodPost, "/api/v1/campaigns/"+c.ID+"/applications", app.json(t))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var stored models.Application
	require.NoError(t, e.db.Where("campaign_id = ?", c.ID).First(&stored).Error)
	assert.Equal(t, description, stored.Description)

	// The same description with a NUL is refused, named by its path.
	app["project"].(map[string]any)["description"] = "Ateliers\x00"
	app["project"].(map[string]any)["title"] = "Autre projet"
	requireFields(t, e.do(t, http.MethodPost, "/api/v1/campaigns/"+c.ID+"/applications", app.json(t)),
		fieldRule{"project.description", "control_character"})
}

// Defence in depth: a signature the database refuses for good behind the door
// (the dossier's workflow answers its Update with InvalidData) is a 422, not a
// 500; a unique key taken is a 409.
func TestSignatureRefusedByTheDatabaseIsA422(t *testing.T) {
	for _, tc := range []struct {
		errType string
		status  int
		code    string
	}{
		{workflows.ErrTypeInvalidData, http.StatusUnprocessableEntity, "record_refused"},
		{workflows.ErrTypeDuplicate, http.StatusConflict, "already_recorded"},
	} {
		t.Run(tc.errType, func(t *testing.T) {
			e := newEnv(t)
			_, conv := e.awaitingConvention(t)
			handle := &mocks.WorkflowUpdateHandle{}
			handle.On("Get", mock.Anything, mock.Anything).
				Return(temporal.NewNonRetryableApplicationError("SQLSTATE 22021", tc.errType, nil)).Once()
			e.temporal.On("UpdateWorkflow", mock.Anything, mock.Anything).Return(handle, nil).Once()

			rec := e.do(t, http.MethodPost, "/api/v1/conventions/"+conv.ID+"/signature", body{"signed_by": "Marie Curie"}.json(t))

			requireProblem(t, rec, tc.status, tc.code)
			assert.Zero(t, e.auditCount(t, "signature_recorded"))
		})
	}
}

func TestIdempotencyKeyWithInvalidUTF8IsRefused(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()

	requireFields(t, e.postCampaign(t, validBody().json(t), "Idempotency-Key", "rhone-\xff"),
		fieldRule{"Idempotency-Key", "invalid_utf8"})
	assert.Zero(t, e.storedCount(t), "nothing stored")

	e.createCampaign(t, validBody().json(t), "Idempotency-Key", "rhône-2027-1")
}

func TestPNEImportRefusesPoisonedCellsLineByLine(t *testing.T) {
	e := newEnv(t, withNow(time.Date(2027, time.April, 10, 12, 0, 0, 0, time.UTC)))
	e.seedPNE(t)
	req := httptest.NewRequest(http.MethodPost, "/api/v1/pne/2027/responses",
		strings.NewReader("token;email\nt2\x00;\n;caf\xe9@example.org\nt3;\n"))
	req.Header.Set("Content-Type", "text/csv")
	req.Header.Set("Authorization", "Bearer "+e.bearer)
	rec := httptest.NewRecorder()
	e.router.ServeHTTP(rec, req)

	requireFields(t, rec, fieldRule{"line 2", "control_character"}, fieldRule{"line 3", "invalid_utf8"})
	var answered int64
	require.NoError(t, e.db.Model(&models.PNEStructure{}).Where("year = 2027 AND answered_at IS NOT NULL").Count(&answered).Error)
	assert.EqualValues(t, 1, answered, "only the seeded answer: nothing recorded")
}

func TestDashboardFormsAndPagesRefusePoisonedInput(t *testing.T) {
	e := newEnv(t)

	dev := func(agent string) *httptest.ResponseRecorder {
		return e.postRaw(t, "/connexion/dev", withCSRF(url.Values{"agent": {agent}}, e.anonymous().get(t, "/connexion").Body.String()))
	}
	rec := dev("1\x00")
	require.Equal(t, http.StatusUnprocessableEntity, rec.Code, rec.Body.String())
	assert.Contains(t, rec.Header().Get("Content-Type"), "text/html")
	assert.Contains(t, rec.Body.String(), "agent : caractère de contrôle interdit")
	assert.Contains(t, rec.Body.String(), "<h1>Connexion</h1>", "the sign-in page comes back")
	assert.Empty(t, rec.Result().Cookies(), "no session opened")

	page := e.anonymous().get(t, "/campagnes/%00")
	require.Equal(t, http.StatusUnprocessableEntity, page.Code)
	assert.Contains(t, page.Body.String(), "caractère de contrôle interdit")

	a, err := auth.AddAgent(t.Context(), store.NewAgents(e.db), auth.NewAgent{Email: "dian@interieur.gouv.fr", Role: auth.RoleDIAN})
	require.NoError(t, err)
	ok := dev(strconv.FormatUint(a.ID, 10))
	assert.Equal(t, http.StatusSeeOther, ok.Code, "the clean choice opens the session")
}

// The writes the issue found answering 500 for a NUL, each with real records:
// every one is a 422 naming its field by its JSON path, and nothing reaches Temporal.
func TestEveryWriteRefusesANULNamingItsField(t *testing.T) {
	e := newEnv(t)
	open := e.seedCampaign(t, seed{year: 2027, territory: "69", phase: models.PhasePublished,
		publishAt: fixedNow.Add(-24 * time.Hour), closeAt: fixedNow.Add(30 * 24 * time.Hour)})
	signed := e.seedConvention(t, models.LevelDepartmental, "69", models.ConventionSigned, "CONV-NUL-1", 1_000_000)
	_, awaiting := e.awaitingConvention(t)
	auditRows := func() int64 {
		var n int64
		require.NoError(t, e.db.Model(&models.AuditEntry{}).Count(&n).Error)
		return n
	}
	before := auditRows()
	for _, tc := range []struct {
		path, body, field string
	}{
		{"/api/v1/campaigns", `{"title": "Rhône\u0000"}`, "title"},
		{"/api/v1/campaigns", `{"agir_articulation": "AGIR\n\u0000"}`, "agir_articulation"},
		{"/api/v1/campaigns/" + open.ID + "/applications", `{"project": {"title": "Ateliers\u0000"}}`, "project.title"},
		{"/api/v1/campaigns/" + open.ID + "/applications", `{"association": {"name": "Accueil\u0000"}}`, "association.name"},
		{"/api/v1/ctai", `{"collectivite": {"name": "Lyon\u0000"}}`, "collectivite.name"},
		{"/api/v1/conventions/" + signed + "/doubts", `{"kind": "x", "note": "doute\u0000"}`, "note"},
		{"/api/v1/controls", `{"controller": "Inspecteur\u0000"}`, "controller"},
		{"/api/v1/campaigns/" + open.ID + "/cancel", `{"reason": "Enveloppe redéployée\u0000"}`, "reason"},
		{"/api/v1/conventions/" + awaiting.ID + "/signature", `{"signed_by": "Marie\u0000"}`, "signed_by"},
		{"/api/v1/campaigns/" + open.ID + "/selection", `{"decisions": [{}, {}, {"reason": "non\u0000"}]}`, "decisions[2].reason"},
	} {
		t.Run(tc.field, func(t *testing.T) {
			requireFields(t, e.do(t, http.MethodPost, tc.path, []byte(tc.body)), fieldRule{tc.field, "control_character"})
		})
	}
	assert.Empty(t, e.temporal.Calls, "nothing reached Temporal")
	assert.Equal(t, before, auditRows(), "nothing recorded")
}
