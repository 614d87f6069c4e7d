// Command recordhistory runs a campaign with one dossier on the embedded
// engine, from creation to closure, and writes both workflows' histories as
// JSON, for the replay test of package workflows. Record new histories whenever
// a workflow changes, and keep the old ones: they prove that running workflows
// still replay.
//
//	go run ./tools/recordhistory -dir workflows/testdata/histories -version v2
//
// writes campaign-v2.json and application-v2.json: a call with one dossier,
// published, closed, its selection recorded (the dossier retained), and the
// dossier's convention signed and, from v9, its compte-rendu financier received.
//
//	go run ./tools/recordhistory -workflow control -version v1
//
// goes on from there: a doubt flagged on the signed convention, its on-site
// control planned (which starts the region's control workflow), its result
// recorded, and the workflow run to its synthesis on the demo schedule (about
// two minutes); it writes control-v1.json. With -workflow ctai it writes
// ctai-v1.json: a collectivité's CTAI renewal request (without bilan: an
// unfavourable opinion) evaluated, its opinion recorded and sent.
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
	"path/filepath"
	"time"

	"go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/protobuf/encoding/protojson"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/engine"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/store"
)

func main() {
	dir := flag.String("dir", "workflows/testdata/histories", "folder to write the histories to")
	version := flag.String("version", "", "suffix of the files, e.g. v2")
	which := flag.String("workflow", "campaign", "campaign (the campaign's and its dossier's histories), control (a region's control workflow) or ctai (a CTAI request's)")
	flag.Parse()
	if *version == "" || (*which != "campaign" && *which != "control" && *which != "ctai") {
		fmt.Fprintln(os.Stderr, "usage: recordhistory -dir DIR -version vN [-workflow campaign|control|ctai]")
		os.Exit(2)
	}
	if err := record(*dir, *version, *which); err != nil {
		fmt.Fprintln(os.Stderr, "recordhistory:", err)
		os.Exit(1)
	}
}

func record(outDir, version, which string) error {
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	dir, err := os.MkdirTemp("", "aap-record-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	d, err := engine.StartDev(ctx, config.Config{
		HTTPAddr: "127.0.0.1:0", DataDir: dir, TemporalNamespace: "default",
		SMTP: config.SMTP{TLS: config.TLSNone}, MailFrom: "AAP <no-reply@aap.test>", LogFormat: "text",
		DIANEmail: config.DefaultDIANEmail,
	}, slog.New(slog.DiscardHandler))
	if err != nil {
		return err
	}
	defer d.Stop()
	// The API wants a token: a DIAN one, made on the dev database as `aap token create` does.
	secret, _, err := auth.Issue(ctx, store.NewTokens(d.DB), auth.NewToken{Name: "recordhistory", Role: auth.RoleDIAN}, time.Now())
	if err != nil {
		return err
	}
	hc := &http.Client{Transport: bearer{secret: secret, next: http.DefaultTransport}}
	if which == "ctai" {
		return recordCTAI(ctx, hc, d, filepath.Join(outDir, "ctai-"+version+".json"))
	}

	campaign, err := post(hc, d.HTTPURL+"/api/v1/campaigns", campaignBody())
	if err != nil {
		return err
	}
	time.Sleep(3 * time.Second) // published
	application, err := post(hc, d.HTTPURL+"/api/v1/campaigns/"+campaign.ID+"/applications", applicationBody())
	if err != nil {
		return err
	}
	time.Sleep(8 * time.Second) // closed
	selection := map[string]any{"decisions": []map[string]any{
		{"application_id": application.ID, "decision": "retenu", "granted_eur": 10000, "score": 75},
	}}
	if err := postOK(hc, d.HTTPURL+"/api/v1/campaigns/"+campaign.ID+"/selection", selection); err != nil {
		return err
	}
	conventionID, err := signConvention(ctx, hc, d.HTTPURL, application.ID)
	if err != nil {
		return err
	}
	if which == "control" {
		return recordControl(ctx, hc, d, conventionID, filepath.Join(outDir, "control-"+version+".json"))
	}
	// From v9 the signed convention's workflow waits for the compte-rendu
	// financier (its reminders are months away): send it, the workflow ends.
	if err := sendFinancialReport(ctx, hc, d.HTTPURL, application.ID, conventionID); err != nil {
		return err
	}
	// The dossier's workflow ends with its signed convention; the campaign's stays
	// open to a cancellation until the conventions could lapse: its history is
	// recorded as it stands, which replays all the same.
	if err := d.Temporal.GetWorkflow(ctx, application.WorkflowID, "").Get(ctx, nil); err != nil {
		return fmt.Errorf("application workflow: %w", err)
	}
	for name, workflowID := range map[string]string{"campaign": campaign.WorkflowID, "application": application.WorkflowID} {
		if err := writeHistory(ctx, d.Temporal, workflowID, filepath.Join(outDir, name+"-"+version+".json")); err != nil {
			return err
		}
	}
	return nil
}

func campaignBody() map[string]any {
	now := time.Now()
	return map[string]any{
		"year": now.Year() + 1, "level": "departmental", "territory": "69",
		"title": "Campagne enregistrée pour le test de rejeu", "budget_eur": 100000,
		"themes": []string{"langue"}, "publish_at": now.Add(2 * time.Second).Format(time.RFC3339),
		"close_at": now.Add(8 * time.Second).Format(time.RFC3339), "agir_articulation": "Complémentaire d'AGIR.",
		"indicators": []string{"bénéficiaires"}, "evaluation_criteria": []string{"assiduité"},
		"contact_email": "correspondant@example.gouv.fr",
	}
}

func applicationBody() map[string]any {
	return map[string]any{
		"association": map[string]any{"siret": "73282932000074", "name": "Association de test",
			"email": "association@example.org", "cer_signed": true},
		"project": map[string]any{"title": "Ateliers de français", "theme": "langue",
			"description": "Ateliers sociolinguistiques pour primo-arrivants.", "requested_eur": 10000,
			"total_budget_eur": 20000, "beneficiaries": map[string]any{"bpi": 5, "non_bpi": 10}},
	}
}

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

// recordControl flags a doubt on the signed convention, plans its control for
// today, records its result and waits for the region's workflow to send its
// synthesis (the demo policy's control_synthesis_after).
func recordControl(ctx context.Context, hc *http.Client, d *engine.Dev, conventionID, out string) error {
	if err := postStatus(hc, d.HTTPURL+"/api/v1/conventions/"+conventionID+"/doubts",
		map[string]any{"kind": "utilisation_fonds", "note": "Factures non produites"}, http.StatusCreated); err != nil {
		return err
	}
	today := time.Now().Format(time.DateOnly)
	ctl, err := post(hc, d.HTTPURL+"/api/v1/controls", map[string]any{"convention_id": conventionID, "planned_on": today, "controller": "Inspection"})
	if err != nil {
		return err
	}
	result := map[string]any{"outcome": "non_conforme", "findings": "Émargements absents",
		"follow_up": map[string]any{"kind": "reversement", "amount_eur": 1000}}
	if err := postOK(hc, d.HTTPURL+"/api/v1/controls/"+ctl.ID+"/result", result); err != nil {
		return err
	}
	if err := d.Temporal.GetWorkflow(ctx, ctl.WorkflowID, "").Get(ctx, nil); err != nil {
		return fmt.Errorf("control workflow: %w", err)
	}
	return writeHistory(ctx, d.Temporal, ctl.WorkflowID, out)
}

// signConvention waits for the retained dossier's convention, signs it and returns its ID.
func signConvention(ctx context.Context, hc *http.Client, baseURL, applicationID string) (string, error) {
	for ctx.Err() == nil {
		resp, err := hc.Get(baseURL + "/api/v1/applications/" + applicationID)
		if err != nil {
			return "", err
		}
		var app struct {
			ConventionID string `json:"convention_id"`
		}
		err = json.NewDecoder(resp.Body).Decode(&app)
		resp.Body.Close()
		if err == nil && app.ConventionID != "" {
			return app.ConventionID, postOK(hc, baseURL+"/api/v1/conventions/"+app.ConventionID+"/signature", map[string]any{"signed_by": "Présidente"})
		}
		time.Sleep(200 * time.Millisecond)
	}
	return "", ctx.Err()
}

// sendFinancialReport waits until the dossier's workflow awaits the report, then sends it.
func sendFinancialReport(ctx context.Context, hc *http.Client, baseURL, applicationID, conventionID string) error {
	for ctx.Err() == nil {
		resp, err := hc.Get(baseURL + "/api/v1/applications/" + applicationID)
		if err != nil {
			return err
		}
		var app struct {
			FinancialReport string `json:"financial_report"`
		}
		err = json.NewDecoder(resp.Body).Decode(&app)
		resp.Body.Close()
		if err == nil && app.FinancialReport == "awaited" {
			return postStatus(hc, baseURL+"/api/v1/conventions/"+conventionID+"/financial-report",
				map[string]any{"spent_eur": 10000, "subsidy_used_eur": 10000, "document_reference": "CRF-enregistrement"}, http.StatusCreated)
		}
		time.Sleep(200 * time.Millisecond)
	}
	return ctx.Err()
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

// recordCTAI files a renewal request for next year and writes its workflow's history.
func recordCTAI(ctx context.Context, hc *http.Client, d *engine.Dev, out string) error {
	req, err := post(hc, d.HTTPURL+"/api/v1/ctai", map[string]any{
		"year": time.Now().Year() + 1, "kind": "renewal",
		"collectivite": map[string]any{"name": "Commune enregistrée pour le rejeu", "insee_code": "69266", "email": "collectivite@example.org"},
		"territory":    "69", "correspondent_email": "correspondant@example.gouv.fr",
		"inhabitants": 150000, "cir_count": 600, "housing_competent": true,
		"actions": []map[string]any{{"title": "Logement", "domain": "logement", "budget_eur": 50000},
			{"title": "Français", "domain": "langue", "budget_eur": 30000}},
		"coordinator":            map[string]any{"cost_eur": 40000, "local_share_eur": 8000},
		"previous_delegated_eur": 90000,
	})
	if err != nil {
		return err
	}
	if err := d.Temporal.GetWorkflow(ctx, req.WorkflowID, "").Get(ctx, nil); err != nil {
		return fmt.Errorf("CTAI workflow: %w", err)
	}
	return writeHistory(ctx, d.Temporal, req.WorkflowID, out)
}
