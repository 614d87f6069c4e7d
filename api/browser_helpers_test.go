package api_test

import (
	"testing"

	"github.com/dian-p104/aap/internal/web/browsertest"
)

// browserResult is what the browser found on a page at one width.
type browserResult = browsertest.Result

// browserTools finds node, the npm packages (npm ci) and Chromium (browsertest.Tools).
func browserTools(t *testing.T) (node, chromium string) {
	t.Helper()
	return browsertest.Tools(t, "..")
}

// screenshotDir is AAP_SCREENSHOT_DIR, or a temporary directory when unset.
func screenshotDir(t *testing.T) string {
	t.Helper()
	return browsertest.ScreenshotDir(t)
}

// runNode runs one of internal/web/browsertest's scripts with input on stdin and decodes its output.
func runNode(t *testing.T, node, chromium, script string, input, output any) {
	t.Helper()
	browsertest.Run(t, node, chromium, "..", script, input, output)
}

// checkBrowserResult: axe found nothing, nothing scrolls sideways, the DSFR loaded under
// the Content-Security-Policy, the screenshot is a real picture.
func checkBrowserResult(t *testing.T, r browserResult, want int) {
	t.Helper()
	browsertest.Check(t, r, want)
}
