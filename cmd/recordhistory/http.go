package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"

	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"
)

type created struct {
	ID         string `json:"id"`
	WorkflowID string `json:"workflow_id"`
}

func post(hc *http.Client, url string, body map[string]any) (created, error) {
	raw, _ := json.Marshal(body)
	resp, err := hc.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		return created{}, err
	}
	defer resp.Body.Close()
	var c created
	if err := json.NewDecoder(resp.Body).Decode(&c); err != nil || resp.StatusCode != http.StatusCreated {
		return created{}, fmt.Errorf("POST %s: status %d, %v", url, resp.StatusCode, err)
	}
	return c, nil
}

func postOK(hc *http.Client, url string, body map[string]any) error {
	return postStatus(hc, url, body, http.StatusOK)
}

func postStatus(hc *http.Client, url string, body map[string]any, want int) error {
	raw, _ := json.Marshal(body)
	resp, err := hc.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != want {
		return fmt.Errorf("POST %s: status %d", url, resp.StatusCode)
	}
	return nil
}

// bearer sends the API token with every request.
type bearer struct {
	secret string
	next   http.RoundTripper
}

func (b bearer) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Authorization", "Bearer "+b.secret)
	return b.next.RoundTrip(req)
}

// writeHistory exports the workflow's history as the server holds it, in the
// JSON that worker.WorkflowReplayer reads.
func writeHistory(ctx context.Context, c client.Client, workflowID, out string) error {
	var h history.History
	iter := c.GetWorkflowHistory(ctx, workflowID, "", false, 0)
	for iter.HasNext() {
		event, err := iter.Next()
		if err != nil {
			return err
		}
		h.Events = append(h.Events, event)
	}
	raw, err := protojson.MarshalOptions{Indent: "  "}.Marshal(&h)
	if err != nil {
		return err
	}
	return os.WriteFile(out, raw, 0o644)
}
