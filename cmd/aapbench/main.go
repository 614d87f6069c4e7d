// Command aapbench measures a running engine: intake through the API against
// bare Temporal starts (rates and the engine's CPU), reads at fixed rates, resident
// memory (README "Measuring").
//
//	aapbench -api http://127.0.0.1:8080 -token $TOKEN -temporal 127.0.0.1:7233 -n 1000 -c 16
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"time"

	"github.com/dian-p104/aap/internal/bench"
)

func main() {
	var cfg bench.Config
	flag.StringVar(&cfg.API, "api", "http://127.0.0.1:8080", "the engine's HTTP address")
	flag.StringVar(&cfg.Token, "token", os.Getenv("AAP_TOKEN"), "a DIAN token (default $AAP_TOKEN)")
	flag.StringVar(&cfg.Temporal, "temporal", "127.0.0.1:7233", "the Temporal frontend the engine uses")
	flag.StringVar(&cfg.Namespace, "namespace", "default", "its namespace")
	flag.IntVar(&cfg.N, "n", 1000, "dossiers filed, and bare workflow starts; 0: no intake")
	flag.IntVar(&cfg.C, "c", 16, "concurrency of the intake")
	flag.StringVar(&cfg.Call, "call", "", "an open call to file in and read; empty: one is created")
	flag.Float64Var(&cfg.ReadRPS, "read-rps", 200, "requests a second of each read; 0: no reads")
	flag.DurationVar(&cfg.Duration, "duration", 10e9, "length of each read")
	flag.DurationVar(&cfg.Settle, "settle", 10*time.Minute, "after the intake, the longest wait for the engine to catch up before the reads; 0: read at once")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := bench.Run(ctx, cfg, os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "aapbench:", err)
		os.Exit(1)
	}
}
