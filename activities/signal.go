package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/activity"

	"github.com/dian-p104/aap/models"
)

// DossierSignal names the signal an activity sends to every dossier of a call.
// The name, like its payload type, is declared next to the dossier's workflow
// (package workflows), which receives it; activities may not import workflows
// (workflows imports activities), so the campaign's workflow passes it in.
type DossierSignal struct {
	CampaignRef
	Signal string
}

// signalDossiers signals every dossier of a call for which payload returns a
// value (nil: skip it; an error stops the dispatch, retried). Progress is heartbeated so
// a retry resumes where it stopped; a dossier whose workflow has ended is left as it is.
func (a *Activities) signalDossiers(ctx context.Context, campaignID, signal string, payload func(context.Context, models.Application) (any, error)) error {
	all, err := a.Applications.All(ctx, campaignID)
	if err != nil {
		return err
	}
	start := 0
	if activity.HasHeartbeatDetails(ctx) {
		_ = activity.GetHeartbeatDetails(ctx, &start)
	}
	for i := start; i < len(all); i++ {
		arg, err := payload(ctx, all[i])
		if err != nil {
			return err
		}
		if arg != nil {
			err := a.Temporal.SignalWorkflow(ctx, all[i].WorkflowID, "", signal, arg)
			var gone *serviceerror.NotFound
			if errors.As(err, &gone) {
				a.log(ctx).Warn("dossier workflow not running; signal not delivered", "application", all[i].ID, "signal", signal)
			} else if err != nil {
				return fmt.Errorf("signal dossier %s: %w", all[i].ID, err)
			}
		}
		activity.RecordHeartbeat(ctx, i+1)
	}
	return nil
}
