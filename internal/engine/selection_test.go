package engine_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/dian-p104/aap/internal/platform/config"
)

func TestTheCommitteeSelectsAndEveryPorteurIsTold(t *testing.T) {
	dir := t.TempDir()
	carifOref := filepath.Join(dir, "carif-oref.yaml")
	require.NoError(t, os.WriteFile(carifOref, []byte(`"84": carif-oref@via-competences.example.org`+"\n"), 0o644))
	d := startDev(t, dir, func(c *config.Config) { c.CarifOrefFile = carifOref })
	defer d.Stop()

	body := campaignBody(time.Second, 10*time.Second)
	body["themes"] = []string{"langue", "emploi", "sante"}
	_, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", body)
	campaignID := created["id"].(string)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, campaignID))
	}, 30*time.Second, 200*time.Millisecond)

	filing := d.HTTPURL + "/api/v1/campaigns/" + campaignID + "/applications"
	_, langue := do(t, http.MethodPost, filing, applicationBody("Ateliers sociolinguistiques"))
	sante := applicationBody("Accès aux soins des primo-arrivants")
	sante["association"] = map[string]any{"rna": "W691234567", "name": "Santé pour tous", "email": "contact@sante.example.org", "cer_signed": true}
	sante["project"].(map[string]any)["theme"] = "sante"
	sante["project"].(map[string]any)["requested_eur"] = 10000
	_, health := do(t, http.MethodPost, filing, sante)
	langueID, santeID := langue["id"].(string), health["id"].(string)

	selectionURL := d.HTTPURL + "/api/v1/campaigns/" + campaignID + "/selection"
	both := map[string]any{"decisions": []map[string]any{
		{"application_id": langueID, "decision": "retenu", "granted_eur": 15000, "score": 80},
		{"application_id": santeID, "decision": "retenu", "granted_eur": 10000, "score": 70},
	}}
	status, problem := do(t, http.MethodPost, selectionURL, both)
	require.Equal(t, http.StatusConflict, status, "before closure: %v", problem)

	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "closed", campaignState(t, d, campaignID))
	}, 30*time.Second, 200*time.Millisecond)

	// 60 % to employment and language: refused, with the figures, and nothing recorded.
	status, problem = do(t, http.MethodPost, selectionURL+"?dry_run=true", both)
	require.Equal(t, http.StatusUnprocessableEntity, status, "%v", problem)
	require.Equal(t, "employment_language_share", fieldRules(problem)["objectives_justification"])
	status, problem = do(t, http.MethodPost, selectionURL, both)
	require.Equal(t, http.StatusUnprocessableEntity, status, "%v", problem)
	require.Contains(t, problem["error"].(map[string]any)["fields"].([]any)[0].(map[string]any)["message"], "60,0\u00a0%")
	require.Equal(t, "closed", campaignState(t, d, campaignID))

	// §8.1: an objective, not a condition: with a written justification the same selection passes,
	// its deviations measured on the call, the department and the region.
	both["objectives_justification"] = "Besoin de santé mentale non couvert dans le département."
	status, checked := do(t, http.MethodPost, selectionURL+"?dry_run=true", both)
	require.Equal(t, http.StatusOK, status, "%v", checked)
	scopes := map[string]bool{}
	for _, dev := range checked["deviations"].([]any) {
		scopes[dev.(map[string]any)["scope"].(string)] = true
	}
	require.Equal(t, map[string]bool{"call": true, "department": true, "region": true}, scopes)

	chosen := map[string]any{"decisions": []map[string]any{
		{"application_id": langueID, "decision": "retenu", "granted_eur": 15000, "score": 80},
		{"application_id": santeID, "decision": "non_retenu", "score": 40, "reason": "Projet hors des priorités de l'emploi et de la langue."},
	}}
	// A refusal names its signed decision, quoted to the association with the appeal routes.
	status, problem = do(t, http.MethodPost, selectionURL+"?dry_run=true", chosen)
	require.Equal(t, http.StatusUnprocessableEntity, status, "%v", problem)
	require.Equal(t, "required_for_refusal", fieldRules(problem)["decision_reference"])
	chosen["decision_reference"] = "Arrêté préfectoral n° 69-2027-06-12-004"
	status, checked = do(t, http.MethodPost, selectionURL+"?dry_run=true", chosen)
	require.Equal(t, http.StatusOK, status, "%v", checked)
	require.Equal(t, true, checked["dry_run"])
	require.Equal(t, "closed", campaignState(t, d, campaignID), "a dry run records nothing")

	status, recorded := do(t, http.MethodPost, selectionURL, chosen)
	require.Equal(t, http.StatusOK, status, "%v", recorded)
	require.EqualValues(t, 1_500_000, recorded["totals"].(map[string]any)["granted_cents"])
	require.Equal(t, "selected", campaignState(t, d, campaignID))
	status, _ = do(t, http.MethodPost, selectionURL, chosen)
	require.Equal(t, http.StatusConflict, status, "recorded once")

	// Each dossier's workflow records the decision and tells its porteur de projet.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+langueID, nil)
		_, b := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+santeID, nil)
		assert.Equal(c, "retained", a["state"])
		assert.Equal(c, "not_retained", b["state"])
		assert.Equal(c, 2, sentCount(t, d, "purpose=application_decided"))
	}, 30*time.Second, 250*time.Millisecond)
	caught, err := d.Catcher.List()
	require.NoError(t, err)
	subjects := map[string]string{}
	for _, s := range caught {
		if !strings.HasPrefix(s.Subject, "Votre projet") {
			continue
		}
		subjects[s.To[0]] = s.Subject
		if s.To[0] == "contact@sante.example.org" {
			msg, err := d.Catcher.Get(s.ID)
			require.NoError(t, err)
			require.Contains(t, msg.TextBody, "Motif : Projet hors des priorités de l'emploi et de la langue.")
			require.Contains(t, msg.TextBody, "Décision signée : Arrêté préfectoral n° 69-2027-06-12-004")
			for _, route := range []string{"recours gracieux", "recours hiérarchique", "tribunal administratif", "deux mois"} {
				require.Contains(t, msg.TextBody, route)
			}
		}
	}
	require.Regexp(t, `^Votre projet est retenu : dossier AAP-\d{4}-69-\d{4}, Ateliers sociolinguistiques \(appel « .+ »\)$`, subjects["contact@accueil-rhone.example.org"])

	// Temporal's visibility filters dossiers by state too.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		resp, err := d.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: "AapPhase = 'not_retained'",
		})
		if assert.NoError(c, err) && assert.Len(c, resp.Executions, 1) {
			assert.Contains(c, resp.Executions[0].Execution.WorkflowId, "/dossier/"+santeID)
		}
	}, 20*time.Second, 500*time.Millisecond)

	// The region's Carif-Oref gets the funded language action (§4.1.2).
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, 1, sentCount(t, d, "recipient=carif-oref@via-competences.example.org"))
	}, 30*time.Second, 250*time.Millisecond)
	caught, err = d.Catcher.List()
	require.NoError(t, err)
	for _, s := range caught {
		if s.To[0] == "carif-oref@via-competences.example.org" {
			msg, err := d.Catcher.Get(s.ID)
			require.NoError(t, err)
			require.Contains(t, msg.TextBody, "Association Accueil Rhône (SIRET 73282932000074) : « Ateliers sociolinguistiques », 15\u00a0000,00\u00a0€, 60 bénéficiaires attendus")
			require.NotContains(t, msg.TextBody, "Santé pour tous")
		}
	}
	require.Regexp(t, `^Votre projet n'est pas retenu : dossier AAP-\d{4}-69-\d{4}, Accès aux soins des primo-arrivants \(appel « .+ »\)$`, subjects["contact@sante.example.org"])

	// DIAN's view: the call's timeline read from its real history and the database,
	// and the year's overview.
	status, timeline := do(t, http.MethodGet, d.HTTPURL+"/api/v1/campaigns/"+campaignID+"/timeline", nil)
	require.Equal(t, http.StatusOK, status, "%v", timeline)
	require.Equal(t, true, timeline["history"])
	kinds := map[string]int{}
	for _, e := range timeline["events"].([]any) {
		kinds[e.(map[string]any)["kind"].(string)]++
	}
	assert.Equal(t, 1, kinds["workflow_started"])
	assert.Equal(t, 1, kinds["published"])
	assert.Equal(t, 1, kinds["closed"])
	assert.Equal(t, 2, kinds["dossier_filed"])
	assert.Equal(t, 1, kinds["dossier_retained"])
	assert.Equal(t, 1, kinds["update"], "the selection, once: the refused one left no trace")
	assert.GreaterOrEqual(t, kinds["phase"], 3, "published, closed, selected")
	assert.GreaterOrEqual(t, kinds["email_sent"], 5)
	year := fmt.Sprint(created["year"])
	status, ov := do(t, http.MethodGet, d.HTTPURL+"/api/v1/monitoring/overview?year="+year, nil)
	require.Equal(t, http.StatusOK, status, "%v", ov)
	figures := ov["national"].(map[string]any)["figures"].(map[string]any)
	assert.EqualValues(t, 2, figures["dossiers_filed"])
	assert.EqualValues(t, 1, figures["dossiers_retained"])
	assert.EqualValues(t, 1_500_000, figures["granted_cents"])
	assert.EqualValues(t, 25_000_050, figures["envelope_cents"])
}

func TestARetainedDossierGetsItsConventionToSign(t *testing.T) {
	d := startDev(t, t.TempDir())
	defer d.Stop()
	body := campaignBody(0, 6*time.Second)
	year := body["year"].(int)
	_, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", body)
	campaignID := created["id"].(string)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, campaignID))
	}, 30*time.Second, 200*time.Millisecond)
	_, filed := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+campaignID+"/applications", applicationBody("Ateliers sociolinguistiques"))
	appID := filed["id"].(string)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "closed", campaignState(t, d, campaignID))
	}, 30*time.Second, 200*time.Millisecond)
	status, _ := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+campaignID+"/selection", map[string]any{"decisions": []map[string]any{
		{"application_id": appID, "decision": "retenu", "granted_eur": 12500.5, "score": 90,
			"cpo_tranches": []map[string]any{{"year": year, "max_eur": 12500.5}, {"year": year + 1, "max_eur": 13000}}},
	}})
	require.Equal(t, http.StatusOK, status)

	// The convention arrives as a PDF, and the API serves the same document.
	var conventionID string
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+appID+"?live=1", nil)
		conventionID, _ = a["convention_id"].(string)
		assert.Equal(c, "awaiting_signature", a["convention_state"])
		assert.Equal(c, 1, sentCount(t, d, "purpose=convention_to_sign"))
	}, 30*time.Second, 250*time.Millisecond)
	caught, err := d.Catcher.List()
	require.NoError(t, err)
	var toSign string
	for _, s := range caught {
		if strings.HasPrefix(s.Subject, "Convention à signer : dossier AAP-") && strings.Contains(s.Subject, ", Ateliers sociolinguistiques (appel « ") {
			toSign = s.ID
		}
	}
	msg, err := d.Catcher.Get(toSign)
	require.NoError(t, err)
	require.Contains(t, msg.TextBody, "12\u00a0500,50\u00a0€")
	require.Len(t, msg.Attachments, 1)
	require.Equal(t, "application/pdf", msg.Attachments[0].ContentType)
	require.True(t, strings.HasPrefix(string(msg.Attachments[0].Content), "%PDF-"))
	resp := get(t, d.HTTPURL+"/api/v1/conventions/"+conventionID+"/document")
	served, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	require.NoError(t, err)
	require.Equal(t, msg.Attachments[0].Content, served, "the PDF served is the one sent")
	_, conv := do(t, http.MethodGet, d.HTTPURL+"/api/v1/conventions/"+conventionID, nil)
	require.Equal(t, "pluriannuelle", conv["kind"], "a CPO in yearly tranches")
	require.Len(t, conv["tranches"], 2)
	require.Equal(t, "awaiting_signature", conv["state"])

	// Signed once; a second signature is refused.
	signature := d.HTTPURL + "/api/v1/conventions/" + conventionID + "/signature"
	status, problem := do(t, http.MethodPost, signature, map[string]any{"signed_by": " "})
	require.Equal(t, http.StatusUnprocessableEntity, status, "%v", problem)
	status, signed := do(t, http.MethodPost, signature, map[string]any{"signed_by": "Marie Curie, présidente"})
	require.Equal(t, http.StatusOK, status, "%v", signed)
	require.Equal(t, "signed", signed["state"])
	require.Equal(t, "Marie Curie, présidente", signed["signed_by"])
	status, _ = do(t, http.MethodPost, signature, map[string]any{"signed_by": "Marie Curie, présidente"})
	require.Equal(t, http.StatusConflict, status)

	// Both are told; the association gets the compte-rendu financier's due date for its agenda.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, 2, sentCount(t, d, "purpose=convention_signed"))
	}, 30*time.Second, 250*time.Millisecond)
	caught, err = d.Catcher.List()
	require.NoError(t, err)
	confirmed := false
	for _, s := range caught {
		if s.To[0] == "contact@accueil-rhone.example.org" && strings.HasPrefix(s.Subject, "Convention signée") {
			confirmed = true
			signedMsg, err := d.Catcher.Get(s.ID)
			require.NoError(t, err)
			require.Len(t, signedMsg.Attachments, 1)
			require.Equal(t, "compte-rendu-financier.ics", signedMsg.Attachments[0].Filename)
			require.Contains(t, string(signedMsg.Attachments[0].Content), fmt.Sprintf("DTSTART;VALUE=DATE:%d0630", year+1))
		}
	}
	require.True(t, confirmed, "the association's confirmation arrived")

	// The dossier's workflow now awaits the compte-rendu financier; sending it ends the wait.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+appID+"?live=1", nil)
		assert.Equal(c, "awaited", a["financial_report"])
	}, 30*time.Second, 250*time.Millisecond)
	report := d.HTTPURL + "/api/v1/conventions/" + conventionID + "/financial-report"
	status, problem = do(t, http.MethodPost, report, map[string]any{"spent_eur": 15000, "subsidy_used_eur": 12500.5, "document_reference": ""})
	require.Equal(t, http.StatusUnprocessableEntity, status, "%v", problem)
	// A CPO's report names its tranche (§8.4: one compte-rendu financier per exercice).
	status, problem = do(t, http.MethodPost, report, map[string]any{"spent_eur": 15000, "subsidy_used_eur": 12500.5, "document_reference": "CRF-2028-001"})
	require.Equal(t, http.StatusUnprocessableEntity, status, "%v", problem)
	status, got := do(t, http.MethodPost, report, map[string]any{"fiscal_year": year, "spent_eur": 15000, "subsidy_used_eur": 12500.5, "document_reference": "CRF-2028-001"})
	require.Equal(t, http.StatusCreated, status, "%v", got)
	require.Equal(t, "12500.50", got["subsidy_used_eur"])
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+appID+"?live=1", nil)
		assert.Equal(c, "awaited", a["financial_report"], "the second tranche's report is still awaited")
	}, 30*time.Second, 250*time.Millisecond)
	status, got = do(t, http.MethodPost, report, map[string]any{"fiscal_year": year + 1, "spent_eur": 15000, "subsidy_used_eur": 13000, "document_reference": "CRF-2029-001"})
	require.Equal(t, http.StatusCreated, status, "%v", got)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+appID+"?live=1", nil)
		assert.Equal(c, "received", a["financial_report"])
	}, 30*time.Second, 250*time.Millisecond)
}
