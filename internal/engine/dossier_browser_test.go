package engine_test

import (
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/engine"
	"github.com/dian-p104/aap/internal/web/browsertest"
)

// repoRoot is the repository's root, from this package's folder.
const repoRoot = "../.."

// The association's address, where its emails go.
const associationEmail = "contact@accueil-rhone.example.org"

// TestAnAssociationFilesAndFollowsItsDossierInChromium: the whole association's side in
// real Chromium on `aap dev` (embedded Temporal, SQLite, the mail catcher). It files a
// dossier through the form (a refused SIRET first, its message next to the field), follows
// the accusé de réception's emailed link to « Mon dossier » and confirms its address; after
// the closure the committee's selection (through the API) sends the convention, whose
// emailed link opens « Mon dossier », where the association accepts it; the signature's
// email links « Mon dossier » again, where it sends the compte-rendu financier with its
// signed Cerfa n° 15059*02 file. The fiscal year end it gave (31 March of next year) sets
// the report's due date (30 September) the pages and the .ics give (§8.4). Each page
// passes axe-core with 0 violations at 1280 and 320 px; screenshots parcours-*-{1280,320}.png
// go to AAP_SCREENSHOT_DIR.
func TestAnAssociationFilesAndFollowsItsDossierInChromium(t *testing.T) {
	node, chromium := browsertest.Tools(t, repoRoot)
	d := startDev(t, t.TempDir())
	defer d.Stop()
	dir := browsertest.ScreenshotDir(t)
	files := journeyFiles(t)

	// A call open now, closing in 3 minutes: time to file through the browser.
	body := campaignBody(0, 3*time.Minute)
	year := body["year"].(int)
	status, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", body)
	require.Equal(t, http.StatusCreated, status, "%v", created)
	campaignID := created["id"].(string)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, campaignID))
	}, time.Minute, 250*time.Millisecond)

	// 1. Filed through the form: the SIRET's wrong key refused, then the dossier filed.
	var filing struct {
		Steps        []browsertest.Result `json:"steps"`
		ErrorText    string               `json:"errorText"`
		Confirmation string               `json:"confirmation"`
	}
	browsertest.Run(t, node, chromium, repoRoot, "filing.mjs", map[string]any{
		"screenshotDir": dir, "formURL": d.HTTPURL + "/appels/" + campaignID + "/deposer", "fields": journeyFiling(year),
		"badFields": map[string]string{"association.siret": "73282932000075"}, "errorID": "association-siret-erreur", "prefix": "parcours-",
		"files": map[string]string{"attachments.statuts": files.pdf, "attachments.budget_previsionnel": files.pdf, "attachments.rib": files.jpeg},
	}, &filing)
	require.Equal(t, "SIRET invalide : la clé de contrôle ne correspond pas", filing.ErrorText)
	require.Contains(t, filing.Confirmation, "Votre dossier est enregistré")
	require.Len(t, filing.Steps, 6, "three steps at 1280 and 320 px")
	wantFiling := map[string]int{"parcours-depot-formulaire": http.StatusOK, "parcours-depot-refuse": http.StatusUnprocessableEntity,
		"parcours-depot-confirmation": http.StatusCreated}
	for _, r := range filing.Steps {
		browsertest.Check(t, r, wantFiling[r.Name])
	}
	_, list := do(t, http.MethodGet, d.HTTPURL+"/api/v1/campaigns/"+campaignID+"/applications", nil)
	items := list["items"].([]any)
	require.Len(t, items, 1, "one dossier, filed after the refusal")
	appID := items[0].(map[string]any)["id"].(string)

	// 2. The accusé de réception's link: « Mon dossier » asks to confirm the address.
	ack := emailedLink(t, d, "Accusé de réception du dossier AAP-")
	texts := followDossier(t, node, chromium, dir, ack, []dossierStep{
		{Name: "parcours-mon-dossier-adresse"},
		{Name: "parcours-mon-dossier-adresse-confirmee", Submit: true},
	})
	require.Contains(t, texts[0], "À faire maintenant : Confirmer votre adresse électronique")
	require.Contains(t, texts[1], "Merci : la bonne réception de l'accusé est enregistrée")

	// 3. After the closure, the committee retains it (through the API): the convention leaves.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "closed", campaignState(t, d, campaignID))
	}, 4*time.Minute, time.Second)
	status, selected := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+campaignID+"/selection", map[string]any{"decisions": []map[string]any{
		{"application_id": appID, "decision": "retenu", "granted_eur": 5000, "score": 80}}})
	require.Equal(t, http.StatusOK, status, "%v", selected)
	var conventionID string
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+appID+"?live=1", nil)
		conventionID, _ = a["convention_id"].(string)
		assert.Equal(c, "awaiting_signature", a["convention_state"])
		assert.Equal(c, 1, sentCount(t, d, "purpose=convention_to_sign"))
	}, time.Minute, 500*time.Millisecond)

	// 4. The convention's emailed link: the association accepts it on « Mon dossier ».
	toSign := emailedLink(t, d, "Convention à signer : dossier AAP-")
	texts = followDossier(t, node, chromium, dir, toSign, []dossierStep{
		{Name: "parcours-mon-dossier-convention"},
		{Name: "parcours-mon-dossier-convention-signee", Fill: map[string]string{"signed_by": "Marie Curie, présidente"}, Submit: true},
	})
	require.Contains(t, texts[0], "À faire maintenant : Accepter la convention")
	require.Contains(t, texts[1], "Merci : la signature de la convention est enregistrée")
	_, conv := do(t, http.MethodGet, d.HTTPURL+"/api/v1/conventions/"+conventionID, nil)
	require.Equal(t, "signed", conv["state"])
	require.Equal(t, "Marie Curie, présidente", conv["signed_by"])
	require.Equal(t, fmt.Sprintf("%d-09-30", year+1), conv["financial_report_due"], "six months after the exercice it gave (§8.4)")

	// 5. The signature's email links « Mon dossier »: the compte-rendu financier and its signed Cerfa.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, 2, sentCount(t, d, "purpose=convention_signed"))
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+appID+"?live=1", nil)
		assert.Equal(c, "awaited", a["financial_report"])
	}, time.Minute, 500*time.Millisecond)
	signed := emailedLink(t, d, "Convention signée")
	texts = followDossier(t, node, chromium, dir, signed, []dossierStep{
		{Name: "parcours-mon-dossier-compte-rendu-financier"},
		{Name: "parcours-mon-dossier-compte-rendu-financier-envoye", Fill: map[string]string{"spent_eur": "6 000", "subsidy_used_eur": "5 000"},
			Files: map[string]string{"cerfa": files.cerfa}, Submit: true},
	})
	require.Contains(t, texts[0], "À faire maintenant : Envoyer le compte-rendu financier")
	require.Contains(t, texts[0], fmt.Sprintf("au plus tard le 30 septembre %d", year+1))
	require.Contains(t, texts[1], "Merci : votre compte-rendu financier et son fichier sont enregistrés")
	require.Contains(t, texts[1], "cerfa-15059.pdf", "the file is among its documents")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+appID+"?live=1", nil)
		assert.Equal(c, "received", a["financial_report"])
	}, time.Minute, 500*time.Millisecond)
	t.Logf("screenshots in %s", dir)
}

// journeyFiling is the whole dossier as the association types it in the form.
func journeyFiling(year int) map[string]string {
	return map[string]string{
		"association.name": "Accueil Rhône", "association.siret": "732 829 320 00074", "association.email": associationEmail,
		"association.legal_representative": "Marie Curie, présidente", "association.cer_signed": "true",
		"project.title": "Ateliers sociolinguistiques", "project.theme": "langue",
		"project.description":       "Ateliers de français pour des signataires du CIR, le soir et le samedi.",
		"project.public":            "Signataires du CIR depuis moins de cinq ans.",
		"project.public_check":      "Copie du CIR demandée à l'inscription.",
		"project.beneficiaries.bpi": "20", "project.beneficiaries.non_bpi": "40",
		"project.total_budget_eur": "30 000", "project.requested_eur": "5 000",
		"project.fiscal_year_end": fmt.Sprintf("%d-03-31", year+1),
	}
}

// journeyFiles are the files the association attaches: statuts and budget (PDF), RIB (JPEG)
// and, later, its signed compte-rendu financier (PDF).
type journeyFileSet struct{ pdf, jpeg, cerfa string }

func journeyFiles(t *testing.T) journeyFileSet {
	t.Helper()
	dir := t.TempDir()
	pdf := []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	jpeg := append([]byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00"), make([]byte, 64)...)
	set := journeyFileSet{pdf: filepath.Join(dir, "statuts.pdf"), jpeg: filepath.Join(dir, "rib.jpg"), cerfa: filepath.Join(dir, "cerfa-15059.pdf")}
	for path, content := range map[string][]byte{set.pdf: pdf, set.jpeg: jpeg, set.cerfa: pdf} {
		require.NoError(t, os.WriteFile(path, content, 0o600))
	}
	return set
}

// emailedLink is the « Mon dossier » link of the association's email whose subject starts so.
func emailedLink(t *testing.T, d *engine.Dev, subject string) string {
	t.Helper()
	var link string
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		caught, err := d.Catcher.List()
		require.NoError(c, err)
		for _, s := range caught {
			if s.To[0] != associationEmail || !strings.HasPrefix(s.Subject, subject) {
				continue
			}
			msg, err := d.Catcher.Get(s.ID)
			require.NoError(c, err)
			link = regexp.MustCompile(`http://[^\s]+/liens/[A-Za-z0-9_.-]+`).FindString(msg.TextBody)
		}
		assert.True(c, strings.HasPrefix(link, d.HTTPURL+"/liens/"), "an email %q with its link", subject)
	}, time.Minute, 500*time.Millisecond)
	return link
}

// dossierStep is one step on « Mon dossier » (internal/web/browsertest/dossier.mjs).
type dossierStep struct {
	Name   string            `json:"name"`
	Fill   map[string]string `json:"fill,omitempty"`
	Files  map[string]string `json:"files,omitempty"`
	Submit bool              `json:"submit,omitempty"`
}

// followDossier opens link in Chromium and takes the steps; each page answers 200 and
// passes the browser check at both widths. It returns <main>'s text after each step.
func followDossier(t *testing.T, node, chromium, dir, link string, steps []dossierStep) []string {
	t.Helper()
	var out struct {
		Steps []browsertest.Result `json:"steps"`
		Texts []string             `json:"texts"`
	}
	browsertest.Run(t, node, chromium, repoRoot, "dossier.mjs", map[string]any{"screenshotDir": dir, "url": link, "steps": steps}, &out)
	require.Len(t, out.Steps, 2*len(steps), "each step at 1280 and 320 px")
	require.Len(t, out.Texts, len(steps))
	for _, r := range out.Steps {
		browsertest.Check(t, r, http.StatusOK)
	}
	return out.Texts
}
