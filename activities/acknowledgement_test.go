package activities_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/store/storetest"
)

// The accusé de réception refused for good (550) tells the correspondent which
// association could not be reached, in the same activity, so the dossier's
// workflow has nothing more to do; a relay that is only down (451) tells nobody
// and is retried.
func TestTheAcknowledgementReportsARefusalAndNotARelayThatIsDown(t *testing.T) {
	for _, tc := range []struct {
		code      int
		permanent bool
	}{{550, true}, {451, false}} {
		db := storetest.SQLite(t)
		env, _, catcher, _ := reportFollowUp(t, db)
		c, app := seedFunded(t, db, 2027)

		catcher.FailNext(1, tc.code, "mailbox unavailable")
		_, err := env.ExecuteActivity((*activities.Activities)(nil).AcknowledgeApplication,
			activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID})
		require.Error(t, err, "%d", tc.code)
		var appErr *temporal.ApplicationError
		require.True(t, errors.As(err, &appErr), "%d: %v", tc.code, err)
		require.Equal(t, tc.permanent, appErr.NonRetryable(), "%d: %v", tc.code, err)

		caught, err := catcher.List()
		require.NoError(t, err)
		if !tc.permanent {
			require.Empty(t, caught, "451: the correspondent is not told of a relay that is down")
			continue
		}
		require.Len(t, caught, 1, "550: one notice, to the correspondent")
		require.Equal(t, []string{c.ContactEmail}, caught[0].To)
		require.Contains(t, caught[0].Subject, "Courriel non remis à Accueil Rhône (accusé de réception")
	}
}
