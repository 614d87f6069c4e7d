package bench

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/big"
	"net/http"
	"time"

	"go.temporal.io/sdk/client"
	sdklog "go.temporal.io/sdk/log"
)

// Config is what cmd/aapbench's flags set.
type Config struct {
	API       string        // the engine's HTTP address
	Token     string        // a DIAN token (the overview and /metrics are DIAN's)
	Temporal  string        // the Temporal frontend the engine uses
	Namespace string        // its namespace
	N         int           // dossiers filed (and bare starts); 0: no intake
	C         int           // concurrency of the intake
	Call      string        // an open call to file in and read; empty: one is created
	ReadRPS   float64       // rate of each read; 0: no reads
	Duration  time.Duration // length of each read
	Settle    time.Duration // after the intake, before the bare starts, how long to wait at most for the engine to catch up; 0: no wait
}

// Run measures and writes one JSON object per measurement to out and a table to table.
func Run(ctx context.Context, cfg Config, out, table io.Writer) error {
	if cfg.Token == "" {
		return errors.New("-token is required: a DIAN token (aap token create --role dian --name bench)")
	}
	logf := func(format string, args ...any) { fmt.Fprintf(table, "aapbench: "+format+"\n", args...) }
	api := newAPIClient(cfg.API, cfg.Token, max(cfg.C, 64))
	run, seed := runID()
	var results []Result
	emit := func(r Result) error {
		results = append(results, r)
		return WriteJSON(out, r)
	}
	before, err := residentMB(ctx, api)
	if err != nil {
		return err
	}
	call := cfg.Call
	if call == "" {
		logf("creating a call (published in 5 s)")
		if call, err = api.openCall(ctx, run); err != nil {
			return err
		}
	}
	logf("call %s", call)
	if cfg.N > 0 {
		tc, err := client.Dial(client.Options{HostPort: cfg.Temporal, Namespace: cfg.Namespace,
			Logger: sdklog.NewStructuredLogger(slog.New(slog.DiscardHandler))})
		if err != nil {
			return fmt.Errorf("temporal %s: %w", cfg.Temporal, err)
		}
		defer tc.Close()
		var settle *Result
		res, err := Intake(ctx, api, tc, call, run, seed, cfg.N, cfg.C, func(ctx context.Context) error {
			if cfg.Settle <= 0 {
				return nil
			}
			logf("waiting (at most %s) for the engine to catch up with the intake", cfg.Settle)
			waited, settled, err := Settle(ctx, api, cfg.Settle)
			settle = &Result{Measure: "settle", N: cfg.N, Concurrency: cfg.C, SettleS: ptr(round(waited.Seconds())), Settled: ptr(settled)}
			return err
		}, logf)
		if err != nil {
			return err
		}
		if err := emit(res); err != nil {
			return err
		}
		if settle != nil {
			if err := emit(*settle); err != nil {
				return err
			}
		}
	}
	if cfg.ReadRPS > 0 {
		targets, err := readTargets(ctx, api, call, run, seed)
		if err != nil {
			return err
		}
		for _, t := range targets {
			logf("%s at %.0f/s for %s", t.Measure, cfg.ReadRPS, cfg.Duration)
			if err := emit(Read(ctx, api, t, cfg.ReadRPS, cfg.Duration)); err != nil {
				return err
			}
		}
	}
	after, err := residentMB(ctx, api)
	if err != nil {
		return err
	}
	if err := emit(Result{Measure: "memory", N: cfg.N, Concurrency: cfg.C, BeforeMB: ptr(before), AfterMB: ptr(after)}); err != nil {
		return err
	}
	WriteTable(table, results)
	return nil
}

// readTargets are the four reads: the call, one of its dossiers (filed if it has
// none), its dossier list's first page, the year's overview.
func readTargets(ctx context.Context, api *apiClient, call, run string, seed int) ([]ReadTarget, error) {
	c, err := api.object(ctx, http.MethodGet, "/api/v1/campaigns/"+call, nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	year, _ := c["year"].(json.Number)
	yearF, _ := c["year"].(float64)
	if year == "" {
		year = json.Number(fmt.Sprint(int(yearF)))
	}
	list, err := api.object(ctx, http.MethodGet, "/api/v1/campaigns/"+call+"/applications?page_size=1", nil, http.StatusOK)
	if err != nil {
		return nil, err
	}
	var dossier string
	if items, _ := list["items"].([]any); len(items) > 0 {
		first, _ := items[0].(map[string]any)
		dossier, _ = first["id"].(string)
	} else {
		filed, err := api.object(ctx, http.MethodPost, "/api/v1/campaigns/"+call+"/applications", dossierBody(run, seed, 0), http.StatusCreated)
		if err != nil {
			return nil, err
		}
		dossier, _ = filed["id"].(string)
	}
	return []ReadTarget{
		{"read_call", "/api/v1/campaigns/" + call},
		{"read_dossier", "/api/v1/applications/" + dossier},
		{"read_list", "/api/v1/campaigns/" + call + "/applications?page_size=50"},
		{"read_overview", "/api/v1/monitoring/overview?year=" + string(year)},
	}, nil
}

// runID names this run (titles, workflow IDs) and seeds its associations' RNA numbers.
func runID() (string, int) {
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	n, _ := rand.Int(rand.Reader, big.NewInt(900_000_000))
	return hex.EncodeToString(b), int(n.Int64())
}
