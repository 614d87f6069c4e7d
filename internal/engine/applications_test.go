package engine_test

import (
	"context"
	"fmt"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func applicationBody(title string) map[string]any {
	return map[string]any{
		"association": map[string]any{
			"siret": "73282932000074", "name": "Association Accueil Rhône",
			"email": "contact@accueil-rhone.example.org", "cer_signed": true,
		},
		"project": map[string]any{
			"title": title, "theme": "langue",
			"description":   "Ateliers sociolinguistiques pour des primo-arrivants signataires du CIR.",
			"requested_eur": 15000, "total_budget_eur": 30000.5,
			"co_financing":   []map[string]any{{"funder": "Métropole de Lyon", "amount_eur": 5000}},
			"beneficiaries":  map[string]any{"bpi": 20, "non_bpi": 40},
			"agir_redundant": false,
		},
	}
}

func TestDossiersAreFiledOnlyWhileTheCallIsOpen(t *testing.T) {
	d := startDev(t, t.TempDir())
	defer d.Stop()

	_, rhone := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", campaignBody(3*time.Second, 14*time.Second))
	campaignID := rhone["id"].(string)
	filing := d.HTTPURL + "/api/v1/campaigns/" + campaignID + "/applications"

	// Before publication: hors délais, whatever the dossier holds.
	status, problem := do(t, http.MethodPost, filing, map[string]any{"garbage": true})
	require.Equal(t, http.StatusConflict, status)
	require.Equal(t, "hors_delais", problem["error"].(map[string]any)["code"])
	require.Contains(t, problem["error"].(map[string]any)["message"], "Dossier déposé hors délais")

	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, campaignID))
	}, 30*time.Second, 200*time.Millisecond)

	// Invalid: every failing field, nothing stored.
	bad := applicationBody("Ateliers sociolinguistiques")
	bad["association"].(map[string]any)["siret"] = "73282932000075"
	bad["association"].(map[string]any)["cer_signed"] = false
	status, problem = do(t, http.MethodPost, filing, bad)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	fields := fieldRules(problem)
	require.Equal(t, "checksum", fields["association.siret"])
	require.Equal(t, "required_true", fields["association.cer_signed"])
	_, list := do(t, http.MethodGet, filing, nil)
	require.EqualValues(t, 0, list["total"])

	// Filed, acknowledged once, and the same dossier filed again is the same dossier.
	status, filed := do(t, http.MethodPost, filing, applicationBody("Ateliers sociolinguistiques"))
	require.Equal(t, http.StatusCreated, status, "%v", filed)
	status, again := do(t, http.MethodPost, filing, applicationBody("  ateliers   SOCIOLINGUISTIQUES "))
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, filed["id"], again["id"])
	require.Equal(t, "1500000", jsonInt(filed["requested_cents"]))
	require.Equal(t, false, filed["double_funding_flag"])

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	caught, err := d.Catcher.WaitFor(ctx, 2) // the correspondent's notice and the accusé de réception
	require.NoError(t, err)
	var ack string
	for _, s := range caught {
		if s.To[0] == "contact@accueil-rhone.example.org" {
			ack = s.ID
		}
	}
	require.NotEmpty(t, ack, "accusé de réception received")
	msg, err := d.Catcher.Get(ack)
	require.NoError(t, err)
	require.Regexp(t, `^Accusé de réception du dossier AAP-\d{4}-69-0001 : Ateliers sociolinguistiques \(appel « .+ »\)$`, msg.Subject)
	require.Contains(t, msg.Header.Get("Reply-To"), "ddets-integration@rhone.gouv.fr")
	require.Contains(t, msg.TextBody, "15\u00a0000,00\u00a0€")

	// Until its call's closure, a filed dossier's workflow is one event on the server and has
	// run nothing: it starts with the closure as its first task's backoff, and the accusé de
	// réception above came from the worker's sender (issue 20: a big intake costs the server
	// one row per dossier).
	events := workflowHistory(t, d, filed["workflow_id"].(string))
	require.Len(t, events, 1, "only WorkflowExecutionStarted before the closure")
	startedAt := events[0].GetEventTime().AsTime()
	backoff := events[0].GetWorkflowExecutionStartedEventAttributes().GetFirstWorkflowTaskBackoff().AsDuration()
	closeAt, err := time.Parse(time.RFC3339, rhone["close_at"].(string))
	require.NoError(t, err)
	require.WithinDuration(t, closeAt, startedAt.Add(backoff), 2*time.Second, "its first task at the closure")
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+filed["id"].(string), nil)
		assert.Equal(c, "sent", a["acknowledgement"])
	}, 10*time.Second, 100*time.Millisecond)

	// The accusé carries the association's personal link: it opens without a token, reaches this
	// dossier, and the confirmation lands in the audit trail; the same link altered shows nothing.
	link := regexp.MustCompile(`http://[^\s]+/liens/[A-Za-z0-9_.-]+`).FindString(msg.TextBody)
	require.True(t, strings.HasPrefix(link, d.HTTPURL+"/liens/"), "link in %q", msg.TextBody)
	page, err := http.Get(link)
	require.NoError(t, err)
	body, _ := io.ReadAll(page.Body)
	page.Body.Close()
	require.Equal(t, http.StatusOK, page.StatusCode)
	require.Contains(t, string(body), "Ateliers sociolinguistiques")
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(string(body))
	require.Len(t, csrf, 2, "the confirmation's form carries its CSRF token")
	done, err := http.PostForm(link, url.Values{"csrf": {html.UnescapeString(csrf[1])}, "action": {"confirmer-adresse"}})
	require.NoError(t, err)
	done.Body.Close()
	require.Equal(t, http.StatusOK, done.StatusCode)
	_, audit := do(t, http.MethodGet, d.HTTPURL+"/api/v1/audit?entity=application&entity_id="+filed["id"].(string), nil)
	require.EqualValues(t, 2, audit["total"], "filed, then its receipt confirmed: %v", audit)
	tampered, err := http.Get(link[:len(link)-2] + "xx")
	require.NoError(t, err)
	tampered.Body.Close()
	require.Equal(t, http.StatusNotFound, tampered.StatusCode)

	// The same project of the same association in a regional call of the same year: flagged on both sides.
	regional := campaignBody(0, 14*time.Second)
	regional["level"], regional["territory"] = "regional", "84"
	_, ara := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", regional)
	status, twin := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+ara["id"].(string)+"/applications", applicationBody("Ateliers sociolinguistiques"))
	require.Equal(t, http.StatusCreated, status, "%v", twin)
	require.Equal(t, true, twin["double_funding_flag"])
	_, first := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+filed["id"].(string), nil)
	require.Equal(t, true, first["double_funding_flag"])
	require.Equal(t, "database", first["state_source"], "reads answer the state recorded, asking no workflow")
	require.NotEmpty(t, first["state_recorded_at"])
	_, live := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+filed["id"].(string)+"?live=1", nil)
	require.Equal(t, "database", live["state_source"], "its workflow has not run yet: the recorded state is the whole state")
	require.Equal(t, "not_started", live["state_fallback"])

	// After the closing date: under review, and late dossiers are refused.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+filed["id"].(string), nil)
		assert.Equal(c, "under_review", a["state"])
	}, 40*time.Second, 250*time.Millisecond)
	_, live = do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+filed["id"].(string)+"?live=1", nil)
	require.Equal(t, "workflow", live["state_source"], "once it runs, ?live=1 asks the dossier's workflow")
	require.Equal(t, "under_review", live["state"])
	status, _ = do(t, http.MethodPost, filing, applicationBody("Un autre projet d'ateliers"))
	require.Equal(t, http.StatusConflict, status)
	_, list = do(t, http.MethodGet, filing+"?state=under_review", nil)
	require.EqualValues(t, 1, list["total"])

	// The correspondent's closure summary counts the dossier and flags the double funding.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, 1, sentCount(t, d, "campaign="+campaignID+"&purpose=campaign_closed"))
	}, 30*time.Second, 250*time.Millisecond)
	summaries, err := d.Catcher.List()
	require.NoError(t, err)
	var summary string
	for _, s := range summaries {
		if strings.HasPrefix(s.Subject, "Appel à projets clos : Intégration des primo-arrivants dans le Rhône (Rhône (69))") {
			summary = s.ID
		}
	}
	msg, err = d.Catcher.Get(summary)
	require.NoError(t, err)
	require.Contains(t, msg.Subject, "1 dossier reçu")
	require.Contains(t, msg.TextBody, "Apprentissage du français : 1 dossier, 15\u00a0000,00\u00a0€ demandés")
	require.Contains(t, msg.TextBody, "risque de double financement")
}

// fieldRules maps each failing field of a 422 to its rule.
func fieldRules(problem map[string]any) map[string]string {
	out := map[string]string{}
	for _, f := range problem["error"].(map[string]any)["fields"].([]any) {
		fe := f.(map[string]any)
		out[fe["field"].(string)] = fe["rule"].(string)
	}
	return out
}

func jsonInt(v any) string {
	return fmt.Sprint(int64(v.(float64)))
}

func TestTheCorrespondentLearnsWhichAssociationCouldNotBeReached(t *testing.T) {
	d := startDev(t, t.TempDir())
	defer d.Stop()
	_, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", campaignBody(0, time.Minute))
	campaignID := created["id"].(string)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	_, err := d.Catcher.WaitFor(ctx, 1) // the publication notice
	require.NoError(t, err)

	d.Catcher.FailNext(1, 550, "5.1.1 mailbox unavailable")
	status, filed := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+campaignID+"/applications", applicationBody("Ateliers sociolinguistiques"))
	require.Equal(t, http.StatusCreated, status, "%v", filed)

	caught, err := d.Catcher.WaitFor(ctx, 2)
	require.NoError(t, err)
	notice, err := d.Catcher.Get(caught[0].ID)
	require.NoError(t, err)
	require.Equal(t, []string{"ddets-integration@rhone.gouv.fr"}, notice.To)
	require.Regexp(t, `^Courriel non remis à Association Accueil Rhône \(accusé de réception, dossier AAP-\d{4}-69-\d{4}\)$`, notice.Subject)
	require.Contains(t, notice.TextBody, "contact@accueil-rhone.example.org")
	require.Contains(t, notice.TextBody, "mailbox unavailable")

	_, emails := do(t, http.MethodGet, d.HTTPURL+"/api/v1/emails?purpose=application_received", nil)
	require.EqualValues(t, 1, emails["total"])
	refused := emails["items"].([]any)[0].(map[string]any)
	require.Equal(t, "failed", refused["state"])
	require.EqualValues(t, 1, refused["attempts"], "a permanent refusal is not retried")
	require.Contains(t, refused["last_error"], "550")
	// Told once (the row is marked sent just after the relay's answer: wait for it).
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, 1, sentCount(t, d, "purpose=email_undeliverable"))
	}, 10*time.Second, 100*time.Millisecond)
	require.Equal(t, 2, d.Catcher.Count())
}
