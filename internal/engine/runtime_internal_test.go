package engine

import (
	"io"
	"log/slog"
	"math"
	"net/http"
	"runtime/debug"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/platform/config"
)

// The Go memory limit: AAP_MEMORY_LIMIT when set; else `aap dev`'s default unless
// GOMEMLIMIT is set; else the runtime's own (none).
func TestApplyMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	log := slog.New(slog.DiscardHandler)
	current := func() int64 { return debug.SetMemoryLimit(-1) } // -1 reads it

	t.Setenv("GOMEMLIMIT", "")
	debug.SetMemoryLimit(math.MaxInt64)
	applyMemoryLimit(config.Config{}, false, log)
	require.Equal(t, int64(math.MaxInt64), current(), "aap api / aap worker: untouched")
	applyMemoryLimit(config.Config{}, true, log)
	require.Equal(t, int64(config.DevMemoryLimit), current(), "aap dev: its default")
	applyMemoryLimit(config.Config{MemoryLimit: 512 << 20}, false, log)
	require.Equal(t, int64(512<<20), current(), "set: taken by every command")
	applyMemoryLimit(config.Config{MemoryLimit: config.NoMemoryLimit}, true, log)
	require.Equal(t, int64(math.MaxInt64), current(), "off: none, even in aap dev")

	t.Setenv("GOMEMLIMIT", "1GiB") // read by the runtime at start; here only its presence counts
	applyMemoryLimit(config.Config{}, true, log)
	require.Equal(t, int64(math.MaxInt64), current(), "GOMEMLIMIT set: aap dev leaves it")
}

// AAP_PPROF_ADDR serves the heap profile; empty serves nothing.
func TestServePprof(t *testing.T) {
	log := slog.New(slog.DiscardHandler)
	srv, err := servePprof("", log)
	require.NoError(t, err)
	require.Nil(t, srv, "empty: not served")

	srv, err = servePprof("127.0.0.1:0", log)
	require.NoError(t, err)
	t.Cleanup(func() { _ = srv.shutdown() })
	resp, err := http.Get("http://" + srv.addr + "/debug/pprof/heap?debug=1")
	require.NoError(t, err)
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, resp.Body.Close())
	require.NoError(t, err)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.Contains(t, string(body), "heap profile")

	_, err = servePprof("127.0.0.1:no-port", log)
	require.ErrorContains(t, err, "AAP_PPROF_ADDR")
}
