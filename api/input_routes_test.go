package api_test

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// poisons are the texts no route may take: NUL, a C1 control, invalid UTF-8,
// each URL-encoded (for a path or a query), as a JSON string and as a form value.
var poisons = []struct{ name, escaped, jsonString string }{
	{"NUL", "a%00b", `"a\u0000b"`},
	{"C1 U+0085", "a%C2%85b", `"a\u0085b"`},
	{"invalid UTF-8", "a%FFb", "\"a\xffb\""},
}

var poisonParam = regexp.MustCompile(`[:*][A-Za-z_]+`)

// Every route of the router, with a poisoned path parameter, query parameter
// and body: the door refuses them (422) and nothing answers 5xx. The Temporal
// mock has no expectation: a poisoned request reaching a workflow fails the test.
func TestNoRouteAnswers5xxForPoisonedInput(t *testing.T) {
	e := newEnv(t)
	routes := e.router.Routes()
	if len(routes) < 40 {
		t.Fatalf("only %d routes: the router is not the whole API", len(routes))
	}
	send := func(t *testing.T, method, target, contentType string, body []byte) *httptest.ResponseRecorder {
		t.Helper()
		req := httptest.NewRequest(method, target, bytes.NewReader(body))
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		req.Header.Set("Authorization", "Bearer "+e.bearer)
		rec := httptest.NewRecorder()
		e.router.ServeHTTP(rec, req)
		return rec
	}
	for _, route := range routes {
		clean := poisonParam.ReplaceAllString(route.Path, "inconnu")
		for _, p := range poisons {
			t.Run(route.Method+" "+route.Path+" "+p.name, func(t *testing.T) {
				if poisonParam.MatchString(route.Path) {
					rec := send(t, route.Method, poisonParam.ReplaceAllString(route.Path, p.escaped), "", nil)
					assert.Equal(t, http.StatusUnprocessableEntity, rec.Code, "path parameter: %s", rec.Body.String())
				}
				rec := send(t, route.Method, clean+"?purpose="+p.escaped, "", nil)
				assert.Equal(t, http.StatusUnprocessableEntity, rec.Code, "query parameter: %s", rec.Body.String())

				if route.Method == http.MethodGet {
					return
				}
				rec = send(t, route.Method, clean, "application/x-www-form-urlencoded",
					[]byte("signed_by="+p.escaped+"&jeton="+p.escaped+"&spent_eur="+p.escaped))
				assert.Equal(t, http.StatusUnprocessableEntity, rec.Code, "form body: %s", rec.Body.String())
				for _, field := range []string{"title", "signed_by", "reason", "name", "note", "controller", "email"} {
					rec = send(t, route.Method, clean, "application/json", []byte(`{"`+field+`": `+p.jsonString+`}`))
					assert.Less(t, rec.Code, 500, "JSON body %s: %s", field, rec.Body.String())
					if strings.HasPrefix(route.Path, "/api/") { // pages take forms, and ignore a JSON body
						assert.GreaterOrEqual(t, rec.Code, 400, "JSON body %s accepted: %s", field, rec.Body.String())
					}
				}
			})
		}
	}
}

// The door on JSON bodies is the one decoder: no handler may read a body another way.
func TestEveryBodyGoesThroughTheOneDecoder(t *testing.T) {
	decoders := regexp.MustCompile(`json\.NewDecoder\(|json\.Unmarshal\(|\.ShouldBind|\.BindJSON\(|\.Bind\(|io\.ReadAll\(|GetRawData\(|readBody\(`)
	allowed := map[string]int{
		"decode.go":     4, // readBody (and its io.ReadAll), decodeStrict, bindJSON
		"pne_import.go": 1, // the CSV body, its cells checked line by line (refusedCells)
		// An earlier year's PNE results, CSV or XLSX, its cells checked line by line (refusedCells).
		"pne_history.go": 1,
		// An attachment of the filing form (parsed by ParseMultipartForm under its limits;
		// its text fields checked by readFilingForm), read to sniff and store it.
		"filing_attachments.go": 1,
		// The uploaded Cerfa's bytes (a multipart file, at most 10 MB, its type read from its
		// content); the form's text fields are checked with textinput.Check.
		"dossier_report.go": 1,
	}
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		n := len(decoders.FindAll(src, -1))
		assert.LessOrEqual(t, n, allowed[f], "%s reads a request body outside decodeStrict", f)
	}
}
