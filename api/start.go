package api

import (
	"context"
	"log/slog"

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
	return startWith(ctx, tc, startOptions(workflowID, attrs), workflow, input)
}

// startOptions are startOnce's: the ID decides, a second start finds the first.
func startOptions(workflowID string, attrs temporal.SearchAttributes) client.StartWorkflowOptions {
	return client.StartWorkflowOptions{
		ID:                       workflowID,
		TaskQueue:                workflows.TaskQueue,
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes:    attrs,
	}
}

// startWith starts a workflow once with startOptions (and, say, a start delay).
func startWith(ctx context.Context, tc client.Client, opts client.StartWorkflowOptions, workflow, input any) error {
	_, err := tc.ExecuteWorkflow(ctx, opts, workflow, input)
	if alreadyStarted(err) {
		return nil // it ran before and has ended: the record exists
	}
	return err
}

// startOrUndo starts the workflow of a record this request stored (created) or
// found. When the engine cannot start it, a record the request created is
// removed, so that nothing is left behind and the caller retries the whole
// request, and the answer is engine_unavailable (503).
func startOrUndo(ctx context.Context, log *slog.Logger, kind, id string, created bool, start func() error, remove func(context.Context, string) error) error {
	err := start()
	if err == nil {
		return nil
	}
	if created {
		if delErr := remove(context.WithoutCancel(ctx), id); delErr != nil {
			log.Error("remove "+kind+" whose workflow did not start", kind, id, "error", delErr)
		}
	}
	log.Error("start "+kind+" workflow", kind, id, "error", err)
	return errEngineUnavailable
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
