package activities_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// A CTAI-funded association's control (§8.5) is announced to the collectivité,
// which relays it (the bilan gives no address), replies to the CTAI's
// correspondent, once per date, with the visit as an .ics.
func TestNotifyCTAIControlPlannedTellsTheCollectivite(t *testing.T) {
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)
	now := time.Now().UTC()
	rid := "c0ffee00-0000-4000-8000-000000000011"
	require.NoError(t, db.Create(&models.CTAIRequest{ID: rid, WorkflowID: "aap/ctai/2027/" + rid, Year: 2027, Kind: ctai.KindRenewal,
		CollectiviteCode: "69266", CollectiviteName: "Ville de Villeurbanne", CollectiviteEmail: "ctai@villeurbanne.example",
		Territory: "69", CorrespondentEmail: "ddets@rhone.example.gouv.fr", State: models.CTAIReviewed, Opinion: ctai.OpinionFavourable,
		OpinionAt: &now, FiledAt: now}).Error)
	ctl := &models.Control{ID: "c0ffee00-0000-4000-8000-000000000012", Subject: models.ControlOfCTAIAssociation, CTAIRequestID: rid,
		AssociationKey: "siren:123456789", AssociationName: "Toit commun", Year: 2027, Region: "84", Department: "69",
		PlannedOn: "2027-06-15", Controller: "Inspection DREETS", State: models.ControlPlanned, FollowUpState: models.FollowUpStateNone}
	require.NoError(t, db.Create(ctl).Error)

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Controls: store.NewControls(db), CTAI: store.NewCTAIRequests(db),
		Emails: store.NewEmails(db), Outbox: outbox, Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)
	notice := activities.ControlNotice{ControlRef: activities.ControlRef{Year: 2027, Region: "84", WorkflowID: "aap/controls/2027/84"}, ControlID: ctl.ID}
	for range 2 {
		_, err := env.ExecuteActivity(a.NotifyControlPlanned, notice)
		require.NoError(t, err)
	}
	got, err := catcher.WaitFor(t.Context(), 1)
	require.NoError(t, err)
	require.Equal(t, 1, catcher.Count(), "announced once")
	msg, err := catcher.Get(got[0].ID)
	require.NoError(t, err)
	require.Equal(t, []string{"ctai@villeurbanne.example"}, msg.To)
	require.Equal(t, "Contrôle sur place le 15 juin 2027 : Toit commun (CTAI Ville de Villeurbanne)", msg.Subject)
	require.Len(t, msg.Attachments, 1)
	require.Equal(t, "controle-sur-place.ics", msg.Attachments[0].Filename)
}
