package topologytest

import (
	"bytes"
	"context"
	mathrand "math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// binaries are built once per run, from the module's go.mod: aap itself, the Temporal
// server of the version aap embeds, and that version's SQL schema tool.
type binaries struct {
	aap, server, sqlTool string
}

func buildBinaries(t *testing.T) binaries {
	t.Helper()
	dir := t.TempDir()
	start := time.Now()
	// One go build: the three link in parallel and share the build cache; without their
	// symbol tables and DWARF (-s -w), linking the server takes a fraction of the time.
	cmd := exec.Command("go", "build", "-ldflags=-s -w", "-o", dir+string(filepath.Separator),
		"github.com/dian-p104/aap/cmd/aap", "go.temporal.io/server/cmd/server", "go.temporal.io/server/cmd/tools/sql")
	out, err := cmd.CombinedOutput()
	require.NoError(t, err, "go build: %s", out)
	t.Logf("binaries built in %s", time.Since(start).Round(time.Second))
	return binaries{aap: filepath.Join(dir, "aap"), server: filepath.Join(dir, "server"), sqlTool: filepath.Join(dir, "sql")}
}

// moduleDir is where go.temporal.io/server sits in the module cache (its SQL schemas).
func moduleDir(t *testing.T, module string) string {
	t.Helper()
	out, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", module).Output()
	require.NoError(t, err)
	return strings.TrimSpace(string(out))
}

// process is one running binary, its output kept in a file shown when the test fails.
type process struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{}
}

// start runs bin with args and env (added to the test's), and stops it at the end of the test.
func start(t *testing.T, name, bin string, env []string, args ...string) *process {
	t.Helper()
	log := filepath.Join(t.TempDir(), name+".log")
	f, err := os.Create(log)
	require.NoError(t, err)
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	cmd.Stdout, cmd.Stderr = f, f
	require.NoError(t, cmd.Start(), name)
	p := &process{name: name, cmd: cmd, log: log, done: make(chan struct{})}
	go func() {
		_ = cmd.Wait()
		_ = f.Close()
		close(p.done)
	}()
	t.Cleanup(func() {
		p.stop()
		if t.Failed() {
			p.dumpLog(t)
		}
	})
	return p
}

// run runs bin to completion and returns its standard output.
func run(t *testing.T, name, bin string, env []string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Run(), "%s: %s\n%s", name, stdout.String(), tail(stderr.String()))
	return stdout.String()
}

// stop ends the process gently, then for good.
func (p *process) stop() {
	select {
	case <-p.done:
		return
	default:
	}
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		_ = p.cmd.Process.Kill()
		<-p.done
	}
}

// kill is what a lost machine does: SIGKILL, no cleanup.
func (p *process) kill(t *testing.T) {
	t.Helper()
	require.NoError(t, p.cmd.Process.Kill())
	<-p.done
}

func (p *process) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *process) dumpLog(t *testing.T) {
	b, err := os.ReadFile(p.log)
	if err == nil {
		t.Logf("--- %s (last lines) ---\n%s", p.name, tail(string(b)))
	}
}

func tail(s string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > 60 {
		lines = lines[len(lines)-60:]
	}
	return strings.Join(lines, "\n")
}

// freePorts reserves n distinct free TCP ports on 127.0.0.1, below 32768: Temporal keeps
// its membership ports in a PostgreSQL smallint, which the kernel's ephemeral ports
// (32768 and up) overflow. They are held open together so that none is handed out twice,
// and released just before use.
func freePorts(t *testing.T, n int) []int {
	t.Helper()
	ports := make([]int, 0, n)
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	for attempt := 0; len(ports) < n && attempt < 1000; attempt++ {
		port := 20000 + mathrand.IntN(12000)
		l, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
		if err != nil {
			continue
		}
		listeners = append(listeners, l)
		ports = append(ports, port)
	}
	require.Len(t, ports, n, "free ports between 20000 and 32000")
	return ports
}
