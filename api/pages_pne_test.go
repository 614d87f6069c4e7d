package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// structureEmail is a structure's stored address.
func (e *testEnv) structureEmail(t *testing.T, id uint64) string {
	t.Helper()
	var row models.PNEStructure
	require.NoError(t, e.db.Where("id = ?", id).Take(&row).Error)
	return row.Email
}

// The year's list shows each structure and what to fix; a correspondent sees its territory's only.
func TestPNEPageListsTheStructuresToFix(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)

	dian := e.signInDIAN(t)
	rec := dian.get(t, "/pne/2027")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	page := text(rec)
	for _, want := range []string{"PNE 2026 (envoyé en 2027) : structures interrogées", "Accueil Rhône", "Lire ensemble", "Partage A", "Partage B",
		"Aucune adresse électronique : la structure ne recevra pas le questionnaire.", "une adresse unique par structure est attendue",
		"25 %", `href="/pne/2027/structures/` + strconv.FormatUint(rows[1].ID, 10) + `"`} {
		assert.Contains(t, page, want)
	}

	region := e.signInCorrespondent(t, "84", models.LevelRegional)
	page = text(region.get(t, "/pne/2027"))
	assert.Contains(t, page, "Lire ensemble")
	assert.NotContains(t, page, "Partage A", "Bretagne's structures are not Auvergne-Rhône-Alpes's")

	redirect := dian.get(t, "/pne?annee=2026")
	assert.Equal(t, http.StatusSeeOther, redirect.Code)
	assert.Equal(t, "/pne/2026", redirect.Header().Get("Location"))
	assert.Equal(t, http.StatusNotFound, dian.get(t, "/pne/prochaine").Code)
	assert.Equal(t, http.StatusNotFound, dian.get(t, "/pne/2020").Code, "no PNE before the first policy")
	anonymous := e.anonymous().do(t, http.MethodGet, "/pne/2027", nil)
	assert.Equal(t, http.StatusSeeOther, anonymous.Code, "the sign-in first")
}

// A department's correspondent corrects an address of its department through
// the API's rules (format, one address per structure), audited as itself; a
// refused address changes nothing and comes back next to its field.
func TestPNEPageCorrectsAnAddress(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)
	lire := rows[1]
	path := "/pne/2027/structures/" + strconv.FormatUint(lire.ID, 10)
	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)

	bad := rhone.submit(t, path, path, url.Values{"email": {"pas-une-adresse"}})
	require.Equal(t, http.StatusUnprocessableEntity, bad.Code, bad.Body.String())
	assert.Contains(t, bad.Body.String(), `aria-invalid="true"`)
	assert.Contains(t, bad.Body.String(), `id="email-erreur"`)
	assert.Contains(t, text(bad), `value="pas-une-adresse"`, "the typed address comes back to be corrected")
	assert.Empty(t, e.structureEmail(t, lire.ID), "nothing recorded")

	taken := rhone.submit(t, path, path, url.Values{"email": {"PNE@accueil.example"}})
	require.Equal(t, http.StatusUnprocessableEntity, taken.Code)
	assert.Contains(t, text(taken), "adresse déjà celle de Accueil Rhône : une adresse unique par structure est attendue")
	assert.Empty(t, e.structureEmail(t, lire.ID))

	noToken := rhone.post(t, path, url.Values{"email": {"lire@example.org"}})
	assert.Equal(t, http.StatusForbidden, noToken.Code, "no CSRF token: refused")
	forged := rhone.post(t, path, url.Values{"email": {"lire@example.org"}, "csrf": {"forged"}})
	assert.Equal(t, http.StatusForbidden, forged.Code)
	assert.Empty(t, e.structureEmail(t, lire.ID))

	ok := rhone.submit(t, path, path, url.Values{"email": {" lire@example.org "}})
	require.Equal(t, http.StatusSeeOther, ok.Code, ok.Body.String())
	assert.Equal(t, "lire@example.org", e.structureEmail(t, lire.ID))
	after := rhone.get(t, ok.Header().Get("Location"))
	assert.Contains(t, text(after), "L'adresse est corrigée")
	entries, _, err := store.NewAudit(e.db).List(t.Context(), store.AuditFilter{Entity: "pne_structure", Limit: 10})
	require.NoError(t, err)
	require.NotEmpty(t, entries)
	assert.Equal(t, "Correspondant 69", entries[0].Actor, "the signed-in agent is the audit's actor")
	assert.Equal(t, "email_corrected", entries[0].Action)
}

// A region's correspondent reads its structures but corrects none (403, as the
// API); a structure outside the agent's territory is a 404, as an unknown one.
func TestPNEPageAccessFollowsTheAPIsRules(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)
	lire, partage := rows[1], rows[2]
	lirePath := "/pne/2027/structures/" + strconv.FormatUint(lire.ID, 10)
	partagePath := "/pne/2027/structures/" + strconv.FormatUint(partage.ID, 10)

	region := e.signInCorrespondent(t, "84", models.LevelRegional)
	read := region.get(t, lirePath)
	require.Equal(t, http.StatusOK, read.Code)
	assert.NotContains(t, withoutSignOut(read.Body.String()), `name="csrf"`, "no form for a region's correspondent")
	assert.Contains(t, text(read), "corrigée par le correspondant de son département ou par la DIAN")
	dianToken := e.signInDIAN(t).csrfOf(t, lirePath, lirePath)
	refused := region.post(t, lirePath, url.Values{"email": {"lire@example.org"}, "csrf": {dianToken}})
	assert.Equal(t, http.StatusForbidden, refused.Code)
	assert.Equal(t, http.StatusNotFound, region.get(t, partagePath).Code, "Bretagne's structure")

	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)
	stolen := rhone.post(t, lirePath, url.Values{"email": {"lire@example.org"}, "csrf": {dianToken}})
	assert.Equal(t, http.StatusForbidden, stolen.Code, "another agent's token is refused")
	isere := e.signInCorrespondent(t, "38", models.LevelDepartmental)
	assert.Equal(t, http.StatusNotFound, isere.get(t, lirePath).Code)
	assert.Equal(t, http.StatusNotFound, isere.post(t, lirePath, url.Values{"email": {"lire@example.org"}}).Code,
		"outside the territory: 404 before anything else")
	assert.Equal(t, http.StatusNotFound, rhone.get(t, "/pne/2027/structures/999999").Code)
	assert.Empty(t, e.structureEmail(t, lire.ID))
}
