package bench

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
)

// residentMB reads process_resident_memory_bytes from the engine's /metrics, in MB.
func residentMB(ctx context.Context, api *apiClient) (float64, error) {
	b, err := processMetric(ctx, api, "process_resident_memory_bytes")
	return round(b / 1e6), err
}

// processMetric reads one unlabelled metric from the engine's /metrics (a DIAN token).
func processMetric(ctx context.Context, api *apiClient, name string) (float64, error) {
	status, body, err := api.do(ctx, http.MethodGet, "/metrics", nil)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("/metrics: %d", status)
	}
	return parseMetric(body, name)
}

// parseMetric finds an unlabelled metric's value in Prometheus' text format.
func parseMetric(body []byte, name string) (float64, error) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			b, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("%s %q: %w", name, v, err)
			}
			return b, nil
		}
	}
	return 0, fmt.Errorf("/metrics has no %s", name)
}
