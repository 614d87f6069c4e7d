package engine_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/engine"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

// racers is how many identical commands, differing only by their values, are sent together.
const racers = 20

// answer is what one of the racing requests got back.
type answer struct {
	status int
	body   string
	err    error
}

// race sends racers requests at once (request(i) builds the i-th) and returns their answers.
func race(request func(i int) (*http.Request, error)) []answer {
	out := make([]answer, racers)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range racers {
		done.Add(1)
		go func() {
			defer done.Done()
			req, err := request(i)
			if err != nil {
				out[i].err = err
				return
			}
			start.Wait()
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				out[i].err = err
				return
			}
			defer resp.Body.Close()
			raw, err := io.ReadAll(resp.Body)
			out[i] = answer{status: resp.StatusCode, body: string(raw), err: err}
		}()
	}
	start.Done()
	done.Wait()
	return out
}

// jsonRequest is an authorized JSON request of the engine tests' DIAN token.
func jsonRequest(method, url string, body any) (*http.Request, error) {
	raw, err := json.Marshal(body)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequest(method, url, bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	authorize(req)
	return req, nil
}

// oneWinner checks that exactly one answer has the winning status and every
// other one 409, and returns the winner's index.
func oneWinner(t *testing.T, answers []answer, win int) int {
	t.Helper()
	winner, counts := -1, map[int]int{}
	for i, a := range answers {
		require.NoError(t, a.err)
		counts[a.status]++
		if a.status == win {
			winner = i
		}
	}
	require.Equal(t, map[int]int{win: 1, http.StatusConflict: racers - 1}, counts, "one %d, every other 409", win)
	return winner
}

// auditOf is the audit trail of one entity and action.
func auditOf(t *testing.T, d *engine.Dev, entity, id, action string) []models.AuditEntry {
	t.Helper()
	var out []models.AuditEntry
	require.NoError(t, d.DB.Where("entity = ? AND entity_id = ? AND action = ?", entity, id, action).Find(&out).Error)
	return out
}

// selectedCall is a call of the engine, closed with three dossiers filed: the
// selection race runs on it and leaves two conventions to sign.
type selectedCall struct {
	id, year string
	dossiers []string // IDs: the first two are retained
}

func fileThreeAndClose(t *testing.T, d *engine.Dev) selectedCall {
	t.Helper()
	body := campaignBody(0, 8*time.Second)
	_, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", body)
	call := selectedCall{id: created["id"].(string), year: fmt.Sprint(body["year"])}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, call.id))
	}, 30*time.Second, 200*time.Millisecond)
	for i, siret := range []string{"73282932000074", "55208131766522", "35600000000048"} {
		b := applicationBody(fmt.Sprintf("Ateliers sociolinguistiques %d", i+1))
		b["association"].(map[string]any)["siret"] = siret
		b["association"].(map[string]any)["name"] = fmt.Sprintf("Association %d", i+1)
		b["association"].(map[string]any)["email"] = fmt.Sprintf("contact%d@association.example.org", i+1)
		status, filed := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+call.id+"/applications", b)
		require.Equal(t, http.StatusCreated, status, "%v", filed)
		call.dossiers = append(call.dossiers, filed["id"].(string))
	}
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "closed", campaignState(t, d, call.id))
	}, 30*time.Second, 200*time.Millisecond)
	return call
}

// Twenty commands of one kind sent together, each with its own values, against
// the whole engine (embedded Temporal, worker, API): exactly one is recorded
// (one 2xx, every other 409), the database holds the winner's values and the
// audit trail one entry, naming who sent the winner.
func TestTwentyConcurrentCommandsOneWins(t *testing.T) {
	d := startDev(t, t.TempDir())
	defer d.Stop()
	call := fileThreeAndClose(t, d)

	t.Run("selection", func(t *testing.T) {
		answers := race(func(i int) (*http.Request, error) {
			return jsonRequest(http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+call.id+"/selection", map[string]any{"decisions": []map[string]any{
				{"application_id": call.dossiers[0], "decision": "retenu", "granted_eur": 10000 + i, "score": 80},
				{"application_id": call.dossiers[1], "decision": "retenu", "granted_eur": 9000, "score": 70},
				{"application_id": call.dossiers[2], "decision": "non_retenu", "score": 40, "reason": "Projet hors des priorités de l'appel."},
			}, "decision_reference": "Arrêté préfectoral n° 69-2027-06-12-004"})
		})
		winner := oneWinner(t, answers, http.StatusOK)
		require.Len(t, auditOf(t, d, "campaign", call.id, "selection_recorded"), 1, "one selection in the audit trail")
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+call.dossiers[0], nil)
			assert.EqualValues(c, (10000+winner)*100, a["granted_cents"], "the winner's amount")
		}, 30*time.Second, 250*time.Millisecond)
	})

	conventions := make([]string, 2)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		for i := range conventions {
			_, a := do(t, http.MethodGet, d.HTTPURL+"/api/v1/applications/"+call.dossiers[i]+"?live=1", nil)
			conventions[i], _ = a["convention_id"].(string)
			assert.Equal(c, "awaiting_signature", a["convention_state"])
		}
		assert.Equal(c, 2, sentCount(t, d, "purpose=convention_to_sign"))
	}, 60*time.Second, 250*time.Millisecond)

	t.Run("signature through the API", func(t *testing.T) {
		answers := race(func(i int) (*http.Request, error) {
			return jsonRequest(http.MethodPost, d.HTTPURL+"/api/v1/conventions/"+conventions[0]+"/signature",
				map[string]any{"signed_by": fmt.Sprintf("Signataire %d, présidente", i)})
		})
		winner := oneWinner(t, answers, http.StatusOK)
		want := fmt.Sprintf("Signataire %d, présidente", winner)
		_, conv := do(t, http.MethodGet, d.HTTPURL+"/api/v1/conventions/"+conventions[0], nil)
		require.Equal(t, want, conv["signed_by"])
		entries := auditOf(t, d, "convention", conventions[0], "state_signed")
		require.Len(t, entries, 1)
		require.Equal(t, "DIAN (engine tests)", entries[0].Actor)
		require.Contains(t, entries[0].After, want, "the entry names the real signer")
	})

	t.Run("signature through the association's link", func(t *testing.T) {
		link := signLink(t, d, "contact2@association.example.org")
		csrf := csrfOf(t, link)
		answers := race(func(i int) (*http.Request, error) {
			form := url.Values{"csrf": {csrf}, "action": {"signer-convention"}, "signed_by": {fmt.Sprintf("Signataire %d, trésorière", i)}}
			req, err := http.NewRequest(http.MethodPost, link, strings.NewReader(form.Encode()))
			if err == nil {
				req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			}
			return req, err
		})
		winner := oneWinner(t, answers, http.StatusOK)
		require.Contains(t, answers[winner].body, "la signature de la convention est enregistrée")
		want := fmt.Sprintf("Signataire %d, trésorière", winner)
		_, conv := do(t, http.MethodGet, d.HTTPURL+"/api/v1/conventions/"+conventions[1], nil)
		require.Equal(t, want, conv["signed_by"])
		entries := auditOf(t, d, "convention", conventions[1], "state_signed")
		require.Len(t, entries, 1)
		require.True(t, strings.HasPrefix(entries[0].Actor, "association"), "audited as the association: %q", entries[0].Actor)
		require.Contains(t, entries[0].After, want)
	})

	t.Run("financial report", func(t *testing.T) {
		answers := race(func(i int) (*http.Request, error) {
			return jsonRequest(http.MethodPost, d.HTTPURL+"/api/v1/conventions/"+conventions[0]+"/financial-report",
				map[string]any{"spent_eur": 15000, "subsidy_used_eur": 5000 + i, "document_reference": fmt.Sprintf("CRF-%02d", i)})
		})
		winner := oneWinner(t, answers, http.StatusCreated)
		var report map[string]any
		require.NoError(t, json.Unmarshal([]byte(answers[winner].body), &report))
		require.Equal(t, fmt.Sprintf("CRF-%02d", winner), report["document_reference"])
		var n int64
		require.NoError(t, d.DB.Model(&models.AuditEntry{}).Where("entity = ? AND action LIKE ?", "convention", "financial_report%").Count(&n).Error)
		require.EqualValues(t, 1, n, "one report in the audit trail")
	})

	t.Run("cancellation", func(t *testing.T) {
		_, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/campaigns", campaignBody(time.Hour, 2*time.Hour))
		id := created["id"].(string)
		answers := race(func(i int) (*http.Request, error) {
			return jsonRequest(http.MethodPost, d.HTTPURL+"/api/v1/campaigns/"+id+"/cancel",
				map[string]any{"reason": fmt.Sprintf("Motif numéro %d de l'annulation", i)})
		})
		winner := oneWinner(t, answers, http.StatusOK)
		entries := auditOf(t, d, "campaign", id, "cancelled")
		require.Len(t, entries, 1)
		require.Contains(t, entries[0].After, fmt.Sprintf("Motif numéro %d de l'annulation", winner))
		require.Equal(t, "DIAN (engine tests)", entries[0].Actor)
	})

	t.Run("CTAI opinion", func(t *testing.T) {
		status, created := do(t, http.MethodPost, d.HTTPURL+"/api/v1/ctai", ctaiBody())
		require.Equal(t, http.StatusCreated, status, "%v", created)
		id := created["id"].(string)
		require.EventuallyWithT(t, func(c *assert.CollectT) {
			_, r := do(t, http.MethodGet, d.HTTPURL+"/api/v1/ctai/"+id, nil)
			assert.Equal(c, "proposee", r["state"])
		}, 60*time.Second, 200*time.Millisecond)
		answers := race(func(i int) (*http.Request, error) {
			return jsonRequest(http.MethodPost, d.HTTPURL+"/api/v1/ctai/"+id+"/opinion",
				map[string]any{"opinion": "defavorable", "motivation": fmt.Sprintf("Aucun bilan de l'année précédente (%d).", i)})
		})
		winner := oneWinner(t, answers, http.StatusOK)
		entries := auditOf(t, d, "ctai_request", id, "opinion_decided")
		require.Len(t, entries, 1)
		require.Contains(t, entries[0].After, fmt.Sprintf("(%d)", winner))
	})

	t.Run("PNE answer", func(t *testing.T) {
		year := policy.DateOf(time.Now()).Year
		row := &models.PNEStructure{Year: year, AssociationKey: "siret:73282932000074", AssociationName: "Association 1",
			Email: "contact1@association.example.org", Region: "84", Department: "69", FundedActions: 1, Token: "pne-race-token"}
		require.NoError(t, d.DB.Create(row).Error)
		answers := race(func(i int) (*http.Request, error) {
			at := time.Now().Add(-time.Duration(i+1) * time.Hour).UTC().Format(time.RFC3339)
			return jsonRequest(http.MethodPut, fmt.Sprintf("%s/api/v1/pne/%d/structures/%d", d.HTTPURL, year, row.ID),
				map[string]any{"answered": true, "answered_at": at})
		})
		winner := oneWinner(t, answers, http.StatusOK)
		var got models.PNEStructure
		require.NoError(t, json.Unmarshal([]byte(answers[winner].body), &got))
		entries := auditOf(t, d, "pne_structure", fmt.Sprint(row.ID), "answer_recorded")
		require.Len(t, entries, 1)
		require.NotNil(t, got.AnsweredAt)
		require.Contains(t, entries[0].After, got.AnsweredAt.UTC().Format("2006-01-02T15:04:05"))
	})
}

// ctaiBody is a collectivité's renewal without bilan: the engine proposes an unfavourable opinion.
func ctaiBody() map[string]any {
	return map[string]any{
		"year": policy.DateOf(time.Now()).Year + 1, "kind": "renewal",
		"collectivite": map[string]any{"name": "Ville de Villeurbanne", "insee_code": "69266", "email": "ctai@villeurbanne.example.org"},
		"territory":    "69", "correspondent_email": "ddets-integration@rhone.gouv.fr",
		"inhabitants": 160000, "cir_count": 900, "housing_competent": true,
		"actions": []map[string]any{{"title": "Logement", "domain": "logement", "budget_eur": 60000},
			{"title": "Français", "domain": "langue", "budget_eur": 40000}},
		"previous_delegated_eur": 120000,
	}
}

var linkPattern = regexp.MustCompile(`https?://[^\s"<>]+/liens/[A-Za-z0-9._~-]+`)

// signLink is the link of the convention to sign emailed to the association at to.
func signLink(t *testing.T, d *engine.Dev, to string) string {
	t.Helper()
	caught, err := d.Catcher.List()
	require.NoError(t, err)
	for _, s := range caught {
		if s.To[0] != to || !strings.HasPrefix(s.Subject, "Convention à signer") {
			continue
		}
		msg, err := d.Catcher.Get(s.ID)
		require.NoError(t, err)
		if link := linkPattern.FindString(msg.TextBody); link != "" {
			return link
		}
	}
	t.Fatalf("no convention to sign emailed to %s", to)
	return ""
}

var csrfPattern = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrfOf is the CSRF token of the page at link.
func csrfOf(t *testing.T, link string) string {
	t.Helper()
	resp, err := http.Get(link)
	require.NoError(t, err)
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode, string(raw))
	m := csrfPattern.FindStringSubmatch(string(raw))
	require.NotNil(t, m, "a CSRF token on the page")
	return m[1]
}
