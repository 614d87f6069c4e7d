package workflows

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/interceptor"
	"go.temporal.io/sdk/worker"
)

// TestHistoryMeterBoundsRecordedHistories replays the histories a real
// Temporal server recorded (testdata/histories) through the meter the
// national-year benchmark uses: its estimate of each history's length is never
// below the real length, and at most a quarter above it (Temporal folds wake-ups that
// arrive together into one workflow task; the meter counts one task per wake-up).
func TestHistoryMeterBoundsRecordedHistories(t *testing.T) {
	files, err := filepath.Glob("testdata/histories/*/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files)
	for _, file := range files {
		t.Run(filepath.Join(filepath.Base(filepath.Dir(file)), filepath.Base(file)), func(t *testing.T) {
			meter := &historyMeter{}
			replayer := newReplayer(t, worker.WorkflowReplayerOptions{
				Interceptors: []interceptor.WorkerInterceptor{&meterInterceptor{meter: meter}},
			})
			require.NoError(t, replayer.ReplayWorkflowHistoryFromJSONFile(nil, file))
			recorded := recordedLength(t, file)
			t.Logf("%s: %d events recorded, %d estimated", file, recorded, meter.events())
			require.GreaterOrEqual(t, meter.events(), recorded, "the estimate is an upper bound")
			require.LessOrEqual(t, meter.events(), recorded*5/4, "the estimate stays within 25 %% of the real length")
		})
	}
}
