package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// agentAudit is the audit trail of one agent's row, oldest first.
func (e *testEnv) agentAudit(t *testing.T, id uint64) []models.AuditEntry {
	t.Helper()
	var out []models.AuditEntry
	require.NoError(t, e.db.Where("entity = ? AND entity_id = ?", store.AuditAgent, strconv.FormatUint(id, 10)).Order("id").Find(&out).Error)
	return out
}

func TestDIANAddsAnAgentThroughThePage(t *testing.T) {
	e := newEnv(t)
	dian := e.sessionOf(t, auth.NewAgent{Email: "chef-bureau@interieur.gouv.fr", Name: "Cheffe de bureau", Role: auth.RoleDIAN})
	agents := store.NewAgents(e.db)
	count := func() int {
		all, err := agents.List(t.Context())
		require.NoError(t, err)
		return len(all)
	}
	before := count()

	page := dian.get(t, "/agents")
	require.Equal(t, http.StatusOK, page.Code, page.Body.String())
	assert.Contains(t, text(page), "chef-bureau@interieur.gouv.fr")
	assert.Contains(t, text(page), `<a class="fr-link" href="/agents">Agents</a>`, "DIAN's navigation names the page")

	// Refused: every field's rule, in French under its field, nothing stored.
	refused := dian.submit(t, "/agents", "/agents", url.Values{"email": {"pas-une-adresse"}, "name": {strings.Repeat("é", 201)},
		"role": {auth.RoleCorrespondent}, "territory": {"999"}})
	require.Equal(t, http.StatusUnprocessableEntity, refused.Code)
	body := refused.Body.String()
	assert.Equal(t, "adresse électronique invalide (exemple : prenom.nom@interieur.gouv.fr)", errorOf(body, "email"))
	assert.Equal(t, "le nom compte au plus 200 caractères", errorOf(body, "name"))
	assert.Equal(t, "« 999 » : aucune région ni aucun département n'a ce code INSEE", errorOf(body, "territory"))
	assert.Contains(t, body, `value="pas-une-adresse"`, "the typed values are kept")
	assert.Equal(t, before, count(), "nothing stored")

	// A correspondent needs a territory; DIAN has none.
	noArea := dian.submit(t, "/agents", "/agents", url.Values{"email": {"ddets-38@isere.gouv.fr"}, "role": {auth.RoleCorrespondent}})
	require.Equal(t, http.StatusUnprocessableEntity, noArea.Code)
	assert.Contains(t, errorOf(noArea.Body.String(), "territory"), "un correspondant a un territoire")
	dianArea := dian.submit(t, "/agents", "/agents", url.Values{"email": {"dian-2@interieur.gouv.fr"}, "role": {auth.RoleDIAN}, "territory": {"69"}})
	require.Equal(t, http.StatusUnprocessableEntity, dianArea.Code)
	assert.Contains(t, errorOf(dianArea.Body.String(), "territory"), "un agent de la DIAN n'a ni territoire ni niveau")

	// Accepted at the limits: a 200-character name; then listed, audited under the signed-in agent.
	added := dian.submit(t, "/agents", "/agents", url.Values{"email": {"  DDETS-38@Isere.gouv.fr "}, "name": {strings.Repeat("é", 200)},
		"role": {auth.RoleCorrespondent}, "territory": {"38"}})
	require.Equal(t, http.StatusSeeOther, added.Code, added.Body.String())
	a, err := agents.ByEmail(t.Context(), "ddets-38@isere.gouv.fr")
	require.NoError(t, err)
	assert.Equal(t, models.LevelDepartmental, a.Level)
	assert.True(t, a.Active)
	assert.Equal(t, "/agents?ajoute="+strconv.FormatUint(a.ID, 10), added.Header().Get("Location"))
	listed := text(dian.get(t, added.Header().Get("Location")))
	assert.Contains(t, listed, "Agent ajouté : ddets-38@isere.gouv.fr peut se connecter avec ProConnect.")
	assert.Contains(t, listed, "Isère (38)")
	trail := e.agentAudit(t, a.ID)
	require.Len(t, trail, 1)
	assert.Equal(t, "created", trail[0].Action)
	assert.Equal(t, "Cheffe de bureau", trail[0].Actor, "the acting agent")

	// The same email again: refused under the field.
	again := dian.submit(t, "/agents", "/agents", url.Values{"email": {"ddets-38@isere.gouv.fr"}, "role": {auth.RoleCorrespondent}, "territory": {"38"}})
	require.Equal(t, http.StatusUnprocessableEntity, again.Code)
	assert.Equal(t, "un agent a déjà cette adresse électronique", errorOf(again.Body.String(), "email"))

	// Without its CSRF token, or with another agent's: refused, nothing stored.
	form := url.Values{"email": {"sans-jeton@interieur.gouv.fr"}, "role": {auth.RoleDIAN}}
	assert.Equal(t, http.StatusForbidden, dian.post(t, "/agents", form).Code)
	other := e.signInDIAN(t)
	form.Set("csrf", other.csrfOf(t, "/agents", "/agents"))
	assert.Equal(t, http.StatusForbidden, dian.post(t, "/agents", form).Code, "a token shown to another agent")
	_, err = agents.ByEmail(t.Context(), "sans-jeton@interieur.gouv.fr")
	assert.ErrorIs(t, err, store.ErrNotFound)
}

func TestDIANDisablesAnAgentAfterConfirmingAndItsSessionEnds(t *testing.T) {
	e := newEnv(t)
	dian := e.sessionOf(t, auth.NewAgent{Email: "chef-bureau@interieur.gouv.fr", Name: "Cheffe de bureau", Role: auth.RoleDIAN})
	rhone := e.sessionOf(t, auth.NewAgent{Email: "ddets-69@rhone.gouv.fr", Name: "DDETS du Rhône", Role: auth.RoleCorrespondent, Territory: "69"})
	agents := store.NewAgents(e.db)
	target, err := agents.ByEmail(t.Context(), "ddets-69@rhone.gouv.fr")
	require.NoError(t, err)
	me, err := agents.ByEmail(t.Context(), "chef-bureau@interieur.gouv.fr")
	require.NoError(t, err)
	path := "/agents/" + strconv.FormatUint(target.ID, 10) + "/desactivation"
	require.Equal(t, http.StatusOK, rhone.get(t, "/").Code, "signed in before")

	confirm := dian.get(t, path)
	require.Equal(t, http.StatusOK, confirm.Code)
	assert.Contains(t, text(confirm), "ses sessions ouvertes sont fermées aussitôt")
	assert.Contains(t, text(confirm), "Confirmer la désactivation")
	assert.Contains(t, dian.get(t, "/agents").Body.String(), `href="`+path+`"`, "the list links the confirmation")
	assert.Equal(t, http.StatusForbidden, dian.post(t, path, url.Values{}).Code, "without its CSRF token")
	still, err := agents.Get(t.Context(), target.ID)
	require.NoError(t, err)
	require.True(t, still.Active, "nothing done without the token")

	done := dian.submit(t, path, path, url.Values{})
	require.Equal(t, http.StatusSeeOther, done.Code, done.Body.String())
	assert.Contains(t, text(dian.get(t, done.Header().Get("Location"))), "Agent désactivé : ddets-69@rhone.gouv.fr ne peut plus se connecter")
	disabled, err := agents.Get(t.Context(), target.ID)
	require.NoError(t, err)
	assert.False(t, disabled.Active)
	ended := rhone.get(t, "/")
	assert.Equal(t, http.StatusSeeOther, ended.Code, "its session ends at once")
	assert.Equal(t, "/connexion", ended.Header().Get("Location"))
	trail := e.agentAudit(t, target.ID)
	require.NotEmpty(t, trail)
	assert.Equal(t, "disabled", trail[len(trail)-1].Action)
	assert.Equal(t, "Cheffe de bureau", trail[len(trail)-1].Actor)
	assert.Contains(t, text(dian.get(t, path)), "Cet agent est déjà désactivé")

	// DIAN cannot disable itself (it would lock itself out), nor an unknown agent.
	self := "/agents/" + strconv.FormatUint(me.ID, 10) + "/desactivation"
	assert.NotContains(t, text(dian.get(t, self)), "Confirmer la désactivation")
	// The page offers no form; a token made for that path is refused all the same.
	token, err := web.AgentFormToken(e.links, auth.PrincipalOfAgent(me), self, fixedNow)
	require.NoError(t, err)
	refused := dian.post(t, self, url.Values{"csrf": {token}})
	assert.Equal(t, http.StatusConflict, refused.Code)
	assert.Contains(t, text(refused), "Vous ne pouvez pas désactiver votre propre accès")
	mine, err := agents.Get(t.Context(), me.ID)
	require.NoError(t, err)
	assert.True(t, mine.Active)
	assert.Equal(t, http.StatusNotFound, dian.get(t, "/agents/999999/desactivation").Code)
	assert.Equal(t, http.StatusNotFound, dian.get(t, "/agents/abc/desactivation").Code)
}

func TestOnlyDIANManagesTheAgents(t *testing.T) {
	e := newEnv(t)
	dian := e.signInDIAN(t)
	token := dian.csrfOf(t, "/agents", "/agents")
	for _, who := range []agentSession{e.signInCorrespondent(t, "69", models.LevelDepartmental), e.signInCorrespondent(t, "84", models.LevelRegional)} {
		assert.Equal(t, http.StatusForbidden, who.get(t, "/agents").Code)
		assert.NotContains(t, who.get(t, "/").Body.String(), `href="/agents"`, "not in a correspondent's navigation")
		rec := who.post(t, "/agents", url.Values{"csrf": {token}, "email": {"intrus@interieur.gouv.fr"}, "role": {auth.RoleDIAN}})
		assert.Equal(t, http.StatusForbidden, rec.Code)
		assert.Equal(t, http.StatusForbidden, who.get(t, "/agents/1/desactivation").Code)
		assert.Equal(t, http.StatusForbidden, who.post(t, "/agents/1/desactivation", url.Values{"csrf": {token}}).Code)
	}
	_, err := store.NewAgents(e.db).ByEmail(t.Context(), "intrus@interieur.gouv.fr")
	assert.ErrorIs(t, err, store.ErrNotFound)
}
