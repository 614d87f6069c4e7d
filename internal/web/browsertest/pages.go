package browsertest

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"
)

// Page is one page axe.mjs loads: signed in with Cookie when given; Fill, Check and
// Submit send its form (refused or accepted) before the check.
type Page struct {
	Name   string            `json:"name"`
	URL    string            `json:"url"`
	Cookie string            `json:"cookie,omitempty"`
	Fill   map[string]string `json:"fill,omitempty"`
	// Check checks the radio button of each name with its value.
	Check  map[string]string `json:"check,omitempty"`
	Submit bool              `json:"submit,omitempty"`
	// Once sends the form at the first width only (its acceptance changes the page).
	Once bool `json:"once,omitempty"`
}

// CheckPages loads pages in Chromium with axe.mjs (root is the repository's root),
// each at 1280 and 320 px, screenshots in ScreenshotDir, and checks every result
// (CheckAll). It returns the results.
func CheckPages(t testing.TB, node, chromium, root string, pages []Page, want map[string]int) []Result {
	t.Helper()
	dir := ScreenshotDir(t)
	var results []Result
	Run(t, node, chromium, root, "axe.mjs", map[string]any{"screenshotDir": dir, "pages": pages}, &results)
	require.Len(t, results, 2*len(pages), "each page at 1280 and 320 px")
	CheckAll(t, results, want)
	t.Logf("screenshots in %s", dir)
	return results
}

// CheckAll checks each result (Check): its status is want[its name], 200 when not named.
func CheckAll(t testing.TB, results []Result, want map[string]int) {
	t.Helper()
	for _, r := range results {
		status := want[r.Name]
		if status == 0 {
			status = http.StatusOK
		}
		Check(t, r, status)
	}
}
