package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Result is what measure.mjs found on a page at one width.
type Result struct {
	Name           string   `json:"name"`
	Width          int      `json:"width"`
	Status         int      `json:"status"`
	ScrollWidth    int      `json:"scrollWidth"`
	Viewport       int      `json:"viewport"`
	FontFamily     string   `json:"fontFamily"`
	FontsLoaded    []string `json:"fontsLoaded"`
	Screenshot     string   `json:"screenshot"`
	CSPViolations  []string `json:"cspViolations"`
	FailedRequests []string `json:"failedRequests"`
	Violations     []struct {
		ID     string   `json:"id"`
		Impact string   `json:"impact"`
		Help   string   `json:"help"`
		Nodes  []string `json:"nodes"`
	} `json:"violations"`
}

// Tools finds node, the npm packages installed beside this folder's scripts (npm ci in
// internal/web/browsertest of the repository whose root is root) and
// Chromium; without one of them the test skips, unless AAP_REQUIRE_BROWSER=1 (.ci/run
// sets it): then it fails.
func Tools(t testing.TB, root string) (node, chromium string) {
	t.Helper()
	chromium = Chromium(t)
	node, err := exec.LookPath("node")
	if err != nil {
		Missing(t, "no node on PATH")
	}
	for _, pkg := range []string{"playwright-core", "axe-core"} {
		if _, err := os.Stat(filepath.Join(root, "internal", "web", "browsertest", "node_modules", pkg, "package.json")); err != nil {
			Missing(t, "internal/web/browsertest/node_modules/"+pkg+" is missing: run npm ci in internal/web/browsertest")
		}
	}
	return node, chromium
}

// ScreenshotDir is AAP_SCREENSHOT_DIR (made absolute), or a temporary directory when unset.
func ScreenshotDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("AAP_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	dir, err := filepath.Abs(dir)
	require.NoError(t, err)
	require.NoError(t, os.MkdirAll(dir, 0o755))
	return dir
}

const scriptTimeout = 12 * time.Minute

// Run runs one of this folder's scripts (root is the repository's root) with input as
// JSON on stdin, and decodes what it prints into output. The script is killed after
// scriptTimeout: the agent pages' script checks some thirty pages at two widths with axe,
// which took over 5 minutes on a loaded 2-core machine.
func Run(t testing.TB, node, chromium, root, script string, input, output any) {
	t.Helper()
	in, err := json.Marshal(input)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), scriptTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join(root, "internal", "web", "browsertest", script))
	cmd.Env = append(os.Environ(), "AAP_CHROMIUM="+chromium)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	require.NoError(t, json.Unmarshal(out, output), string(out))
}

// Check: the page answered want, axe found nothing, nothing scrolls sideways, the DSFR
// loaded under the Content-Security-Policy, the screenshot is a real picture.
func Check(t testing.TB, r Result, want int) {
	t.Helper()
	assert.Equal(t, want, r.Status, "%s: status", r.Name)
	for _, v := range r.Violations {
		assert.Failf(t, "axe violation", "%s at %d px: %s (%s, %s) on %v", r.Name, r.Width, v.ID, v.Impact, v.Help, v.Nodes)
	}
	assert.LessOrEqual(t, r.ScrollWidth, r.Viewport, "%s at %d px scrolls sideways", r.Name, r.Width)
	assert.Empty(t, r.CSPViolations, "%s: the Content-Security-Policy blocked something", r.Name)
	assert.Empty(t, r.FailedRequests, "%s: a file of the page is missing", r.Name)
	assert.Contains(t, r.FontFamily, "Marianne", "%s: the DSFR's stylesheet applies", r.Name)
	assert.Contains(t, r.FontsLoaded, "Marianne", "%s: the Marianne font loads", r.Name)
	if info, err := os.Stat(r.Screenshot); assert.NoError(t, err, r.Name) {
		assert.Greater(t, info.Size(), int64(5_000), "%s: a real picture", r.Screenshot)
	}
}
