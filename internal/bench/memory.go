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

// residentMB reads process_resident_memory_bytes from the engine's /metrics (a
// DIAN token), in MB.
func residentMB(ctx context.Context, api *apiClient) (float64, error) {
	status, body, err := api.do(ctx, http.MethodGet, "/metrics", nil)
	if err != nil {
		return 0, err
	}
	if status != http.StatusOK {
		return 0, fmt.Errorf("/metrics: %d", status)
	}
	return parseResident(body)
}

// parseResident finds process_resident_memory_bytes in Prometheus' text format, in MB.
func parseResident(body []byte) (float64, error) {
	sc := bufio.NewScanner(bytes.NewReader(body))
	sc.Buffer(make([]byte, 0, 64*1024), 1024*1024)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "process_resident_memory_bytes "); ok {
			b, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0, fmt.Errorf("process_resident_memory_bytes %q: %w", v, err)
			}
			return round(b / 1e6), nil
		}
	}
	return 0, fmt.Errorf("/metrics has no process_resident_memory_bytes")
}
