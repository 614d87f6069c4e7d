package api_test

import (
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/models"
)

// The audit trail's page: DIAN's only (a correspondent gets a 403), with the
// API's filters; a malformed date is refused next to its field.
func TestAuditPageFiltersTheTrail(t *testing.T) {
	e := newEnv(t)
	rows := e.seedPNE(t)
	lire := "/pne/2027/structures/" + strconv.FormatUint(rows[1].ID, 10)
	rhone := e.signInCorrespondent(t, "69", models.LevelDepartmental)
	require.Equal(t, http.StatusSeeOther, rhone.submit(t, lire, lire, url.Values{"email": {"lire@example.org"}}).Code)
	e.acceptStarts()
	e.createCampaign(t, validBody().json(t))

	dian := e.signInDIAN(t)
	all := dian.get(t, "/journal")
	require.Equal(t, http.StatusOK, all.Code, all.Body.String())
	assert.Contains(t, text(all), "Correspondant 69")
	assert.Contains(t, text(all), "email_corrected")
	assert.Contains(t, text(all), "Appels à projets")

	pne := text(dian.get(t, "/journal?entity=pne_structure"))
	assert.Contains(t, pne, "email_corrected")
	assert.NotContains(t, pne, "<td class=\"text\">Appels à projets</td>", "the other entities are filtered out")
	byActor := text(dian.get(t, "/journal?actor="+url.QueryEscape("Correspondant 69")))
	assert.Contains(t, byActor, "email_corrected")
	assert.Contains(t, text(dian.get(t, "/journal?actor=personne")), "Aucun changement ne correspond à ces filtres.")
	today := time.Now().In(french.Paris).Format(time.DateOnly) // recordAudit dates by the real clock
	assert.Contains(t, text(dian.get(t, "/journal?from="+today+"&to="+today)), "email_corrected", "today's entries")
	assert.Contains(t, text(dian.get(t, "/journal?to=2000-01-01")), "Aucun changement")

	bad := dian.get(t, "/journal?from=31/12/2026")
	require.Equal(t, http.StatusUnprocessableEntity, bad.Code)
	assert.Contains(t, bad.Body.String(), `id="from-erreur"`)
	assert.Contains(t, text(bad), "date attendue au format AAAA-MM-JJ")

	assert.Equal(t, http.StatusForbidden, rhone.get(t, "/journal").Code, "DIAN's page")
	assert.NotContains(t, rhone.get(t, "/pne/2027").Body.String(), `href="/journal"`, "not in a correspondent's navigation")
}
