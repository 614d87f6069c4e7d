// Command recordhistory records one history of each registered workflow type
// from the code of a release, for the replay test of package workflows
// (docs/releases.md). It runs on the embedded engine of `aap dev`, through the
// HTTP API as a person would:
//
//	go run ./cmd/recordhistory -release v1.0
//
// writes workflows/testdata/histories/v1.0/{campaign,dossier,pne,control,ctai}.json:
//   - campaign and dossier: a call with one dossier, published, closed, its
//     selection recorded (the dossier retained), the convention signed and its
//     compte-rendu financier received (the dossier's workflow ends; the call's
//     stays open to a cancellation until its conventions could lapse, and is
//     recorded as it stands, which replays all the same);
//   - pne: the PNE of the year after the call's, started under the demo policy
//     (a year in a minute): the retained association listed, invited, reminded,
//     and recorded at the closure as having missed the questionnaire;
//   - control: a doubt flagged on the signed convention, its on-site control
//     planned (which starts the region's control workflow) and its result
//     recorded, the workflow run to its synthesis on the demo schedule;
//   - ctai: a collectivité's CTAI renewal request (without bilan: an unfavourable
//     proposal) overridden by DIAN's favourable opinion with its motivation,
//     recorded with the agent and sent.
//
// -workflow records one type only (with what it needs: the call for all but ctai).
// The whole run takes about three minutes once the engine is built.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/engine"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/store"
)

// types are the registered workflow types, by the name of their history file.
var types = []string{"campaign", "dossier", "pne", "control", "ctai"}

func main() {
	dir := flag.String("dir", "workflows/testdata/histories", "folder of the releases' histories")
	release := flag.String("release", "", "the release the code is, e.g. v1.0: the histories go to DIR/RELEASE/")
	which := flag.String("workflow", "", "record one type only: "+strings.Join(types, ", "))
	flag.Parse()
	if *release == "" || (*which != "" && !slices.Contains(types, *which)) {
		fmt.Fprintln(os.Stderr, "usage: recordhistory -release vX.Y [-dir DIR] [-workflow "+strings.Join(types, "|")+"]")
		os.Exit(2)
	}
	want := types
	if *which != "" {
		want = []string{*which}
	}
	out := filepath.Join(*dir, *release)
	if err := os.MkdirAll(out, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, "recordhistory:", err)
		os.Exit(1)
	}
	if err := record(out, want); err != nil {
		fmt.Fprintln(os.Stderr, "recordhistory:", err)
		os.Exit(1)
	}
}

// recorder drives one embedded engine through the API as DIAN.
type recorder struct {
	d    *engine.Dev
	hc   *http.Client
	out  string
	want []string
}

func record(out string, want []string) error {
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
		DIANEmail: config.DefaultDIANEmail, PNESurveyURL: config.DefaultPNESurveyURL,
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
	r := &recorder{d: d, hc: &http.Client{Transport: bearer{secret: secret, next: http.DefaultTransport}}, out: out, want: want}
	if r.wants("ctai") {
		if err := r.recordCTAI(ctx); err != nil {
			return err
		}
	}
	if r.wants("campaign", "dossier", "pne", "control") {
		return r.recordCall(ctx)
	}
	return nil
}

// wants reports whether any of the types is to be recorded.
func (r *recorder) wants(types ...string) bool {
	for _, t := range types {
		if slices.Contains(r.want, t) {
			return true
		}
	}
	return false
}

// recordCall carries a call with one retained dossier to its signed convention,
// then the PNE, the dossier's compte-rendu financier and the control that follow.
func (r *recorder) recordCall(ctx context.Context) error {
	campaign, application, err := r.selectOneDossier(ctx)
	if err != nil {
		return err
	}
	var pneWorkflowID string
	if r.wants("pne") {
		// Started now, the PNE runs its minute while the rest goes on.
		if pneWorkflowID, err = r.startDemoPNE(ctx, campaign.year+1); err != nil {
			return err
		}
	}
	conventionID, err := r.signConvention(ctx, application.ID)
	if err != nil {
		return err
	}
	if r.wants("campaign", "dossier") {
		if err := r.sendFinancialReport(ctx, application.ID, conventionID); err != nil {
			return err
		}
		if err := r.writeFinished(ctx, "dossier", application.WorkflowID); err != nil {
			return err
		}
		if err := r.write(ctx, "campaign", campaign.WorkflowID); err != nil {
			return err
		}
	}
	if r.wants("control") {
		if err := r.recordControl(ctx, conventionID); err != nil {
			return err
		}
	}
	if r.wants("pne") {
		return r.writeFinished(ctx, "pne", pneWorkflowID)
	}
	return nil
}

// writeFinished waits for the workflow to end, then writes its history.
func (r *recorder) writeFinished(ctx context.Context, name, workflowID string) error {
	if err := r.d.Temporal.GetWorkflow(ctx, workflowID, "").Get(ctx, nil); err != nil {
		return fmt.Errorf("%s workflow: %w", name, err)
	}
	return r.write(ctx, name, workflowID)
}

// write writes the workflow's history as it stands, if its type is wanted.
func (r *recorder) write(ctx context.Context, name, workflowID string) error {
	if !r.wants(name) {
		return nil
	}
	return writeHistory(ctx, r.d.Temporal, workflowID, filepath.Join(r.out, name+".json"))
}
