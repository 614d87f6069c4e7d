package activities_test

import (
	"context"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// The invitation goes to every structure with an email, the reminder only to
// those without an answer when it leaves; a repeated mailing sends nothing again.
func TestSendPNEMailingInvitesThenRemindsNonRespondents(t *testing.T) {
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)
	rows := []models.PNEStructure{
		{Year: 2027, AssociationKey: "siret:1", AssociationName: "A", Email: "a@example.org", Region: "84", Token: "tok-a"},
		{Year: 2027, AssociationKey: "siret:2", AssociationName: "B", Email: "b@example.org", Region: "84", Token: "tok-b"},
		{Year: 2027, AssociationKey: "siret:3", AssociationName: "C", Region: "84", Token: "tok-c"}, // no email
	}
	require.NoError(t, db.Create(&rows).Error)
	structures := store.NewPNEStructures(db)

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{PNE: structures, Outbox: outbox, Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)
	m := activities.PNEMailing{PNERef: activities.PNERef{Year: 2027, WorkflowID: "aap/pne/2027"},
		SurveyURL: "https://enquetes.example/pne", CloseAt: time.Date(2027, 5, 31, 21, 59, 59, 0, time.UTC), PerSecond: 100}

	sum := mailing(t, env, a, m)
	require.Equal(t, activities.PNEMailingSummary{Recipients: 2, Sent: 2, NoEmail: 1}, sum)
	got, err := catcher.WaitFor(t.Context(), 2)
	require.NoError(t, err)
	msg, err := catcher.Get(got[0].ID)
	require.NoError(t, err)
	require.Contains(t, msg.TextBody, "https://enquetes.example/pne?token=tok-")
	require.Len(t, msg.Attachments, 1, "the PNE closure as an .ics")
	require.Equal(t, "cloture-pne.ics", msg.Attachments[0].Filename)
	require.Contains(t, string(msg.Attachments[0].Content), "SUMMARY:Clôture du questionnaire PNE")

	again := mailing(t, env, a, m)
	require.Equal(t, 2, again.Sent, "already sent: counted, not sent again")
	require.Equal(t, 2, catcher.Count())

	answered := time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC)
	_, err = structures.RecordAnswer(context.Background(), 2027, rows[0].ID, &answered)
	require.NoError(t, err)
	m.Reminder = 1
	sum = mailing(t, env, a, m)
	require.Equal(t, activities.PNEMailingSummary{Recipients: 1, Sent: 1, NoEmail: 1}, sum)
	all, err := catcher.WaitFor(t.Context(), 3)
	require.NoError(t, err)
	var reminded [][]string
	for _, s := range all {
		if strings.HasPrefix(s.Subject, "Rappel n° 1 ") {
			reminded = append(reminded, s.To)
		}
	}
	require.Equal(t, [][]string{{"b@example.org"}}, reminded, "only the structure that has not answered")
}

func mailing(t *testing.T, env *testsuite.TestActivityEnvironment, a *activities.Activities, m activities.PNEMailing) activities.PNEMailingSummary {
	t.Helper()
	v, err := env.ExecuteActivity(a.SendPNEMailing, m)
	require.NoError(t, err)
	var sum activities.PNEMailingSummary
	require.NoError(t, v.Get(&sum))
	return sum
}
