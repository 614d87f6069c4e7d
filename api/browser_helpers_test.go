package api_test

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

// screenshotDir is AAP_SCREENSHOT_DIR, or a temporary directory when unset.
func screenshotDir(t *testing.T) string {
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

// runNode runs one of internal/web/browsertest's scripts with input on stdin and decodes its output.
func runNode(t *testing.T, node, chromium, script string, input, output any) {
	t.Helper()
	in, err := json.Marshal(input)
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, filepath.Join("..", "internal", "web", "browsertest", script))
	cmd.Env = append(os.Environ(), "AAP_CHROMIUM="+chromium)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	require.NoError(t, json.Unmarshal(out, output), string(out))
}

// checkBrowserResult: axe found nothing, nothing scrolls sideways, the DSFR loaded under
// the Content-Security-Policy, the screenshot is a real picture.
func checkBrowserResult(t *testing.T, r browserResult, want int) {
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
