package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/workflows"
)

// startPNEWorkflows starts the PNE workflow (§8.4) of the current year and of
// the next, once each: a workflow already running or already finished for its
// year is left as it is. A year whose policy has no PNE calendar (demo) or whose
// questionnaire has already closed is not started.
func startPNEWorkflows(ctx context.Context, tc client.Client, pols *policy.Set, cfg config.Config, now time.Time, log *slog.Logger) error {
	thisYear := policy.DateOf(now).Year
	for _, year := range []int{thisYear, thisYear + 1} {
		pol, err := pols.ForYear(year)
		if err != nil {
			log.Info("no PNE workflow: no policy covers the year", "year", year)
			continue
		}
		_, _, closeAt, _, ok := workflows.PNESchedule(year, pol)
		if !ok || !now.Before(closeAt) {
			continue
		}
		in := workflows.PNEInput{Year: year, Policy: pol, SurveyURL: cfg.PNESurveyURL,
			MailRetryFor: cfg.MailRetryFor, PerSecond: cfg.MailRate, LimeSurvey: cfg.LimeSurvey.URL != ""}
		if err := StartPNEWorkflow(ctx, tc, in); err != nil {
			return err
		}
	}
	return nil
}

// StartPNEWorkflow starts the PNE workflow of in.Year with its search
// attributes, once: a workflow already running or already finished for the
// year is left as it is.
func StartPNEWorkflow(ctx context.Context, tc client.Client, in workflows.PNEInput) error {
	opts := client.StartWorkflowOptions{
		ID:        workflows.PNEWorkflowID(in.Year),
		TaskQueue: workflows.TaskQueue,
		// A year's PNE runs once; only a failed or terminated run may be started again.
		WorkflowIDReusePolicy:    enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY,
		WorkflowIDConflictPolicy: enumspb.WORKFLOW_ID_CONFLICT_POLICY_USE_EXISTING,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.YearKey.ValueSet(int64(in.Year)),
			// The PNE is national (§8.4): its territory is the whole country.
			workflows.TerritoryKey.ValueSet(workflows.NationalTerritory),
			workflows.LevelKey.ValueSet(workflows.LevelNational),
			workflows.PhaseKey.ValueSet(workflows.PNEPhaseScheduled),
		),
	}
	_, err := tc.ExecuteWorkflow(ctx, opts, workflows.PNEWorkflow, in)
	var started *serviceerror.WorkflowExecutionAlreadyStarted
	if err != nil && !errors.As(err, &started) {
		return fmt.Errorf("start the PNE workflow of %d: %w", in.Year, err)
	}
	return nil
}
