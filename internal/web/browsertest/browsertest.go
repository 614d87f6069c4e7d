// Package browsertest finds the real browser the page tests drive (Debian's
// chromium, which .ci/run installs) and holds axe.mjs, the axe-core check run in it.
package browsertest

import (
	"os"
	"os/exec"
	"testing"
)

// Missing skips the test for want of a browser tool, unless AAP_REQUIRE_BROWSER=1
// (.ci/run sets it): there the tool must be present, and its absence fails the test.
func Missing(t testing.TB, what string) {
	t.Helper()
	if os.Getenv("AAP_REQUIRE_BROWSER") == "1" {
		t.Fatalf("browser test required (AAP_REQUIRE_BROWSER=1) but %s", what)
	}
	t.Skipf("browser test skipped: %s", what)
}

// Chromium is AAP_CHROMIUM, or the chromium found on PATH; without one, Missing.
func Chromium(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("AAP_CHROMIUM"); p != "" {
		if _, err := os.Stat(p); err != nil {
			Missing(t, "no Chromium at AAP_CHROMIUM="+p)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	Missing(t, "no chromium on PATH (Debian's chromium package; .ci/run installs it)")
	return ""
}
