// Command recordhistory runs a campaign on the embedded engine, from creation
// to closure, and writes its workflow history as JSON, for the replay test of
// package workflows. Record a new history whenever a workflow changes, and keep
// the old ones: they prove that running workflows still replay.
//
//	go run ./tools/recordhistory -out workflows/testdata/histories/campaign-v1.json
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/dian-p104/aap/config"
	"github.com/dian-p104/aap/engine"
)

func main() {
	out := flag.String("out", "", "file to write the history to")
	flag.Parse()
	if *out == "" {
		fmt.Fprintln(os.Stderr, "usage: recordhistory -out FILE")
		os.Exit(2)
	}
	if err := record(*out); err != nil {
		fmt.Fprintln(os.Stderr, "recordhistory:", err)
		os.Exit(1)
	}
}

func record(out string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "aap-record-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d, err := engine.StartDev(ctx, config.Config{
		HTTPAddr: "127.0.0.1:0", DataDir: dir, TemporalNamespace: "default",
		SMTP: config.SMTP{TLS: config.TLSNone}, MailFrom: "AAP <no-reply@aap.test>", LogFormat: "text",
	}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer d.Stop()

	workflowID, err := createCampaign(d.HTTPURL)
	if err != nil {
		return err
	}
	run := d.Temporal.GetWorkflow(ctx, workflowID, "")
	if err := run.Get(ctx, nil); err != nil {
		return fmt.Errorf("campaign workflow: %w", err)
	}
	return writeHistory(ctx, d.Temporal, workflowID, out)
}

func createCampaign(baseURL string) (string, error) {
	now := time.Now()
	body, _ := json.Marshal(map[string]any{
		"year": now.Year() + 1, "level": "departmental", "territory": "69",
		"title": "Campagne enregistrée pour le test de rejeu", "budget_eur": 100000,
		"themes": []string{"langue"}, "publish_at": now.Add(2 * time.Second).Format(time.RFC3339),
		"close_at": now.Add(6 * time.Second).Format(time.RFC3339), "agir_articulation": "Complémentaire d'AGIR.",
		"indicators": []string{"bénéficiaires"}, "evaluation_criteria": []string{"assiduité"},
		"contact_email": "correspondant@example.gouv.fr",
	})
	resp, err := http.Post(baseURL+"/api/v1/campaigns", "application/json", bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var created struct {
		WorkflowID string `json:"workflow_id"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&created); err != nil || resp.StatusCode != http.StatusCreated {
		return "", fmt.Errorf("create campaign: status %d, %v", resp.StatusCode, err)
	}
	return created.WorkflowID, nil
}

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
