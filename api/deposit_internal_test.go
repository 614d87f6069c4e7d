package api

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// §2.2.1 (« écarter de votre analyse les dossiers déposés hors délais »): a dossier from an
// intake channel is judged by the deposit time the channel gives, whenever it is keyed in or
// pulled: the last instant before the closure is on time, the closure itself is not.
func TestAChannelDossierIsJudgedByItsDepositTime(t *testing.T) {
	closing := time.Date(2027, 5, 31, 21, 59, 59, 0, time.UTC) // 31 May 23:59:59 Paris
	c := &models.Campaign{Phase: models.PhaseClosed, PublishAt: closing.AddDate(0, -2, 0), CloseAt: closing}
	require.Nil(t, depositRefusal(c, models.ExternalDossier{DepositedAt: closing.Add(-time.Nanosecond)}),
		"deposited before the closure, pulled after it (the call is closed now): on time")
	got := depositRefusal(c, models.ExternalDossier{DepositedAt: closing})
	require.Len(t, got, 1)
	require.Equal(t, "hors_delais", got[0].Rule)
	require.Equal(t, "dateDepot", got[0].Field)
	require.Nil(t, depositRefusal(c, models.ExternalDossier{DepositedAt: c.PublishAt}), "at the publication: on time")
	require.Len(t, depositRefusal(c, models.ExternalDossier{DepositedAt: c.PublishAt.Add(-time.Nanosecond)}), 1, "before it: hors délais")
}
