package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/bench"
)

// aapbench runs end to end against a dev engine on a tiny size: every measure is
// printed, one JSON object a line, and the table names them. No figure is asserted.
func TestAapbenchRunsAgainstADevEngine(t *testing.T) {
	d := startDev(t, t.TempDir())
	t.Cleanup(d.Stop)
	token, ok := devTokens.Load(d.HTTPURL)
	require.True(t, ok)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	var out, table bytes.Buffer
	err := bench.Run(ctx, bench.Config{API: d.HTTPURL, Token: token.(string), Temporal: d.TemporalAddr, Namespace: "default",
		N: 10, C: 2, ReadRPS: 5, Duration: time.Second, Settle: 10 * time.Second}, &out, &table)
	require.NoError(t, err, table.String())

	var measures []string
	for line := range strings.Lines(out.String()) {
		var r map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		measures = append(measures, r["measure"].(string))
		if r["measure"] == "intake" {
			assert.Equal(t, 10.0, r["n"])
			assert.Contains(t, r, "bare_rate_per_s")
			assert.Contains(t, r, "ratio")
		}
		if r["measure"] == "settle" {
			assert.Contains(t, r, "settled", "caught up within -settle or not, it says which")
			assert.LessOrEqual(t, r["settle_s"], 30.0, "bounded by -settle (10 s) and a window (5 s), with room for a slow machine")
		}
	}
	assert.Equal(t, []string{"intake", "settle", "read_call", "read_dossier", "read_list", "read_overview", "memory"}, measures)
	for _, m := range measures {
		assert.Contains(t, table.String(), m)
	}
}
