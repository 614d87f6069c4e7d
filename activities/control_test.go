package activities_test

import (
	"flag"
	"log/slog"
	"os"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

// The association gets its control's date once, with the visit as an .ics
// (issue 5), checked against a golden file; a moved date is announced again.
func TestNotifyControlPlannedSendsTheVisitOnce(t *testing.T) {
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)

	cid, aid, vid := "c0ffee00-0000-4000-8000-000000000001", "c0ffee00-0000-4000-8000-000000000002", "c0ffee00-0000-4000-8000-000000000003"
	require.NoError(t, db.Create(&models.Campaign{ID: cid, WorkflowID: "aap/" + cid, Year: 2027, Level: models.LevelDepartmental,
		Territory: "69", Title: "Langue & emploi dans le Rhône", Phase: models.PhaseSelected, ContactEmail: "ddets@rhone.example.gouv.fr"}).Error)
	require.NoError(t, db.Create(&models.Application{ID: aid, CampaignID: cid, WorkflowID: "aap/app/" + aid, Year: 2027,
		AssociationKey: "siret:1", AssociationName: "Accueil & Parole", AssociationEmail: "contact@accueil.example.org",
		Title: "Ateliers de français", TitleKey: "ateliers", Theme: "langue", State: models.ApplicationRetained}).Error)
	require.NoError(t, db.Create(&models.Convention{ID: vid, ApplicationID: aid, CampaignID: cid, Reference: "CONV-2027-69-C0FFEE00",
		GrantedCents: 1_000_000, State: models.ConventionSigned}).Error)
	ctl := &models.Control{ID: "c0ffee00-0000-4000-8000-000000000004", ConventionID: vid, Year: 2027, Region: "84", Department: "69",
		PlannedOn: "2027-06-15", Controller: "Inspection DREETS", State: models.ControlPlanned, FollowUpState: models.FollowUpStateNone,
		CreatedAt: time.Date(2027, 5, 2, 8, 30, 0, 0, time.UTC)}
	require.NoError(t, db.Create(ctl).Error)

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		Emails: store.NewEmails(db), Conventions: store.NewConventions(db), Controls: store.NewControls(db), Outbox: outbox,
		Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)
	notice := activities.ControlNotice{ControlRef: activities.ControlRef{Year: 2027, Region: "84", WorkflowID: "aap/controls/2027/84"}, ControlID: ctl.ID}

	_, err := env.ExecuteActivity(a.NotifyControlPlanned, notice)
	require.NoError(t, err)
	_, err = env.ExecuteActivity(a.NotifyControlPlanned, notice)
	require.NoError(t, err)
	got, err := catcher.WaitFor(t.Context(), 1)
	require.NoError(t, err)
	require.Equal(t, 1, catcher.Count(), "announced once")
	msg, err := catcher.Get(got[0].ID)
	require.NoError(t, err)
	require.Equal(t, []string{"contact@accueil.example.org"}, msg.To)
	require.Equal(t, "Contrôle sur place le 15 juin 2027 : convention CONV-2027-69-C0FFEE00", msg.Subject)
	require.Len(t, msg.Attachments, 1)
	require.Equal(t, "controle-sur-place.ics", msg.Attachments[0].Filename)
	checkGolden(t, "testdata/control_visit.ics.golden", msg.Attachments[0].Content)

	require.NoError(t, db.Model(&models.Control{}).Where("id = ?", ctl.ID).Update("planned_on", "2027-06-22").Error)
	_, err = env.ExecuteActivity(a.NotifyControlPlanned, notice)
	require.NoError(t, err)
	_, err = catcher.WaitFor(t.Context(), 2)
	require.NoError(t, err)
	require.Equal(t, 2, catcher.Count(), "a moved control is announced again")

	_, err = env.ExecuteActivity(a.NotifyControlPlanned, activities.ControlNotice{ControlRef: notice.ControlRef, ControlID: uuid.NewString()})
	require.ErrorContains(t, err, "not found")
}

func checkGolden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		require.NoError(t, os.WriteFile(path, got, 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test ./activities -update to create it")
	require.Equal(t, string(want), string(got))
}
