package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// apiClient calls the engine's HTTP API with a bearer token.
type apiClient struct {
	base  string // http://127.0.0.1:8080
	token string
	http  *http.Client
}

func newAPIClient(base, token string, conns int) *apiClient {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns, tr.MaxIdleConnsPerHost = conns, conns
	return &apiClient{base: strings.TrimRight(base, "/"), token: token, http: &http.Client{Transport: tr, Timeout: 60 * time.Second}}
}

// do sends a request and returns the status and body; a transport error is an error.
func (a *apiClient) do(ctx context.Context, method, path string, body any) (int, []byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, a.base+path, rd)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Authorization", "Bearer "+a.token)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := a.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return res.StatusCode, b, err
}

// object sends a request expecting want and decodes the answer's JSON object.
func (a *apiClient) object(ctx context.Context, method, path string, body any, want int) (map[string]any, error) {
	status, b, err := a.do(ctx, method, path, body)
	if err != nil {
		return nil, err
	}
	if status != want {
		return nil, fmt.Errorf("%s %s: %d %s", method, path, status, truncate(b))
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	return out, nil
}

func truncate(b []byte) string {
	if len(b) > 300 {
		return string(b[:300]) + "…"
	}
	return string(b)
}

// campaignBody is a valid call of the next year, published in a few seconds and
// closing at the end of May (§8.3's deadline), so that dossiers can be filed for months.
func campaignBody(now time.Time, run string) map[string]any {
	year := now.Year() + 1
	return map[string]any{
		"year": year, "level": "departmental", "territory": "69",
		"title":      "Appel à projets de mesure " + run,
		"budget_eur": 1000000000, "themes": []string{"langue", "emploi", "sante"},
		"publish_at":        now.Add(5 * time.Second).UTC().Format(time.RFC3339),
		"close_at":          time.Date(year, 5, 31, 16, 0, 0, 0, time.UTC).Format(time.RFC3339),
		"agir_articulation": "Actions complémentaires de l'accompagnement AGIR.",
		"indicators":        []string{"nombre de bénéficiaires"}, "evaluation_criteria": []string{"assiduité"},
		"contact_email": "ddets-integration@rhone.gouv.fr",
	}
}

// dossierBody is the i-th valid dossier of a run: its own association (RNA) and title.
func dossierBody(run string, seed, i int) map[string]any {
	return map[string]any{
		"association": map[string]any{"rna": fmt.Sprintf("W%09d", (seed+i)%1_000_000_000), "name": fmt.Sprintf("Association %s %d", run, i),
			"email": fmt.Sprintf("contact-%d@asso-%s.example.org", i, run), "cer_signed": true},
		"project": map[string]any{"title": fmt.Sprintf("Ateliers sociolinguistiques %s n° %d", run, i), "theme": "langue",
			"description": "Ateliers de français pour des signataires du CIR.", "requested_eur": 15000, "total_budget_eur": 30000,
			"beneficiaries": map[string]any{"bpi": 20, "non_bpi": 40}},
	}
}

// openCall creates a call and waits until it is published (a few seconds).
func (a *apiClient) openCall(ctx context.Context, run string) (string, error) {
	c, err := a.object(ctx, http.MethodPost, "/api/v1/campaigns", campaignBody(time.Now(), run), http.StatusCreated)
	if err != nil {
		return "", err
	}
	id, _ := c["id"].(string)
	for range 120 { // bounded: a minute
		got, err := a.object(ctx, http.MethodGet, "/api/v1/campaigns/"+id, nil, http.StatusOK)
		if err != nil {
			return "", err
		}
		if got["state"] == "published" {
			return id, nil
		}
		select {
		case <-ctx.Done():
			return "", ctx.Err()
		case <-time.After(500 * time.Millisecond):
		}
	}
	return "", fmt.Errorf("call %s not published after a minute", id)
}
