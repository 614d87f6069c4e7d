package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/api"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/workflows"
)

// No record without its workflow (api.PendingStarts explains the design). The reconciler
// runs at the start of `aap api` and `aap dev`, and every minute on a worker through a
// Temporal Schedule that `aap migrate` and `aap dev` create: the repair outlives any API
// replica, and needs no loop of its own in the API.

// pendingStarts builds the reconciler on the database and the Temporal client.
func pendingStarts(db *gorm.DB, tc client.Client, cfg config.Config, pols *policy.Set, log *slog.Logger) *api.PendingStarts {
	campaigns := store.NewCampaigns(db)
	return &api.PendingStarts{
		Campaigns: &api.CampaignService{Temporal: tc, Campaigns: campaigns, Policies: pols,
			MailRetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log},
		Applications: &api.ApplicationService{Temporal: tc, Campaigns: campaigns, Applications: store.NewApplications(db),
			MailRetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log},
		CTAI: &api.CTAIService{Temporal: tc, Requests: store.NewCTAIRequests(db), Policies: pols,
			MailRetryFor: cfg.MailRetryFor, Now: time.Now, Logger: log},
	}
}

// startPendingAtStart runs the reconciler once, in the background, as the API starts.
func startPendingAtStart(ctx context.Context, p *api.PendingStarts, log *slog.Logger) {
	go func() {
		if n, err := p.StartPending(ctx, time.Now().Add(-api.PendingGrace)); err != nil {
			log.Error("start pending workflows", "error", err)
		} else if n > 0 {
			log.Warn("started pending workflows", "count", n)
		}
	}()
}

// ensureReconcileSchedule creates the schedule that runs workflows.ReconcileWorkflow every
// minute, once: a schedule already there is left as it is (several `aap migrate` may run).
// A run still going when the next is due is skipped.
func ensureReconcileSchedule(ctx context.Context, tc client.Client, log *slog.Logger) error {
	_, err := tc.ScheduleClient().Create(ctx, client.ScheduleOptions{
		ID:   workflows.ReconcileScheduleID,
		Spec: client.ScheduleSpec{Intervals: []client.ScheduleIntervalSpec{{Every: workflows.ReconcileEvery}}},
		Action: &client.ScheduleWorkflowAction{
			ID:                       workflows.ReconcileScheduleID,
			Workflow:                 workflows.ReconcileWorkflow,
			Args:                     []any{workflows.ReconcileInput{Grace: api.PendingGrace}},
			TaskQueue:                workflows.TaskQueue,
			WorkflowExecutionTimeout: 5 * time.Minute,
		},
		Overlap: enumspb.SCHEDULE_OVERLAP_POLICY_SKIP,
	})
	if errors.Is(err, temporal.ErrScheduleAlreadyRunning) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("create the reconcile schedule: %w", err)
	}
	log.Info("reconcile schedule created", "schedule", workflows.ReconcileScheduleID, "every", workflows.ReconcileEvery)
	return nil
}
