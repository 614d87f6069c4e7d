package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/workflowservice/v1"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/engine"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
)

// devConfig runs every part of `aap dev` on free loopback ports in dir.
func devConfig(dir string) config.Config {
	return config.Config{
		HTTPAddr: "127.0.0.1:0", DataDir: dir, TemporalNamespace: "default",
		SMTP: config.SMTP{Port: 0, TLS: config.TLSNone}, MailFrom: "AAP intégration <no-reply@aap.test>",
		LogFormat: "text",
	}
}

func startDev(t *testing.T, dir string, adjust ...func(*config.Config)) *engine.Dev {
	t.Helper()
	return startDevLogging(t, dir, slog.LevelWarn, adjust...)
}

// startDevLogging is startDev logging from level up (a test expecting thousands of
// warnings, each the behaviour it asserts, keeps its output readable).
func startDevLogging(t *testing.T, dir string, level slog.Level, adjust ...func(*config.Config)) *engine.Dev {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cfg := devConfig(dir)
	for _, f := range adjust {
		f(&cfg)
	}
	d, err := engine.StartDev(ctx, cfg, slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})))
	require.NoError(t, err)
	secret, _, err := auth.Issue(ctx, store.NewTokens(d.DB), auth.NewToken{Name: "DIAN (engine tests)", Role: auth.RoleDIAN}, time.Now())
	require.NoError(t, err)
	devTokens.Store(d.HTTPURL, secret)
	return d
}

// devTokens holds a DIAN token per running engine (by its HTTP URL), sent by do.
var devTokens sync.Map

// authorize adds the bearer token of the engine url belongs to.
func authorize(req *http.Request) {
	devTokens.Range(func(base, secret any) bool {
		if strings.HasPrefix(req.URL.String(), base.(string)+"/") {
			req.Header.Set("Authorization", "Bearer "+secret.(string))
			return false
		}
		return true
	})
}

// get sends an authorized GET.
func get(t *testing.T, url string) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	authorize(req)
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	return resp
}

// campaignBody is a valid campaign of next year, published in `publishIn` and closed in `closeIn`.
func campaignBody(publishIn, closeIn time.Duration) map[string]any {
	now := time.Now()
	return map[string]any{
		"year": policy.DateOf(now).Year + 1, "level": "departmental", "territory": "69",
		"title": "Intégration des primo-arrivants dans le Rhône", "budget_eur": 250000.5,
		"themes": []string{"langue", "emploi"}, "publish_at": now.Add(publishIn).Format(time.RFC3339),
		"close_at":            now.Add(closeIn).Format(time.RFC3339),
		"agir_articulation":   "Actions complémentaires de l'accompagnement AGIR, hors accompagnement global.",
		"indicators":          []string{"nombre de bénéficiaires", "heures de formation"},
		"evaluation_criteria": []string{"assiduité", "progression linguistique"},
		"contact_email":       "ddets-integration@rhone.gouv.fr",
	}
}

func do(t *testing.T, method, url string, body any, headers ...string) (int, map[string]any) {
	t.Helper()
	var reader io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		require.NoError(t, err)
		reader = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, url, reader)
	require.NoError(t, err)
	req.Header.Set("Content-Type", "application/json")
	authorize(req)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func campaignState(t *testing.T, d *engine.Dev, id string) string {
	status, c := do(t, http.MethodGet, d.HTTPURL+"/api/v1/campaigns/"+id, nil)
	require.Equal(t, http.StatusOK, status)
	return fmt.Sprint(c["state"])
}

func TestDevEngineRunsACampaignEndToEnd(t *testing.T) {
	d := startDev(t, t.TempDir())
	defer d.Stop()

	// Refused: nothing stored, nothing started.
	bad := campaignBody(2*time.Second, 8*time.Second)
	bad["territory"], bad["budget_eur"] = "20", 10.555
	status, problem := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", bad)
	require.Equal(t, http.StatusUnprocessableEntity, status)
	require.Contains(t, fmt.Sprint(problem), "territory")
	require.Contains(t, fmt.Sprint(problem), "budget_eur")
	_, list := do(t, http.MethodGet, d.HTTPURL+"/api/v1/campaigns", nil)
	require.EqualValues(t, 0, list["total"])

	// Accepted, and the same request repeated with its Idempotency-Key is one campaign.
	body := campaignBody(2*time.Second, 8*time.Second)
	status, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", body, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusCreated, status, "%v", created)
	id := created["id"].(string)
	require.Equal(t, "scheduled", created["state"])
	require.Equal(t, "25000050", jsonInt(created["budget_cents"]))
	require.True(t, strings.HasPrefix(created["workflow_id"].(string), fmt.Sprintf("aap/%v/dep-69/", body["year"])))
	status, again := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", body, "Idempotency-Key", "k-1")
	require.Equal(t, http.StatusCreated, status)
	require.Equal(t, id, again["id"])

	// Published by the workflow, and the correspondent's notice arrived over SMTP.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, id))
	}, 30*time.Second, 200*time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	caught, err := d.Catcher.WaitFor(ctx, 1)
	require.NoError(t, err)
	require.Len(t, caught, 1)
	msg, err := d.Catcher.Get(caught[0].ID)
	require.NoError(t, err)
	require.Equal(t, []string{"ddets-integration@rhone.gouv.fr"}, msg.To)
	require.Equal(t, "Appel à projets publié : Intégration des primo-arrivants dans le Rhône (Rhône (69))", msg.Subject)
	require.Contains(t, msg.TextBody, "250\u00a0000,50\u00a0€")
	require.Contains(t, msg.HTMLBody, "<strong>« Intégration des primo-arrivants dans le Rhône »</strong>")
	require.Len(t, msg.Attachments, 1)
	require.Equal(t, "cloture.ics", msg.Attachments[0].Filename)
	require.Contains(t, string(msg.Attachments[0].Content), "BEGIN:VEVENT")

	// Closed by the workflow at its date; the list reads the phase from the database.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "closed", campaignState(t, d, id))
	}, 30*time.Second, 200*time.Millisecond)
	_, closed := do(t, http.MethodGet, d.HTTPURL+"/api/v1/campaigns?state=closed&territory=69", nil)
	require.EqualValues(t, 1, closed["total"])

	// Temporal's visibility finds it by its search attributes.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		resp, err := d.Temporal.ListWorkflow(context.Background(), &workflowservice.ListWorkflowExecutionsRequest{
			Query: fmt.Sprintf("AapTerritory = '69' AND AapPhase = 'closed' AND AapYear = %v", body["year"]),
		})
		if assert.NoError(c, err) {
			assert.Len(c, resp.Executions, 1)
		}
	}, 20*time.Second, 500*time.Millisecond)

	// At closure the correspondent gets the summary of the dossiers received.
	caught, err = d.Catcher.WaitFor(ctx, 2)
	require.NoError(t, err)
	require.Equal(t, "Appel à projets clos : Intégration des primo-arrivants dans le Rhône (Rhône (69)), 0 dossier reçu", caught[0].Subject)

	// One campaign, two emails: nothing was sent twice, and the outbox says so.
	require.Equal(t, 2, d.Catcher.Count())
	_, emails := do(t, http.MethodGet, d.HTTPURL+"/api/v1/emails?campaign="+id+"&purpose=campaign_published", nil)
	require.EqualValues(t, 1, emails["total"])
	sent := emails["items"].([]any)[0].(map[string]any)
	require.Equal(t, "sent", sent["state"])
	require.EqualValues(t, 1, sent["attempts"])
	require.Equal(t, "campaign_published", sent["purpose"])
	require.Equal(t, "<"+sent["message_id"].(string)+">", msg.MessageID)
	status, _ = do(t, http.MethodGet, d.HTTPURL+"/readyz", nil)
	require.Equal(t, http.StatusOK, status)
}

func TestDevEngineResumesRunningWorkflowsAfterARestart(t *testing.T) {
	dir := t.TempDir()
	// Like `aap dev`, both runs use the same Temporal port (7233 there).
	port := freePort(t)
	samePort := func(c *config.Config) { c.TemporalPort = port }
	d := startDev(t, dir, samePort)
	status, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", campaignBody(time.Second, 12*time.Second))
	require.Equal(t, http.StatusCreated, status, "%v", created)
	id := created["id"].(string)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, id))
	}, 30*time.Second, 200*time.Millisecond)
	d.Stop()

	d = startDev(t, dir, samePort)
	defer d.Stop()
	require.Equal(t, "published", campaignState(t, d, id))
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "closed", campaignState(t, d, id))
	}, 60*time.Second, 250*time.Millisecond)
	_, err := d.Catcher.WaitFor(context.Background(), 2)
	require.NoError(t, err)
	require.Equal(t, 2, d.Catcher.Count(), "publication notice and closure summary, each once despite the restart")
}

// sentCount counts the outbox's emails matching the query that the relay accepted
// (an outbox row exists from the first attempt, before the relay answers).
func sentCount(t *testing.T, d *engine.Dev, query string) int {
	_, emails := do(t, http.MethodGet, d.HTTPURL+"/api/v1/emails?"+query, nil)
	n := 0
	for _, item := range emails["items"].([]any) {
		if item.(map[string]any)["state"] == "sent" {
			n++
		}
	}
	return n
}

func TestDevEngineReportsAPortInUseAndStopsWhatItStarted(t *testing.T) {
	d := startDev(t, t.TempDir())
	defer d.Stop()
	cfg := devConfig(t.TempDir())
	cfg.HTTPAddr = strings.TrimPrefix(d.HTTPURL, "http://") // taken by the first engine
	_, err := engine.StartDev(context.Background(), cfg, slog.New(slog.DiscardHandler))
	require.ErrorContains(t, err, "AAP_HTTP_ADDR")
}

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
