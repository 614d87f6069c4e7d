package api_test

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/api/workflowservice/v1"
	"go.temporal.io/sdk/client"
	"google.golang.org/grpc"
	"gopkg.in/yaml.v3"

	"github.com/dian-p104/aap/internal/platform/mailcatcher"
)

func TestHealthz(t *testing.T) {
	e := newEnv(t)

	rec := e.get(t, "/healthz")

	require.Equal(t, http.StatusOK, rec.Code)
	assert.JSONEq(t, `{"status": "ok"}`, rec.Body.String())
	assert.Empty(t, e.temporal.Calls, "liveness asks nothing of Temporal")
}

// describeNamespace answers DescribeNamespace with err; the rest of the service is not called.
type describeNamespace struct {
	workflowservice.WorkflowServiceClient
	err   error
	asked []string
}

func (d *describeNamespace) DescribeNamespace(_ context.Context, req *workflowservice.DescribeNamespaceRequest, _ ...grpc.CallOption) (*workflowservice.DescribeNamespaceResponse, error) {
	d.asked = append(d.asked, req.GetNamespace())
	if d.err != nil {
		return nil, d.err
	}
	return &workflowservice.DescribeNamespaceResponse{}, nil
}

func TestReadyz(t *testing.T) {
	for _, tc := range []struct {
		name       string
		healthErr  error
		nsErr      error
		closeDB    bool
		wantStatus int
		wantBody   string
	}{
		{"everything answers", nil, nil, false, http.StatusOK,
			`{"status": "ready", "namespace": "default", "checks": {"database": "ok", "temporal": "ok", "namespace": "ok"}}`},
		{"Temporal unreachable", errors.New("connection refused"), nil, false, http.StatusServiceUnavailable,
			`{"status": "not_ready", "namespace": "default", "checks": {"database": "ok", "temporal": "unreachable", "namespace": "not_checked"}}`},
		{"the namespace does not exist", nil, serviceerror.NewNamespaceNotFound("default"), false, http.StatusServiceUnavailable,
			`{"status": "not_ready", "namespace": "default", "checks": {"database": "ok", "temporal": "ok", "namespace": "not_found"}}`},
		{"the namespace cannot be read", nil, serviceerror.NewUnavailable("frontend restarting"), false, http.StatusServiceUnavailable,
			`{"status": "not_ready", "namespace": "default", "checks": {"database": "ok", "temporal": "ok", "namespace": "unreachable"}}`},
		{"database closed", nil, nil, true, http.StatusServiceUnavailable,
			`{"status": "not_ready", "namespace": "default", "checks": {"database": "unreachable", "temporal": "ok", "namespace": "ok"}}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			var resp *client.CheckHealthResponse
			if tc.healthErr == nil {
				resp = &client.CheckHealthResponse{}
			}
			e.temporal.On("CheckHealth", mock.Anything, mock.Anything).Return(resp, tc.healthErr).Once()
			ws := &describeNamespace{err: tc.nsErr}
			if tc.healthErr == nil {
				e.temporal.On("WorkflowService").Return(ws).Once()
			}
			if tc.closeDB {
				sqlDB, err := e.db.DB()
				require.NoError(t, err)
				require.NoError(t, sqlDB.Close())
			}

			rec := e.get(t, "/readyz")

			assert.Equal(t, tc.wantStatus, rec.Code)
			assert.JSONEq(t, tc.wantBody, rec.Body.String())
			if tc.healthErr == nil {
				assert.Equal(t, []string{"default"}, ws.asked, "the configured namespace is the one checked")
			}
		})
	}
}

func TestUnknownRouteIsAJSONNotFound(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct{ method, path string }{
		{http.MethodGet, "/api/v1/nothing"},
		{http.MethodGet, "/nulle-part"}, // "/" is the dashboard
		{http.MethodDelete, "/api/v1/campaigns"},
		{http.MethodGet, "/dev/mail"}, // no catcher outside dev mode
	} {
		t.Run(tc.method+" "+tc.path, func(t *testing.T) {
			requireProblem(t, e.do(t, tc.method, tc.path, nil), http.StatusNotFound, "not_found")
		})
	}
}

func TestRequestID(t *testing.T) {
	e := newEnv(t)

	given := e.do(t, http.MethodGet, "/healthz", nil, "X-Request-ID", "trace-42")
	assert.Equal(t, "trace-42", given.Header().Get("X-Request-ID"), "the caller's id is kept")

	made := e.get(t, "/healthz")
	assert.Regexp(t, `^[0-9a-f-]{36}$`, made.Header().Get("X-Request-ID"), "an id is made when none is given")

	tooLong := e.do(t, http.MethodGet, "/healthz", nil, "X-Request-ID", strings.Repeat("x", 101))
	assert.Regexp(t, `^[0-9a-f-]{36}$`, tooLong.Header().Get("X-Request-ID"), "an over-long id is replaced")
}

func TestServesTheOpenAPIDocument(t *testing.T) {
	e := newEnv(t)
	want, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)

	rec := e.get(t, "/api/openapi.yaml")

	require.Equal(t, http.StatusOK, rec.Code)
	assert.Contains(t, rec.Header().Get("Content-Type"), "yaml")
	assert.Equal(t, string(want), rec.Body.String())
}

// openAPIOperations reads api/openapi.yaml into "METHOD /path" operations.
func openAPIOperations(t *testing.T) map[string]bool {
	t.Helper()
	raw, err := os.ReadFile("openapi.yaml")
	require.NoError(t, err)
	var doc struct {
		OpenAPI string                               `yaml:"openapi"`
		Paths   map[string]map[string]map[string]any `yaml:"paths"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &doc))
	require.True(t, strings.HasPrefix(doc.OpenAPI, "3."), "an OpenAPI 3 document")
	ops := map[string]bool{}
	for path, item := range doc.Paths {
		for method, op := range item {
			if method == "parameters" || method == "summary" || method == "description" {
				continue
			}
			ops[strings.ToUpper(method)+" "+path] = true
			assert.NotEmpty(t, op["responses"], "%s %s documents its responses", method, path)
		}
	}
	return ops
}

var ginParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// routeOperations lists the routes a gin engine registered, as OpenAPI "METHOD /path" operations.
func routeOperations(e *testEnv) []string {
	var ops []string
	for _, r := range e.router.Routes() {
		ops = append(ops, r.Method+" "+ginParam.ReplaceAllString(r.Path, "{$1}"))
	}
	sort.Strings(ops)
	return ops
}

// Every route, the dev mail catcher's included, is documented under its path
// with its method, and nothing is documented that is not served.
func TestOpenAPIDocumentsEveryRoute(t *testing.T) {
	catcher, err := mailcatcher.Start(mailcatcher.Options{Addr: "127.0.0.1:0", Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = catcher.Close() })
	e := newEnv(t, withDevMode(), withCatcher(catcher))
	documented := openAPIOperations(t)

	routes := routeOperations(e)

	require.Contains(t, routes, "GET /dev/mail/{id}/attachments/{index}", "the catcher's routes are registered")
	require.Contains(t, routes, "GET /api/v1/campaigns/{id}", "gin's :id is written {id}")
	for _, op := range routes {
		assert.True(t, documented[op], "route %s is served but not documented in api/openapi.yaml", op)
	}
	served := map[string]bool{}
	for _, op := range routes {
		served[op] = true
	}
	for op := range documented {
		assert.True(t, served[op], "api/openapi.yaml documents %s, which no route serves", op)
	}
}
