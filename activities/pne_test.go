package activities_test

import (
	"context"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/activity"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
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

// pneHeartbeatRun is what runPNEMailingFrom saw.
//
// runPNEMailingFrom runs SendPNEMailing on four structures (IDs in order a, b, c, d), starting
// from the heartbeat details resume (nil: a first attempt), and returns its outcome and
// the last progress it heartbeated.
type pneHeartbeatRun struct {
	sum      activities.PNEMailingSummary
	err      error
	first    activities.PNEMailingProgress // the first heartbeat, after the first email
	rows     []models.PNEStructure
	received []string
	db       *gorm.DB
}

func runPNEMailingFrom(t *testing.T, resume func(rows []models.PNEStructure) *activities.PNEMailingProgress, fail func(*mailcatcher.Catcher)) pneHeartbeatRun {
	t.Helper()
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)
	rows := []models.PNEStructure{
		{Year: 2027, AssociationKey: "siret:1", AssociationName: "A", Email: "a@example.org", Region: "84", Token: "tok-a"},
		{Year: 2027, AssociationKey: "siret:2", AssociationName: "B", Email: "b@example.org", Region: "84", Token: "tok-b"},
		{Year: 2027, AssociationKey: "siret:3", AssociationName: "C", Email: "c@example.org", Region: "84", Token: "tok-c"},
		{Year: 2027, AssociationKey: "siret:4", AssociationName: "D", Email: "d@example.org", Region: "84", Token: "tok-d"},
	}
	require.NoError(t, db.Create(&rows).Error)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{PNE: store.NewPNEStructures(db), Outbox: outbox, Logger: slog.New(slog.DiscardHandler)})
	if p := resume(rows); p != nil {
		env.SetHeartbeatDetails(*p)
	}
	var mu sync.Mutex
	run := pneHeartbeatRun{rows: rows, db: db}
	seen := false
	env.SetOnActivityHeartbeatListener(func(_ *activity.Info, details converter.EncodedValues) {
		var p activities.PNEMailingProgress
		if details.HasValues() && details.Get(&p) == nil {
			mu.Lock()
			if !seen { // the SDK throttles the following ones
				run.first, seen = p, true
			}
			mu.Unlock()
		}
	})
	if fail != nil {
		fail(catcher)
	}
	v, err := env.ExecuteActivity((*activities.Activities)(nil).SendPNEMailing, activities.PNEMailing{
		PNERef: activities.PNERef{Year: 2027, WorkflowID: "aap/pne/2027"}, SurveyURL: "https://enquetes.example/pne",
		CloseAt: time.Date(2027, 5, 31, 21, 59, 59, 0, time.UTC)})
	run.err = err
	if err == nil {
		require.NoError(t, v.Get(&run.sum))
	}
	caught, err := catcher.List()
	require.NoError(t, err)
	for _, m := range caught {
		run.received = append(run.received, m.To...)
	}
	sort.Strings(run.received)
	return run
}

// A worker died after heartbeating that a and b were sent: the next attempt sends c and d
// only, without touching a's and b's outbox rows (there are none here: only the heartbeat
// can have skipped them), and counts all four.
func TestSendPNEMailingResumesAfterTheStructuresItsHeartbeatSettled(t *testing.T) {
	run := runPNEMailingFrom(t, func(rows []models.PNEStructure) *activities.PNEMailingProgress {
		return &activities.PNEMailingProgress{Through: rows[1].ID, Sent: 2}
	}, nil)
	require.NoError(t, run.err)
	require.Equal(t, []string{"c@example.org", "d@example.org"}, run.received)
	require.Equal(t, activities.PNEMailingSummary{Recipients: 4, Sent: 4}, run.sum)
	require.Equal(t, activities.PNEMailingProgress{Through: run.rows[2].ID, Sent: 3}, run.first, "c settled, after a and b")
	var keys []string
	require.NoError(t, run.db.Model(&models.Email{}).Order("key").Pluck("key", &keys).Error)
	require.Len(t, keys, 2, "a's and b's emails were never read again: %v", keys)

	// Settled up to the last structure: nothing is left to send.
	run = runPNEMailingFrom(t, func(rows []models.PNEStructure) *activities.PNEMailingProgress {
		return &activities.PNEMailingProgress{Through: rows[3].ID, Sent: 3, Refused: 1}
	}, nil)
	require.NoError(t, run.err)
	require.Empty(t, run.received)
	require.Equal(t, activities.PNEMailingSummary{Recipients: 4, Sent: 3, Refused: 1}, run.sum)

	// No heartbeat yet: everything is sent.
	run = runPNEMailingFrom(t, func([]models.PNEStructure) *activities.PNEMailingProgress { return nil }, nil)
	require.NoError(t, run.err)
	require.Len(t, run.received, 4)
	require.Equal(t, activities.PNEMailingProgress{Through: run.rows[0].ID, Sent: 1}, run.first)
}

// The heartbeat never passes an email that failed for now (it must be tried again), but
// passes one refused for good.
func TestSendPNEMailingHeartbeatStopsAtAnEmailToRetry(t *testing.T) {
	run := runPNEMailingFrom(t, func([]models.PNEStructure) *activities.PNEMailingProgress { return nil },
		func(c *mailcatcher.Catcher) { c.FailNext(1, 451, "try again later") })
	require.ErrorContains(t, run.err, "1 of 4 PNE emails not sent this time")
	require.Len(t, run.received, 3)
	require.Equal(t, activities.PNEMailingProgress{}, run.first, "a failed for now: not settled")

	run = runPNEMailingFrom(t, func([]models.PNEStructure) *activities.PNEMailingProgress { return nil },
		func(c *mailcatcher.Catcher) { c.FailNext(1, 550, "no such mailbox") })
	require.NoError(t, run.err)
	require.Equal(t, activities.PNEMailingProgress{Through: run.rows[0].ID, Refused: 1}, run.first, "a refused for good: settled")
}
