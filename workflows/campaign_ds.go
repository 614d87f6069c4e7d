package workflows

import (
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/workflow"
)

// dsClosureWait bounds how long the closure summary waits for the DS connector's pull
// after the closure: DS down longer, the summary leaves with what is known, and the
// call's page and API show the rest when the pull succeeds.
const dsClosureWait = time.Hour

// DSConnectorWorkflowID is a call's DS connector: "<campaign workflow ID>/ds".
func DSConnectorWorkflowID(campaignWorkflowID string) string { return campaignWorkflowID + "/ds" }

// startDSConnector starts, at the publication, the connector of a call that takes its
// dossiers from a DS démarche. It outlives the campaign's run if need be (abandon).
func (c *campaign) startDSConnector(ctx workflow.Context) {
	if c.in.DSDemarche == 0 {
		return
	}
	opts := workflow.ChildWorkflowOptions{
		WorkflowID:        DSConnectorWorkflowID(workflow.GetInfo(ctx).WorkflowExecution.ID),
		ParentClosePolicy: enumspb.PARENT_CLOSE_POLICY_ABANDON,
	}
	in := DSConnectorInput{CampaignID: c.in.CampaignID, CloseAt: c.in.CloseAt, PullEvery: c.in.DSPullEvery}
	c.dsConnector = workflow.ExecuteChildWorkflow(workflow.WithChildOptions(ctx, opts), DSConnectorWorkflow, in)
	if err := c.dsConnector.GetChildWorkflowExecution().Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Error("DS connector not started", "campaign", c.in.CampaignID, "error", err)
		c.dsConnector = nil
	}
}

// awaitDSFinalPull lets the connector's pull after the closure file the last DS
// dossiers (and list the refused ones) before the closure summary, for dsClosureWait at most.
func (c *campaign) awaitDSFinalPull(ctx workflow.Context) {
	if c.dsConnector == nil {
		return
	}
	timerCtx, cancel := workflow.WithCancel(ctx)
	defer cancel()
	sel := workflow.NewSelector(ctx)
	sel.AddFuture(c.dsConnector, func(f workflow.Future) {
		if err := f.Get(ctx, nil); err != nil {
			workflow.GetLogger(ctx).Warn("DS connector ended in error", "campaign", c.in.CampaignID, "error", err)
		}
	})
	sel.AddFuture(workflow.NewTimer(timerCtx, dsClosureWait), func(workflow.Future) {
		workflow.GetLogger(ctx).Warn("closure summary sent before the DS pull after the closure", "campaign", c.in.CampaignID)
	})
	sel.Select(ctx)
}
