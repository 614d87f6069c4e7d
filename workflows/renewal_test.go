package workflows

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/models"
)

func TestRenewalBlockShownByTheDossier(t *testing.T) {
	env := newBareEnv(t)
	checks := 0
	env.OnActivity(acts.CheckRenewal, mock.Anything, mock.Anything).Return(
		func(context.Context, activities.ApplicationRef) (activities.RenewalCheck, error) {
			checks++
			return activities.RenewalCheck{Rules: []string{models.BlockFinancialReport}}, nil
		})
	env.OnActivity(acts.RecordApplicationState, mock.Anything, mock.Anything).Return(nil)
	env.RegisterDelayedCallback(func() {
		require.Zero(t, checks, "the check at the filing is the worker's sender's (worker/acknowledgements.go)")
	}, 30*time.Minute)
	env.RegisterDelayedCallback(func() {
		st := query[ApplicationState](t, env, QueryApplicationState)
		require.Equal(t, []string{models.BlockFinancialReport}, st.RenewalBlocked)
	}, 90*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour)

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.Equal(t, 1, checks, "checked when it goes under review")
}
