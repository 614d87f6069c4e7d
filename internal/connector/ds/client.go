package ds

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// DefaultEndpoint is DS's GraphQL API v2 (AAP_DS_ENDPOINT changes it).
const DefaultEndpoint = "https://www.demarches-simplifiees.fr/api/v2/graphql"

// Client sends the connector's operations to DS with the API token (AAP_DS_TOKEN).
type Client struct {
	Endpoint string
	Token    string
	HTTP     *http.Client
}

// New returns a client with a bounded HTTP timeout: a DS that hangs is a DS that is down.
func New(endpoint, token string) *Client {
	if endpoint == "" {
		endpoint = DefaultEndpoint
	}
	return &Client{Endpoint: endpoint, Token: token, HTTP: &http.Client{Timeout: 30 * time.Second}}
}

// Configured reports whether a token is set: without one the connector cannot run.
func (c *Client) Configured() bool { return c != nil && c.Token != "" }

// graphQLRequest is the body of every call.
type graphQLRequest struct {
	Query         string         `json:"query"`
	OperationName string         `json:"operationName"`
	Variables     map[string]any `json:"variables"`
}

type graphQLResponse struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message string `json:"message"`
	} `json:"errors"`
}

// do sends one operation of Operations and decodes its data into out.
func (c *Client) do(ctx context.Context, operation string, vars map[string]any, out any) error {
	if !c.Configured() {
		return &Error{Kind: KindRefused, Message: "AAP_DS_TOKEN n'est pas configuré"}
	}
	body, err := json.Marshal(graphQLRequest{Query: Operations[operation], OperationName: operation, Variables: vars})
	if err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, c.Endpoint, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.Token)
	resp, err := c.HTTP.Do(req)
	if err != nil {
		return &Error{Kind: KindUnavailable, Message: err.Error()}
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return &Error{Kind: KindUnavailable, Message: err.Error()}
	}
	if err := statusError(resp, raw); err != nil {
		return err
	}
	var r graphQLResponse
	if err := json.Unmarshal(raw, &r); err != nil {
		return &Error{Kind: KindUnavailable, Message: "réponse illisible : " + err.Error()}
	}
	if len(r.Errors) > 0 {
		msgs := make([]string, len(r.Errors))
		for i, e := range r.Errors {
			msgs[i] = e.Message
		}
		return &Error{Kind: KindRefused, Message: strings.Join(msgs, " ; ")}
	}
	return json.Unmarshal(r.Data, out)
}

// statusError classes a non-200 answer: 429 with its Retry-After, 5xx and timeouts
// retryable, anything else (401, 403, 404) refused.
func statusError(resp *http.Response, raw []byte) error {
	switch {
	case resp.StatusCode == http.StatusOK:
		return nil
	case resp.StatusCode == http.StatusTooManyRequests:
		return &Error{Kind: KindRateLimited, Message: "limite de requêtes atteinte", RetryAfter: retryAfter(resp.Header.Get("Retry-After"))}
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusRequestTimeout:
		return &Error{Kind: KindUnavailable, Message: fmt.Sprintf("HTTP %d", resp.StatusCode)}
	default:
		return &Error{Kind: KindRefused, Message: fmt.Sprintf("HTTP %d : %s", resp.StatusCode, strings.TrimSpace(string(raw[:min(len(raw), 200)])))}
	}
}

// retryAfter reads a Retry-After in seconds (DS sends seconds); a minute when absent.
func retryAfter(v string) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	return time.Minute
}

// Descriptors returns the champs of the démarche's active revision.
func (c *Client) Descriptors(ctx context.Context, demarche int) ([]ChampDescriptor, error) {
	var out struct {
		Demarche Demarche `json:"demarche"`
	}
	if err := c.do(ctx, "getDemarcheDescriptors", map[string]any{"demarcheNumber": demarche}, &out); err != nil {
		return nil, err
	}
	return out.Demarche.ActiveRevision.ChampDescriptors, nil
}

// Dossiers returns one page of the démarche's dossiers changed since updatedSince
// (all when nil), after the cursor (the first page when empty).
func (c *Client) Dossiers(ctx context.Context, demarche int, updatedSince *time.Time, after string, first int) (DossierPage, error) {
	vars := map[string]any{"demarcheNumber": demarche, "first": first}
	if updatedSince != nil {
		vars["updatedSince"] = updatedSince.UTC().Format(time.RFC3339)
	}
	if after != "" {
		vars["after"] = after
	}
	var out struct {
		Demarche struct {
			Dossiers DossierPage `json:"dossiers"`
		} `json:"demarche"`
	}
	err := c.do(ctx, "getDossiers", vars, &out)
	return out.Demarche.Dossiers, err
}

// DossierState returns one dossier's identity and state.
func (c *Client) DossierState(ctx context.Context, number int) (DossierRef, error) {
	var out struct {
		Dossier DossierRef `json:"dossier"`
	}
	err := c.do(ctx, "getDossierState", map[string]any{"dossierNumber": number}, &out)
	return out.Dossier, err
}

// PasserEnInstruction moves a dossier en construction to en instruction.
func (c *Client) PasserEnInstruction(ctx context.Context, dossierID, instructeurID string) (DossierRef, error) {
	return c.mutate(ctx, "dossierPasserEnInstruction", map[string]any{"dossierId": dossierID, "instructeurId": instructeurID})
}

// Accepter accepts a dossier en instruction with the motivation.
func (c *Client) Accepter(ctx context.Context, dossierID, instructeurID, motivation string) (DossierRef, error) {
	return c.mutate(ctx, "dossierAccepter", map[string]any{"dossierId": dossierID, "instructeurId": instructeurID, "motivation": motivation})
}

// Refuser refuses a dossier en instruction with the motivation (DS requires one).
func (c *Client) Refuser(ctx context.Context, dossierID, instructeurID, motivation string) (DossierRef, error) {
	return c.mutate(ctx, "dossierRefuser", map[string]any{"dossierId": dossierID, "instructeurId": instructeurID, "motivation": motivation})
}

// mutate sends a decision; the payload's errors (DS refused it) are a refusal.
func (c *Client) mutate(ctx context.Context, operation string, input map[string]any) (DossierRef, error) {
	var out map[string]struct {
		Dossier *DossierRef `json:"dossier"`
		Errors  []struct {
			Message string `json:"message"`
		} `json:"errors"`
	}
	if err := c.do(ctx, operation, map[string]any{"input": input}, &out); err != nil {
		return DossierRef{}, err
	}
	p := out[operation]
	if len(p.Errors) > 0 || p.Dossier == nil {
		msgs := []string{}
		for _, e := range p.Errors {
			msgs = append(msgs, e.Message)
		}
		return DossierRef{}, &Error{Kind: KindRefused, Message: operation + " refusé par DS : " + strings.Join(msgs, " ; ")}
	}
	return *p.Dossier, nil
}
