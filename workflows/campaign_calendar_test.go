package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/activities"
)

// §8.3: a late call reports its difficulty to DIAN at once, before its publication; a call
// on time reports nothing.
func TestLateCallIsReportedToDIANAtOnce(t *testing.T) {
	for _, late := range []bool{true, false} {
		env := newEnv(t)
		in := campaignInput(10*24*time.Hour, 60*24*time.Hour)
		in.CalendarLate = late
		var reportedAt []time.Time
		env.OnActivity(acts.NotifyCalendarDeviation, mock.Anything, activities.CampaignRef{
			CampaignID: "c-1", WorkflowID: "default-test-workflow-id"}).Return(
			func(ctx context.Context, _ activities.CampaignRef) error {
				reportedAt = append(reportedAt, env.Now())
				return nil
			}).Maybe()
		env.OnActivity(acts.RecordCampaignPhase, mock.Anything, mock.Anything).Return(nil).Maybe()
		env.RegisterDelayedCallback(func() {
			if late {
				require.Len(t, reportedAt, 1, "reported once")
				require.True(t, reportedAt[0].Before(in.PublishAt), "at once, before the publication")
			} else {
				require.Empty(t, reportedAt, "a call on time reports nothing")
			}
			env.CancelWorkflow()
		}, time.Hour)
		env.ExecuteWorkflow(CampaignWorkflow, in)
		require.True(t, env.IsWorkflowCompleted())
	}
}
