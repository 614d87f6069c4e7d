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
	env.OnActivity(acts.AcknowledgeApplication, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.RecordApplicationState, mock.Anything, mock.Anything).Return(nil)
	env.RegisterDelayedCallback(func() {
		st := query[ApplicationState](t, env, QueryApplicationState)
		require.Equal(t, []string{models.BlockFinancialReport}, st.RenewalBlocked)
		require.Equal(t, 1, checks, "checked when filed")
	}, 30*time.Minute)
	env.RegisterDelayedCallback(env.CancelWorkflow, 2*time.Hour)

	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: "a-1", CloseAt: t0.Add(time.Hour)})
	require.Equal(t, 2, checks, "checked again when it goes under review")
}
