package api_test

import (
	"bytes"
	"context"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
	"github.com/stretchr/testify/require"
)

// contract is api/openapi.yaml loaded once for the package's tests: every JSON
// answer of testEnv.do whose route and status the document describes is
// validated against its schema (required properties, types, enums, formats).
var contract struct {
	once   sync.Once
	router routers.Router
	err    error
}

func contractRouter() (routers.Router, error) {
	contract.once.Do(func() {
		doc, err := openapi3.NewLoader().LoadFromFile("openapi.yaml")
		if err != nil {
			contract.err = err
			return
		}
		if err = doc.Validate(context.Background()); err != nil {
			contract.err = err
			return
		}
		doc.Servers = nil // the tests' requests go to httptest's example.com
		contract.router, contract.err = legacy.NewRouter(doc)
	})
	return contract.router, contract.err
}

// checkContract fails t when rec, the answer to req, is JSON and contradicts
// the document's schema for its route and status. Answers the document does
// not describe (an undocumented route or status, a page, a workbook) pass:
// the router test checks that every route is documented.
func checkContract(t *testing.T, req *http.Request, rec *httptest.ResponseRecorder) {
	t.Helper()
	if err := contractError(req, rec); err != nil {
		t.Errorf("%s %s answered %d, which api/openapi.yaml does not allow: %v\nbody: %s",
			req.Method, req.URL.RequestURI(), rec.Code, err, rec.Body.String())
	}
}

func contractError(req *http.Request, rec *httptest.ResponseRecorder) error {
	router, err := contractRouter()
	if err != nil {
		return err
	}
	if ct, _, _ := mime.ParseMediaType(rec.Header().Get("Content-Type")); ct != "application/json" {
		return nil
	}
	route, params, err := router.FindRoute(req)
	if err != nil {
		return nil // not a documented route: TestEveryRouteIsDocumented's concern
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 rec.Code,
		Header:                 rec.Header(),
		Body:                   io.NopCloser(bytes.NewReader(rec.Body.Bytes())),
		Options:                &openapi3filter.Options{MultiError: true},
	}
	return openapi3filter.ValidateResponse(context.Background(), in)
}

// TestContractCatchesAWrongAnswer shows the check can fail: a campaign answer
// without its required properties, and an error without its code, are refused;
// the same answers whole pass.
func TestContractCatchesAWrongAnswer(t *testing.T) {
	req := httptest.NewRequest(http.MethodGet, "/api/v1/campaigns/0b0c9f3e-6a55-4d43-9a8f-2c1e1c6a3f10", nil)
	answer := func(status int, body string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		rec.Header().Set("Content-Type", "application/json; charset=utf-8")
		rec.WriteHeader(status)
		rec.WriteString(body)
		return rec
	}
	require.Error(t, contractError(req, answer(http.StatusOK, `{"id": "0b0c9f3e-6a55-4d43-9a8f-2c1e1c6a3f10"}`)))
	require.Error(t, contractError(req, answer(http.StatusNotFound, `{"error": {"message": "Ressource introuvable."}}`)))
	require.NoError(t, contractError(req, answer(http.StatusNotFound, `{"error": {"code": "not_found", "message": "Ressource introuvable."}}`)))
}
