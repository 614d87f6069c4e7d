package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/activities"
)

// With LimeSurvey, the structures are added to the survey before the invitations leave,
// the completions read daily until the closure, before each reminder, and once at the
// closure before the misses are recorded; LimeSurvey refusing shows in the state and
// stops nothing.
func TestPNEWorkflowWithLimeSurvey(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.January, 2, 10, 0))
	in := PNEInput{Year: 2027, Policy: loadPolicy(t, 2027), SurveyURL: "https://enquetes.example/pne", LimeSurvey: true}
	var events []string
	env.OnActivity(acts.BuildPNEList, mock.Anything, mock.Anything).Return(activities.PNEListSummary{Structures: 3}, nil)
	env.OnActivity(acts.RegisterPNEParticipants, mock.Anything, mock.Anything).Return(func(context.Context, activities.PNERef) (int, error) {
		events = append(events, "participants")
		return 3, nil
	}).Once()
	env.OnActivity(acts.SendPNEMailing, mock.Anything, mock.Anything).Return(func(_ context.Context, m activities.PNEMailing) (activities.PNEMailingSummary, error) {
		events = append(events, "mailing")
		return activities.PNEMailingSummary{Sent: 3}, nil
	})
	syncs := 0
	env.OnActivity(acts.SyncPNECompletions, mock.Anything, mock.Anything).Return(func(context.Context, activities.PNERef) (int, error) {
		syncs++
		if len(events) == 0 || events[len(events)-1] != "sync" {
			events = append(events, "sync")
		}
		if syncs == 3 {
			return 0, temporal.NewNonRetryableApplicationError("LimeSurvey (refused) : clé de session refusée", activities.ErrTypeLimeSurveyRefused, nil)
		}
		return 1, nil
	})
	env.OnActivity(acts.ClosePNE, mock.Anything, mock.Anything).Return(func(context.Context, activities.PNERef) (activities.PNEClosing, error) {
		events = append(events, "close")
		return activities.PNEClosing{Structures: 3, Answered: 2}, nil
	}).Once()
	env.ExecuteWorkflow(PNEWorkflow, in)
	require.NoError(t, env.GetWorkflowError())
	require.GreaterOrEqual(t, len(events), 4)
	assert.Equal(t, []string{"participants", "mailing", "sync"}, events[:3], "participants added before the invitations")
	assert.Equal(t, []string{"sync", "close"}, events[len(events)-2:], "read once more at the closure, before the misses")
	// 31 March 9:00 to 31 May: 61 daily reads, 4 before the reminders, 1 at the closure.
	assert.Equal(t, 61+4+1, syncs)
	st := queryPNE(t, env)
	assert.Equal(t, 3, st.LimeSurvey.Participants)
	assert.Equal(t, syncs-1, st.LimeSurvey.Answers, "each read but the refused one recorded one answer")
	assert.Empty(t, st.LimeSurvey.LastError, "the last read succeeded")
}

// Without LimeSurvey nothing is asked of it.
func TestPNEWorkflowWithoutLimeSurveyAsksNothing(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.January, 2, 10, 0))
	env.OnActivity(acts.BuildPNEList, mock.Anything, mock.Anything).Return(activities.PNEListSummary{Structures: 3}, nil)
	env.OnActivity(acts.SendPNEMailing, mock.Anything, mock.Anything).Return(activities.PNEMailingSummary{Sent: 3}, nil)
	env.OnActivity(acts.ClosePNE, mock.Anything, mock.Anything).Return(activities.PNEClosing{Structures: 3}, nil)
	env.ExecuteWorkflow(PNEWorkflow, PNEInput{Year: 2027, Policy: loadPolicy(t, 2027)})
	require.NoError(t, env.GetWorkflowError())
	env.AssertNotCalled(t, "RegisterPNEParticipants", mock.Anything, mock.Anything)
	env.AssertNotCalled(t, "SyncPNECompletions", mock.Anything, mock.Anything)
}
