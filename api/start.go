package api

import (
	"context"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// startOnce starts a workflow exactly once: the ID is derived from the record,
// a second start finds the first workflow, running or ended. Its search
// attributes carry no personal data.
func startOnce(ctx context.Context, tc client.Client, workflowID string, attrs temporal.SearchAttributes, workflow, input any) error {
	opts := client.StartWorkflowOptions{
		ID:                       workflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    attrs,
	}
	_, err := tc.ExecuteWorkflow(ctx, opts, workflow, input)
	if alreadyStarted(err) {
		return nil // it ran before and has ended: the record exists
	}
	return err
}

// campaignAttributes are the search attributes of a workflow of a campaign (its own or one of its dossiers').
func campaignAttributes(c *models.Campaign, phase string) temporal.SearchAttributes {
	return temporal.NewSearchAttributes(
		workflows.YearKey.ValueSet(int64(c.Year)),
		workflows.TerritoryKey.ValueSet(c.Territory),
		workflows.LevelKey.ValueSet(c.Level),
		workflows.PhaseKey.ValueSet(phase),
	)
}
