package engine_test

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/engine"
)

func TestProbeSucceedsOnlyOnA2xx(t *testing.T) {
	status := http.StatusOK
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(status) }))
	defer srv.Close()
	require.Equal(t, 0, engine.Main([]string{"probe", srv.URL + "/readyz"}, io.Discard, io.Discard))
	status = http.StatusServiceUnavailable
	require.Equal(t, 1, engine.Main([]string{"probe", srv.URL + "/readyz"}, io.Discard, io.Discard))

	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closed := "http://" + l.Addr().String() + "/readyz"
	require.NoError(t, l.Close())
	require.Equal(t, 1, engine.Main([]string{"probe", closed}, io.Discard, io.Discard), "nothing listening")
	require.Equal(t, 2, engine.Main([]string{"probe"}, io.Discard, io.Discard), "no URL")
}
