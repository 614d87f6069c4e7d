package activities_test

import (
	"context"
	"log/slog"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

// icsProperty reads one property of an .ics document.
func icsProperty(t *testing.T, doc []byte, name string) string {
	t.Helper()
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(name) + `:(.*)\r$`).FindSubmatch(doc)
	require.NotNil(t, m, "%s in\n%s", name, doc)
	return string(m[1])
}

// lastTo is the newest email caught for recipient whose subject starts with prefix (List gives the newest first).
func lastTo(t *testing.T, catcher *mailcatcher.Catcher, recipient, prefix string) *mailcatcher.Message {
	t.Helper()
	list, err := catcher.List()
	require.NoError(t, err)
	for _, s := range list {
		if s.To[0] == recipient && strings.HasPrefix(s.Subject, prefix) {
			msg, err := catcher.Get(s.ID)
			require.NoError(t, err)
			return msg
		}
	}
	t.Fatalf("no email %q to %s", prefix, recipient)
	return nil
}

// Under the demo policy (the report due 3 minutes after the signature, here past
// Paris midnight), the signed convention's email, its .ics, the reminders' .ics and
// the day the workflow's reminders count from give one due date; the event keeps its
// UID, and a reminder giving another day raises its SEQUENCE.
func TestOneFinancialReportDueInEveryEmailAndCalendar(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)
	links, err := auth.NewLinkSigner([]byte(strings.Repeat("k", 32)))
	require.NoError(t, err)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		Conventions: store.NewConventions(db), PNEResults: store.NewPNEResults(db), FinancialReports: store.NewFinancialReports(db),
		Outbox: outbox, Links: links, PublicURL: "https://aap.example.gouv.fr", Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)

	set, err := policy.Load(policies.FS)
	require.NoError(t, err)
	demo, ok := set.Demo()
	require.True(t, ok)
	c, app := seedFunded(t, db, 2027)
	c.PolicyName, c.Policy = demo.Name, demo
	require.NoError(t, db.Save(c).Error)
	signedAt := time.Date(2027, 6, 12, 23, 58, 0, 0, french.Paris).UTC()
	conv := &models.Convention{ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: c.ID, Reference: "CONV-2027-69-DEMO0001",
		Kind: convention.Annual, GrantedCents: 1_000_000, FiscalYearEnd: policy.MonthDay{Month: 12, Day: 31}.In(2027).EndOfDay(),
		FinancialReportMonths: demo.FinancialReport.MonthsAfterFiscalYearEnd, State: models.ConventionSigned, SignedAt: &signedAt}
	require.NoError(t, db.Create(conv).Error)
	ref := activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}

	// The day the reminders count from.
	v, err := env.ExecuteActivity(a.PlanFinancialReport, ref)
	require.NoError(t, err)
	var plan activities.FinancialReportPlan
	require.NoError(t, v.Get(&plan))
	dueDay := plan.DueAt.In(french.Paris).Format("20060102")
	require.Equal(t, "20270613", dueDay, "3 minutes after 23:58, Paris")
	require.Equal(t, convention.ExpectedReport(app, c, conv).DueAt.In(french.Paris).Format("20060102"), dueDay, "the API's date")

	// The signed convention's email and its .ics.
	_, err = env.ExecuteActivity(a.ConfirmConventionSigned, activities.ConventionRef{ApplicationRef: ref, SentAt: signedAt})
	require.NoError(t, err)
	_, err = catcher.WaitFor(ctx, 2)
	require.NoError(t, err)
	signed := lastTo(t, catcher, app.AssociationEmail, "Convention signée")
	assert.Contains(t, signed.TextBody, "au plus tard le "+french.Date(plan.DueAt))
	require.Len(t, signed.Attachments, 1)
	ics := signed.Attachments[0].Content
	uid := icsProperty(t, ics, "UID")
	assert.Equal(t, dueDay, icsProperty(t, ics, "DTSTART;VALUE=DATE"))
	assert.Equal(t, "0", icsProperty(t, ics, "SEQUENCE"))

	// A reminder gives the same day: the same event, the same revision.
	remind := func(n int, due time.Time) []byte {
		t.Helper()
		_, err := env.ExecuteActivity(a.RemindFinancialReport, activities.FinancialReportRef{ApplicationRef: ref, ConventionID: conv.ID,
			DueAt: due, Reminder: n, At: signedAt.Add(time.Minute)})
		require.NoError(t, err)
		_, err = catcher.WaitFor(ctx, 2+n)
		require.NoError(t, err)
		msg := lastTo(t, catcher, app.AssociationEmail, "Rappel : compte-rendu financier")
		assert.Contains(t, msg.TextBody, french.Date(due))
		require.Len(t, msg.Attachments, 1)
		return msg.Attachments[0].Content
	}
	first := remind(1, plan.DueAt)
	assert.Equal(t, uid, icsProperty(t, first, "UID"))
	assert.Equal(t, dueDay, icsProperty(t, first, "DTSTART;VALUE=DATE"))
	assert.Equal(t, "0", icsProperty(t, first, "SEQUENCE"), "the same day keeps the revision")

	// A reminder giving another day moves the same event: its SEQUENCE rises.
	moved := remind(2, plan.DueAt.Add(24*time.Hour))
	assert.Equal(t, uid, icsProperty(t, moved, "UID"))
	assert.Equal(t, "20270614", icsProperty(t, moved, "DTSTART;VALUE=DATE"))
	assert.Equal(t, "1", icsProperty(t, moved, "SEQUENCE"), "a new day is a new revision")
}
