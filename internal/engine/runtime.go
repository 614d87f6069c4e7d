package engine

import (
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"os"
	"runtime/debug"

	"github.com/dian-p104/aap/internal/platform/config"
)

// tuneRuntime sets the memory limit and serves the profiles of the long-running
// commands (dev, api, worker); the returned stop closes the profiles' listener.
func tuneRuntime(command string, cfg config.Config, log *slog.Logger) (stop func(), err error) {
	if command != "dev" && command != "api" && command != "worker" {
		return func() {}, nil
	}
	applyMemoryLimit(cfg, command == "dev", log)
	profiles, err := servePprof(cfg.PprofAddr, log)
	if err != nil || profiles == nil {
		return func() {}, err
	}
	return func() { _ = profiles.shutdown() }, nil
}

// applyMemoryLimit sets the Go runtime's soft memory limit: AAP_MEMORY_LIMIT when set,
// else `aap dev`'s DevMemoryLimit unless GOMEMLIMIT says otherwise (the runtime has read
// it already). Without a limit the heap grows to twice what is live before a collection
// (GOGC=100): with the embedded Temporal server and 10,000 open dossiers, ~450 MB resident
// for ~200 MB live. Near the limit the collector runs more often; past it, nothing fails.
func applyMemoryLimit(cfg config.Config, dev bool, log *slog.Logger) {
	limit := cfg.MemoryLimit
	if limit == 0 && dev && os.Getenv("GOMEMLIMIT") == "" {
		limit = config.DevMemoryLimit
	}
	if limit == 0 {
		return
	}
	debug.SetMemoryLimit(limit)
	if limit != config.NoMemoryLimit {
		log.Info("Go memory limit", "MiB", limit>>20)
	}
}

// servePprof serves Go's profiles on AAP_PPROF_ADDR (heap, goroutines, CPU) to measure
// where memory goes (README, Measuring); a listener of its own, without a token, like
// the worker's /metrics: keep it on loopback. Nil when addr is empty.
func servePprof(addr string, log *slog.Logger) (*httpServer, error) {
	if addr == "" {
		return nil, nil
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index) // heap, goroutine, allocs… by name
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen on %s (AAP_PPROF_ADDR): %w", addr, err)
	}
	srv := serveOn(ln, mux, log)
	log.Info("Go profiles", "url", "http://"+srv.addr+"/debug/pprof/")
	return srv, nil
}
