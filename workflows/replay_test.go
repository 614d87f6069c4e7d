package workflows

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/worker"
)

// TestRecordedHistoriesReplay replays every history recorded from an earlier
// version of the workflows (tools/recordhistory). A change that breaks
// determinism for a running workflow fails here; guard it with workflow.GetVersion.
func TestRecordedHistoriesReplay(t *testing.T) {
	files, err := filepath.Glob("testdata/histories/*.json")
	require.NoError(t, err)
	require.NotEmpty(t, files, "no recorded history: run tools/recordhistory")
	controls, err := filepath.Glob("testdata/histories/control-*.json")
	require.NoError(t, err)
	require.NotEmpty(t, controls, "no recorded control workflow: run tools/recordhistory -workflow control")
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			replayer := worker.NewWorkflowReplayer()
			replayer.RegisterWorkflow(CampaignWorkflow)
			replayer.RegisterWorkflow(ApplicationWorkflow)
			replayer.RegisterWorkflow(PNEWorkflow)
			replayer.RegisterWorkflow(ControlWorkflow)
			replayer.RegisterWorkflow(CTAIWorkflow)
			require.NoError(t, replayer.ReplayWorkflowHistoryFromJSONFile(nil, file))
		})
	}
}
