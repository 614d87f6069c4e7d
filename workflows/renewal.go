package workflows

import (
	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
)

// checkRenewal records and announces what blocks the association's renewal
// (missed PNE, overdue compte-rendu financier); a failure is logged, the dossier goes on.
func checkRenewal(ctx workflow.Context, in ApplicationInput, ref activities.ApplicationRef, st *ApplicationState) {
	var check activities.RenewalCheck
	if err := workflow.ExecuteLocalActivity(workflow.WithLocalActivityOptions(ctx, localEmailOptions(in.MailRetryFor)), acts.CheckRenewal, ref).Get(ctx, &check); err != nil {
		workflow.GetLogger(ctx).Warn("renewal check failed", "application", in.ApplicationID, "error", err)
		return
	}
	st.RenewalBlocked = check.Rules
}
