package engine

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/dian-p104/aap/internal/platform/config"
)

const usage = `aap — appels à projets P104 action 12

Usage:
  aap dev       everything in one process on embedded defaults (Temporal, SQLite, mail catcher)
  aap api       the HTTP API (production; needs AAP_TEMPORAL_ADDRESS)
  aap worker    the Temporal worker (production; needs AAP_TEMPORAL_ADDRESS and AAP_SMTP_HOST)
  aap migrate   migrate the database schema and register Temporal search attributes
  aap token     create, list or revoke API tokens (aap token create --role dian --name "DIAN")
  aap agent     add, list or disable the agents who sign in to the pages (aap agent add --email … --role dian)
  aap probe URL exit 0 if URL answers 2xx within 3 s (the containers' healthcheck)

Configuration is read from AAP_* environment variables (see README.md).
`

// Main runs the command named by args[0] and returns the process exit code.
func Main(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if args[0] == "probe" { // reads no configuration: a healthcheck must not fail on it
		return runProbe(args[1:], stderr)
	}
	cfg, err := config.Load(os.Getenv)
	if err != nil {
		fmt.Fprintf(stderr, "aap: bad configuration:\n%v\n", err)
		return 2
	}
	log := newLogger(cfg)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	stopRuntime, err := tuneRuntime(args[0], cfg, log)
	if err != nil {
		fmt.Fprintf(stderr, "aap %s: %v\n", args[0], err)
		return 1
	}
	defer stopRuntime()
	switch args[0] {
	case "dev":
		err = RunDev(ctx, cfg, log, stdout)
	case "api":
		err = RunAPI(ctx, cfg, log)
	case "worker":
		err = RunWorker(ctx, cfg, log)
	case "migrate":
		err = RunMigrate(ctx, cfg, log)
	case "token":
		err = RunToken(ctx, cfg, log, args[1:], stdout)
	case "agent":
		err = RunAgent(ctx, cfg, log, args[1:], stdout)
	default:
		fmt.Fprintf(stderr, "aap: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "aap %s: %v\n", args[0], err)
		return 1
	}
	return 0
}
