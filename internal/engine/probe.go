package engine

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"time"
)

// runProbe runs `aap probe <url>`: the healthcheck of the api and worker containers, whose
// image (distroless) has no shell, curl or wget. It succeeds only on a 2xx answer within
// three seconds.
func runProbe(args []string, stderr io.Writer) int {
	if len(args) != 1 {
		fmt.Fprintln(stderr, "usage: aap probe http://127.0.0.1:8080/readyz")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, args[0], nil)
	if err != nil {
		fmt.Fprintf(stderr, "aap probe: %v\n", err)
		return 2
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		fmt.Fprintf(stderr, "aap probe: %v\n", err)
		return 1
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
	if resp.StatusCode/100 != 2 {
		fmt.Fprintf(stderr, "aap probe: %s answered %d: %s\n", args[0], resp.StatusCode, body)
		return 1
	}
	return 0
}
