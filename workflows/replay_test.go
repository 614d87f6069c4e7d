package workflows

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/worker"
)

// recordedTypes maps each history file of a release to the workflow type it holds.
var recordedTypes = map[string]string{
	"campaign.json": "CampaignWorkflow",
	"dossier.json":  "ApplicationWorkflow",
	"pne.json":      "PNEWorkflow",
	"control.json":  "ControlWorkflow",
	"ctai.json":     "CTAIWorkflow",
}

// TestRecordedHistoriesReplay replays the histories recorded from every
// release (testdata/histories/<release>/, cmd/recordhistory; docs/releases.md).
// A change that breaks determinism for a workflow a release may be running
// fails here; guard it with workflow.GetVersion (versions.go).
func TestRecordedHistoriesReplay(t *testing.T) {
	releases, err := filepath.Glob("testdata/histories/*")
	require.NoError(t, err)
	require.NotEmpty(t, releases, "no release recorded: run go run ./cmd/recordhistory -release vX.Y")
	for _, release := range releases {
		for file, workflowType := range recordedTypes {
			path := filepath.Join(release, file)
			require.FileExists(t, path, "every release records each workflow type")
			require.Equal(t, workflowType, recordedType(t, path), path)
		}
	}
	files, err := filepath.Glob("testdata/histories/*/*.json")
	require.NoError(t, err)
	for _, file := range files {
		t.Run(filepath.Join(filepath.Base(filepath.Dir(file)), filepath.Base(file)), func(t *testing.T) {
			require.NoError(t, newReplayer(t, worker.WorkflowReplayerOptions{}).ReplayWorkflowHistoryFromJSONFile(nil, file))
		})
	}
}

// recordedType reads the workflow type from a history's first event.
func recordedType(t *testing.T, path string) string {
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var h struct {
		Events []struct {
			WorkflowExecutionStartedEventAttributes struct {
				WorkflowType struct{ Name string }
			}
		}
	}
	require.NoError(t, json.Unmarshal(raw, &h))
	require.NotEmpty(t, h.Events, path)
	return h.Events[0].WorkflowExecutionStartedEventAttributes.WorkflowType.Name
}

// recordedLength counts a recorded history's events.
func recordedLength(t *testing.T, path string) int {
	raw, err := os.ReadFile(path)
	require.NoError(t, err)
	var h struct{ Events []json.RawMessage }
	require.NoError(t, json.Unmarshal(raw, &h))
	return len(h.Events)
}

// newReplayer is a replayer with every workflow type registered.
func newReplayer(t *testing.T, options worker.WorkflowReplayerOptions) worker.WorkflowReplayer {
	replayer, err := worker.NewWorkflowReplayerWithOptions(options)
	require.NoError(t, err)
	for _, w := range []any{CampaignWorkflow, ApplicationWorkflow, PNEWorkflow, ControlWorkflow, CTAIWorkflow} {
		replayer.RegisterWorkflow(w)
	}
	return replayer
}
