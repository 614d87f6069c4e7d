package topologytest

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/operatorservice/v1"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"

	"github.com/dian-p104/aap/workflows"
)

const (
	namespace = "aap-topology"
	dossiers  = 12
	// emailStartToClose is the email activities' StartToCloseTimeout (workflows/email.go):
	// without heartbeats, a killed worker's email would wait that long before its retry.
	emailStartToClose = 3 * time.Minute
)

// The production topology, attacked: a Temporal server v1.32 built from go.mod on
// PostgreSQL (a bare cluster, its schemas set up by its SQL tool), `aap migrate`, `aap api`,
// two `aap worker` and a real SMTP receiver. Dossiers are filed through the HTTP API;
// one worker is SIGKILLed while it is sending emails; every email still leaves exactly
// once, the killed worker's within seconds, and every workflow completes.
func TestProductionTopology(t *testing.T) {
	pg := openPostgres(t)
	begin := time.Now()
	bins := buildBinaries(t)
	frontend := startTemporal(t, bins, pg)
	appDB := pg.createDatabase(t, "app")
	r := newRelay()
	env := []string{
		"AAP_DATABASE_URL=" + pg.urlOf(appDB), "AAP_TEMPORAL_ADDRESS=" + frontend,
		"AAP_TEMPORAL_NAMESPACE=" + namespace, "AAP_TEMPORAL_RETENTION=24h",
		"AAP_LINK_SECRET=" + randomHex(32), "AAP_SMTP_HOST=127.0.0.1", "AAP_SMTP_TLS=none",
		"AAP_RATE_LIMIT=0", "AAP_LOG_FORMAT=json", "AAP_DATA_DIR=" + t.TempDir(),
		// aap api needs an identity provider; it reads its discovery document only at the first sign-in.
		"AAP_OIDC_ISSUER=http://127.0.0.1:1", "AAP_OIDC_CLIENT_ID=aap", "AAP_OIDC_CLIENT_SECRET=secret",
		"AAP_OIDC_REDIRECT_URL=http://127.0.0.1:8080/connexion/retour",
	}

	// aap migrate on a bare cluster: the schema, the namespace, its search attributes.
	run(t, "aap migrate", bins.aap, env, "migrate")
	tc, err := client.Dial(client.Options{HostPort: frontend, Namespace: namespace})
	require.NoError(t, err)
	t.Cleanup(tc.Close)
	requireNamespaceReady(t, tc)

	token := strings.TrimSpace(lastLine(run(t, "aap token create", bins.aap, env,
		"token", "create", "--role", "correspondent", "--territory", "69", "--name", "DDETS du Rhône")))
	api := startAPI(t, bins, env, namespace)
	requireReadiness(t, api, http.StatusOK, "ok")
	wrong := startAPI(t, bins, env, "aap-absent")
	requireReadiness(t, wrong, http.StatusServiceUnavailable, "not_found")
	wrong.proc.stop()

	workers := map[string]*process{"A": startWorker(t, bins, env, r, "A"), "B": startWorker(t, bins, env, r, "B")}
	t.Logf("topology up in %s", time.Since(begin).Round(time.Second))

	c := &apiClient{t: t, base: api.url, token: token}
	campaign := c.createCampaign(time.Now().Add(2*time.Second), time.Now().Add(40*time.Second))
	c.waitCampaignState(campaign, "published", time.Minute)

	// The first worker to send holds every email it sends from now on; it dies mid-send.
	r.holdFirst()
	apps := c.fileDossiers(campaign, dossiers)
	select {
	case <-r.heldOne:
	case <-time.After(time.Minute):
		t.Fatal("no worker sent an email in a minute: nothing to kill one in the middle of")
	}
	time.Sleep(time.Second) // let it take a few more
	victim := r.holder()
	workers[victim].kill(t)
	killedAt := time.Now()
	r.releaseHeld()
	held := r.heldIDs()
	t.Logf("worker %s killed holding %d emails", victim, len(held))

	// The other worker sends what the dead one held, well before the StartToCloseTimeout would have let it.
	waitFor(t, 2*time.Minute, "the emails the dead worker held sent by the other, and every accusé de réception", func() bool {
		return acceptedAll(r.messages(), held) && countPurpose(t, pg.urlOf(appDB), "application_received", "sent") == dossiers
	})
	slowest := slowestResumed(r.messages(), held, killedAt)
	t.Logf("the killed worker's emails sent again %s after the kill (StartToCloseTimeout %s)", slowest.Round(time.Second), emailStartToClose)
	assert.Less(t, slowest, emailStartToClose/3, "a dead worker's email resumes within seconds, not after its StartToCloseTimeout")

	c.waitCampaignState(campaign, "closed", time.Minute)
	c.cancel(campaign)
	requireCompleted(t, tc, pg.urlOf(appDB), campaign, apps)
	requireEachEmailOnce(t, pg.urlOf(appDB), r.messages(), 1+2*dossiers+1)
	t.Logf("whole run %s", time.Since(begin).Round(time.Second))
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func lastLine(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	return lines[len(lines)-1]
}

// waitFor polls ok every half second until it holds, or fails the test after d.
func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("after %s: not yet %s", d, what)
		}
		time.Sleep(500 * time.Millisecond)
	}
}

// requireNamespaceReady checks what `aap migrate` made on the bare cluster.
func requireNamespaceReady(t *testing.T, tc client.Client) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	ns, err := tc.WorkflowService().DescribeNamespace(ctx, &workflowservice.DescribeNamespaceRequest{Namespace: namespace})
	require.NoError(t, err, "aap migrate created the namespace")
	assert.Equal(t, 24*time.Hour, ns.GetConfig().GetWorkflowExecutionRetentionTtl().AsDuration())
	attrs, err := tc.OperatorService().ListSearchAttributes(ctx, &operatorservice.ListSearchAttributesRequest{Namespace: namespace})
	require.NoError(t, err)
	for name, kind := range workflows.SearchAttributes() {
		assert.Equal(t, kind, attrs.GetCustomAttributes()[name], "search attribute %s", name)
	}
}

// service is an `aap api` process and its address.
type service struct {
	proc *process
	url  string
}

func startAPI(t *testing.T, bins binaries, env []string, ns string) service {
	t.Helper()
	addr := "127.0.0.1:" + strconv.Itoa(freePorts(t, 1)[0])
	p := start(t, "aap api "+ns, bins.aap, append(env, "AAP_HTTP_ADDR="+addr, "AAP_PUBLIC_URL=http://"+addr, "AAP_TEMPORAL_NAMESPACE="+ns), "api")
	s := service{proc: p, url: "http://" + addr}
	waitFor(t, time.Minute, "aap api listening", func() bool {
		require.False(t, p.exited(), "aap api exited")
		resp, err := http.Get(s.url + "/healthz")
		if err == nil {
			_ = resp.Body.Close()
		}
		return err == nil && resp.StatusCode == http.StatusOK
	})
	return s
}

// requireReadiness checks /readyz's status and its namespace check.
func requireReadiness(t *testing.T, s service, status int, namespaceCheck string) {
	t.Helper()
	var body struct {
		Status string            `json:"status"`
		Checks map[string]string `json:"checks"`
	}
	waitFor(t, 30*time.Second, fmt.Sprintf("/readyz answering %d", status), func() bool {
		resp, err := http.Get(s.url + "/readyz")
		if err != nil {
			return false
		}
		defer resp.Body.Close()
		return resp.StatusCode == status && json.NewDecoder(resp.Body).Decode(&body) == nil
	})
	assert.Equal(t, namespaceCheck, body.Checks["namespace"], "/readyz: %+v", body)
}

func startWorker(t *testing.T, bins binaries, env []string, r *relay, name string) *process {
	t.Helper()
	port := r.listen(t, name) // each worker its own listener: the relay knows who sends
	return start(t, "aap worker "+name, bins.aap, append(env, "AAP_SMTP_PORT="+strconv.Itoa(port)), "worker")
}

// acceptedAll: every held Message-ID was accepted since.
func acceptedAll(msgs []received, held map[string]time.Time) bool {
	seen := map[string]bool{}
	for _, m := range msgs {
		seen[m.MessageID] = true
	}
	for id := range held {
		if !seen[id] {
			return false
		}
	}
	return true
}

// slowestResumed is how long after the kill the last of the held emails was accepted.
func slowestResumed(msgs []received, held map[string]time.Time, killedAt time.Time) time.Duration {
	var slowest time.Duration
	for _, m := range msgs {
		if _, ok := held[m.MessageID]; ok && m.At.Sub(killedAt) > slowest {
			slowest = m.At.Sub(killedAt)
		}
	}
	return slowest
}

func openApp(t *testing.T, url string) *sql.DB {
	t.Helper()
	db, err := sql.Open("pgx", url)
	require.NoError(t, err)
	t.Cleanup(func() { _ = db.Close() })
	return db
}

func countPurpose(t *testing.T, url, purpose, state string) int {
	t.Helper()
	db := openApp(t, url)
	var n int
	require.NoError(t, db.QueryRow("SELECT count(*) FROM emails WHERE purpose = $1 AND state = $2", purpose, state).Scan(&n))
	return n
}

// requireCompleted checks that the campaign's and every dossier's workflow completed.
func requireCompleted(t *testing.T, tc client.Client, url, campaign string, apps []string) {
	t.Helper()
	db := openApp(t, url)
	ids := []string{}
	var id string
	require.NoError(t, db.QueryRow("SELECT workflow_id FROM campaigns WHERE id = $1", campaign).Scan(&id))
	ids = append(ids, id)
	for _, app := range apps {
		require.NoError(t, db.QueryRow("SELECT workflow_id FROM applications WHERE id = $1", app).Scan(&id))
		ids = append(ids, id)
	}
	ctx := context.Background()
	for _, wid := range ids {
		waitFor(t, time.Minute, wid+" completed", func() bool {
			d, err := tc.DescribeWorkflowExecution(ctx, wid, "")
			require.NoError(t, err)
			st := d.GetWorkflowExecutionInfo().GetStatus()
			require.Contains(t, []enumspb.WorkflowExecutionStatus{enumspb.WORKFLOW_EXECUTION_STATUS_RUNNING, enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED}, st, wid)
			return st == enumspb.WORKFLOW_EXECUTION_STATUS_COMPLETED
		})
	}
}

// requireEachEmailOnce checks the outbox against the relay: every email recorded sent was
// accepted exactly once (by Message-ID, and by recipient and subject), and the relay
// accepted nothing the outbox does not know; at least want of them for this call.
func requireEachEmailOnce(t *testing.T, url string, msgs []received, want int) {
	t.Helper()
	db := openApp(t, url)
	rows, err := db.Query("SELECT message_id, state, purpose FROM emails")
	require.NoError(t, err)
	defer rows.Close()
	outbox := map[string]string{}
	for rows.Next() {
		var id, state, purpose string
		require.NoError(t, rows.Scan(&id, &state, &purpose))
		assert.Equal(t, "sent", state, "email %s (%s)", id, purpose)
		outbox[id] = purpose
	}
	require.NoError(t, rows.Err())
	byID, byRecipient := map[string]int{}, map[string]int{}
	for _, m := range msgs {
		id := strings.Trim(m.MessageID, "<>")
		byID[id]++
		byRecipient[m.To+"|"+m.Subject]++
		assert.Contains(t, outbox, id, "accepted an email the outbox does not know: %+v", m)
	}
	for id, purpose := range outbox {
		assert.Equal(t, 1, byID[id], "email %s (%s) accepted once", id, purpose)
	}
	for key, n := range byRecipient {
		assert.Equal(t, 1, n, "one email to %s", key)
	}
	assert.GreaterOrEqual(t, len(outbox), want, "the publication, %d accusés, the closure, %d cancellations", dossiers, dossiers)
	t.Logf("%d emails, each accepted once", len(msgs))
}

// apiClient calls aap api as the Rhône's correspondent.
type apiClient struct {
	t     *testing.T
	base  string
	token string
}

func (c *apiClient) do(method, path string, body any, want int) map[string]any {
	c.t.Helper()
	var buf bytes.Buffer
	if body != nil {
		require.NoError(c.t, json.NewEncoder(&buf).Encode(body))
	}
	req, err := http.NewRequest(method, c.base+"/api/v1"+path, &buf)
	require.NoError(c.t, err)
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	require.NoError(c.t, err)
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	require.Equal(c.t, want, resp.StatusCode, "%s %s: %v", method, path, out)
	return out
}

func (c *apiClient) createCampaign(publish, closing time.Time) string {
	c.t.Helper()
	out := c.do(http.MethodPost, "/campaigns", map[string]any{
		"year": 2027, "level": "departmental", "territory": "69",
		"title":      "Intégration des étrangers primo-arrivants dans le Rhône",
		"budget_eur": 250000, "themes": []string{"langue", "emploi", "sante"},
		"agir_articulation": "Actions complémentaires de l'accompagnement AGIR.",
		"indicators":        []string{"nombre de bénéficiaires"}, "evaluation_criteria": []string{"assiduité"},
		"contact_email": "ddets-integration@rhone.gouv.fr",
		"publish_at":    publish.UTC().Format(time.RFC3339), "close_at": closing.UTC().Format(time.RFC3339),
	}, http.StatusCreated)
	return out["id"].(string)
}

func (c *apiClient) waitCampaignState(id, state string, d time.Duration) {
	c.t.Helper()
	waitFor(c.t, d, "campaign "+state, func() bool {
		return c.do(http.MethodGet, "/campaigns/"+id, nil, http.StatusOK)["state"] == state
	})
}

// fileDossiers files n dossiers at once, each of its own association, and returns their ids.
func (c *apiClient) fileDossiers(campaign string, n int) []string {
	c.t.Helper()
	ids := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			out := c.do(http.MethodPost, "/campaigns/"+campaign+"/applications", map[string]any{
				"association": map[string]any{"rna": fmt.Sprintf("W69%07d", i+1), "name": fmt.Sprintf("Accueil Rhône %d", i+1),
					"email": fmt.Sprintf("contact-%d@accueil-rhone.example.org", i+1), "cer_signed": true},
				"project": map[string]any{"title": "Ateliers sociolinguistiques", "theme": "langue",
					"description":   "Ateliers de français pour des signataires du CIR.",
					"requested_eur": 15000, "total_budget_eur": 30000,
					"beneficiaries": map[string]any{"bpi": 20, "non_bpi": 40}},
			}, http.StatusCreated)
			ids[i] = out["id"].(string)
		})
	}
	wg.Wait()
	return ids
}

func (c *apiClient) cancel(campaign string) {
	c.t.Helper()
	c.do(http.MethodPost, "/campaigns/"+campaign+"/cancel", map[string]any{"reason": "Crédits annulés par la loi de finances rectificative."}, http.StatusOK)
}
