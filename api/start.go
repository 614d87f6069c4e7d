package api

import (
	"context"
	"errors"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// startOnce starts a workflow of a campaign (its own or one of its dossiers')
// exactly once: the ID is derived from the record, a second start finds the
// first workflow, running or ended. Its search attributes carry no personal data.
func startOnce(ctx context.Context, tc client.Client, workflowID string, c *models.Campaign, phase string, workflow, input any) error {
	opts := client.StartWorkflowOptions{
		ID:                       workflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.YearKey.ValueSet(int64(c.Year)),
			workflows.TerritoryKey.ValueSet(c.Territory),
			workflows.LevelKey.ValueSet(c.Level),
			workflows.PhaseKey.ValueSet(phase),
		),
	}
	_, err := tc.ExecuteWorkflow(ctx, opts, workflow, input)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if errors.As(err, &started) {
		return nil // it ran before and has ended: the record exists
	}
	return err
}
