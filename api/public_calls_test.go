package api_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// seedCall stores a call of 2027 with its own title and dates.
func (e *testEnv) seedCall(t *testing.T, title, territory, level, phase string, publish, closing time.Time) *models.Campaign {
	t.Helper()
	c := e.seedCampaign(t, seed{year: 2027, level: level, territory: territory, phase: phase, publishAt: publish, closeAt: closing})
	c.Title = title
	c.Themes = []string{"langue", "emploi"}
	require.NoError(t, e.db.Model(c).Updates(map[string]any{"title": title, "themes": `["langue","emploi"]`}).Error)
	return c
}

// page GETs a public page (no token) and returns its status and body.
func (e *testEnv) page(t *testing.T, path string) (int, string) {
	t.Helper()
	rec := e.anonymous().do(t, http.MethodGet, path, nil)
	return rec.Code, rec.Body.String()
}

func TestCallsPageListsTheCallsOpenAndSoonByRegionAndDepartment(t *testing.T) {
	e := newEnv(t)
	open := e.seedCall(t, "Ateliers du Rhône", "69", models.LevelDepartmental, models.PhasePublished, fixedNow.Add(-time.Hour), fixedNow.Add(48*time.Hour))
	e.seedCall(t, "Appel régional ARA", "84", models.LevelRegional, models.PhaseScheduled, fixedNow.Add(24*time.Hour), fixedNow.Add(72*time.Hour))
	e.seedCall(t, "Appel de l'Ain", "01", models.LevelDepartmental, models.PhasePublished, fixedNow.Add(-time.Hour), fixedNow.Add(time.Hour))
	e.seedCall(t, "Appel clos des Bouches-du-Rhône", "13", models.LevelDepartmental, models.PhaseClosed, fixedNow.Add(-48*time.Hour), fixedNow.Add(-time.Hour))
	e.seedCall(t, "Appel annulé du Var", "83", models.LevelDepartmental, models.PhaseCancelled, fixedNow.Add(-time.Hour), fixedNow.Add(48*time.Hour))
	// Its closing date passed, the workflow has not recorded it yet: it takes no dossier, so it is not listed.
	e.seedCall(t, "Appel échu de l'Isère", "38", models.LevelDepartmental, models.PhasePublished, fixedNow.Add(-48*time.Hour), fixedNow)

	status, body := e.page(t, "/appels")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, `<html lang="fr"`)
	for _, want := range []string{"Ateliers du Rhône", "Appel régional ARA", "Appel de l&#39;Ain", "Auvergne-Rhône-Alpes", "Rhône (69)", "Ain (01)",
		`href="/appels/` + open.ID + `"`, "Bientôt ouvert", "Ouvert", "Apprentissage du français"} {
		assert.Contains(t, body, want)
	}
	for _, absent := range []string{"Appel clos des Bouches-du-Rhône", "Appel annulé du Var", "Appel échu de l&#39;Isère", "Provence"} {
		assert.NotContains(t, body, absent)
	}
	region, regional, ain, rhone := strings.Index(body, "<h2>Auvergne-Rhône-Alpes</h2>"), strings.Index(body, "Appels de la région"),
		strings.Index(body, "<h3>Ain (01)</h3>"), strings.Index(body, "<h3>Rhône (69)</h3>")
	assert.True(t, region > 0 && region < regional && regional < ain && ain < rhone, "the region, its own calls, then its departments by name")
}

func TestCallsPageWithoutCallsSaysSo(t *testing.T) {
	status, body := newEnv(t).page(t, "/appels")
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "Aucun appel à projets n'est ouvert ni annoncé")
}

func TestCallPageShowsWhatTheCallStatesAndTheFilingButtonWhileOpen(t *testing.T) {
	e := newEnv(t)
	closing := time.Date(2027, 5, 31, 16, 0, 0, 0, time.UTC)
	c := e.seedCall(t, "Ateliers du Rhône", "69", models.LevelDepartmental, models.PhasePublished, fixedNow.Add(-time.Hour), closing)

	status, body := e.page(t, "/appels/"+c.ID)
	require.Equal(t, http.StatusOK, status)
	for _, want := range []string{"<h1>Ateliers du Rhône</h1>", "Rhône (69)", "10\u00a0000,00\u00a0€", "Apprentissage du français", "Insertion professionnelle",
		"31 mai 2027 à 18 h 00 (heure de Paris)", "29 novembre 2026 à 10 h 00", "Articulation AGIR.", "bénéficiaires", "assiduité",
		"mailto:contact@example.gouv.fr", `href="/appels/` + c.ID + `/deposer"`, "Déposer un dossier", `fr-breadcrumb`} {
		assert.Contains(t, body, want)
	}
}

func TestCallPageSaysClosedAtTheClosingInstantAndOpenJustBefore(t *testing.T) {
	closing := fixedNow.Add(time.Hour)
	for _, tc := range []struct {
		now  time.Time
		open bool
	}{{closing.Add(-time.Second), true}, {closing, false}} {
		e := newEnv(t, withNow(tc.now))
		c := e.seedCall(t, "Ateliers du Rhône", "69", models.LevelDepartmental, models.PhasePublished, fixedNow.Add(-time.Hour), closing)
		status, body := e.page(t, "/appels/"+c.ID)
		require.Equal(t, http.StatusOK, status)
		assert.Equal(t, tc.open, strings.Contains(body, "Déposer un dossier"), "at %s", tc.now)
		assert.Equal(t, !tc.open, strings.Contains(body, "est clos depuis le 29 novembre 2026 à 12 h 00"), "at %s", tc.now)
	}
}

func TestCallPageOfASoonOpenCallGivesItsDatesWithoutTheButton(t *testing.T) {
	e := newEnv(t)
	c := e.seedCall(t, "Appel régional ARA", "84", models.LevelRegional, models.PhaseScheduled, fixedNow.Add(24*time.Hour), fixedNow.Add(72*time.Hour))
	_, body := e.page(t, "/appels/"+c.ID)
	assert.Contains(t, body, "Bientôt ouvert")
	assert.Contains(t, body, "Dépôt des dossiers du 30 novembre 2026 à 11 h 00 au 2 décembre 2026 à 11 h 00")
	assert.Contains(t, body, "Auvergne-Rhône-Alpes (région 84)")
	assert.NotContains(t, body, "Déposer un dossier")
}

func TestCallPageOfACancelledCallSaysWhy(t *testing.T) {
	e := newEnv(t)
	c := e.seedCall(t, "Appel annulé du Var", "83", models.LevelDepartmental, models.PhaseCancelled, fixedNow.Add(-time.Hour), fixedNow.Add(48*time.Hour))
	require.NoError(t, e.db.Model(c).Update("cancel_reason", "Crédits gelés par la loi de finances rectificative.").Error)
	_, body := e.page(t, "/appels/"+c.ID)
	assert.Contains(t, body, "Annulé")
	assert.Contains(t, body, "Motif : Crédits gelés par la loi de finances rectificative.")
	assert.NotContains(t, body, "Déposer un dossier")
}

func TestCallPageOfAnUnknownCallIsAFrench404(t *testing.T) {
	e := newEnv(t)
	for _, id := range []string{"7b0c9e2e-5f7a-4a51-9d64-1c3f0f4b8a11", "n-importe-quoi"} {
		status, body := e.page(t, "/appels/"+id)
		assert.Equal(t, http.StatusNotFound, status, id)
		assert.Contains(t, body, "Appel à projets introuvable", id)
		assert.Contains(t, body, `<main id="contenu"`, id)
	}
}
