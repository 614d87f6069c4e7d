package api_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// TestFilingOnlineInChromium: the public calls' pages pass axe at 1280 and 320 px, and an
// association files a dossier through the form in real Chromium: a SIRET with a wrong key
// is refused with its message next to the field (nothing stored), then the corrected
// dossier is filed with its attachments and confirmed; each step passes axe at both widths.
// Screenshots go to AAP_SCREENSHOT_DIR (appels-*, appel-public-*, depot-*).
func TestFilingOnlineInChromium(t *testing.T) {
	node, chromium := browserTools(t)
	e := newEnv(t)
	e.acceptStarts()
	srv := httptest.NewServer(e.router)
	defer srv.Close()
	c := e.filingCall(t, fixedNow)
	e.seedCall(t, "Appel régional ARA", "84", models.LevelRegional, models.PhaseScheduled, fixedNow.Add(24*time.Hour), fixedNow.Add(72*time.Hour))
	closed := e.seedCall(t, "Appel clos des Bouches-du-Rhône", "13", models.LevelDepartmental, models.PhaseClosed, fixedNow.Add(-48*time.Hour), fixedNow.Add(-time.Hour))
	dir := screenshotDir(t)

	pages := []browserPage{
		{Name: "appels", URL: srv.URL + "/appels"},
		{Name: "appel-public", URL: srv.URL + "/appels/" + c.ID},
		{Name: "appel-public-clos", URL: srv.URL + "/appels/" + closed.ID},
		{Name: "appel-public-introuvable", URL: srv.URL + "/appels/inconnu"},
	}
	var results []browserResult
	runNode(t, node, chromium, "axe.mjs", map[string]any{"screenshotDir": dir, "pages": pages}, &results)
	require.Len(t, results, 2*len(pages))
	for _, r := range results {
		want := http.StatusOK
		if r.Name == "appel-public-introuvable" {
			want = http.StatusNotFound
		}
		checkBrowserResult(t, r, want)
	}

	pdf := filepath.Join(t.TempDir(), "statuts.pdf")
	require.NoError(t, os.WriteFile(pdf, pdfBytes, 0o600))
	jpeg := filepath.Join(t.TempDir(), "rib.jpg")
	require.NoError(t, os.WriteFile(jpeg, jpegBytes, 0o600))
	fields := validFiling()
	delete(fields, "project.co_financing[1].funder")
	delete(fields, "project.co_financing[1].amount_eur")
	fields["project.co_financing[0].funder"], fields["project.co_financing[0].amount_eur"] = "Métropole de Lyon", "5 000"
	var flow struct {
		Steps             []browserResult `json:"steps"`
		ErrorText         string          `json:"errorText"`
		ErrorFieldInvalid string          `json:"errorFieldInvalid"`
		Confirmation      string          `json:"confirmation"`
	}
	runNode(t, node, chromium, "filing.mjs", map[string]any{
		"screenshotDir": dir, "formURL": srv.URL + "/appels/" + c.ID + "/deposer", "fields": fields,
		"badFields": map[string]string{"association.siret": "73282932000075"}, "errorID": "association-siret-erreur",
		"files": map[string]string{"attachments.statuts": pdf, "attachments.budget_previsionnel": pdf, "attachments.rib": jpeg},
	}, &flow)
	assert.Equal(t, "SIRET invalide : la clé de contrôle ne correspond pas", flow.ErrorText, "the refused field's message, next to it")
	assert.Equal(t, "true", flow.ErrorFieldInvalid)
	assert.Contains(t, flow.Confirmation, "Votre dossier est enregistré")
	require.Len(t, flow.Steps, 6, "three steps at 1280 and 320 px")
	want := map[string]int{"depot-formulaire": http.StatusOK, "depot-refuse": http.StatusUnprocessableEntity, "depot-confirmation": http.StatusCreated}
	for _, r := range flow.Steps {
		checkBrowserResult(t, r, want[r.Name])
	}

	var a models.Application
	require.NoError(t, e.db.Take(&a).Error, "one dossier, filed after the refusal")
	assert.Equal(t, "73282932000074", a.SIRET)
	assert.Contains(t, flow.Confirmation, a.Reference)
	apps, atts := e.stored(t)
	assert.Equal(t, int64(1), apps)
	assert.Equal(t, int64(3), atts)
	t.Logf("screenshots in %s", dir)
}
