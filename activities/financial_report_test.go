package activities_test

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

// reportFollowUp is an activity environment for the compte-rendu financier's follow-up (and
// a dossier's emails), delivering to an in-process SMTP catcher, with the store and the link
// signer it uses.
func reportFollowUp(t *testing.T, db *gorm.DB) (*testsuite.TestActivityEnvironment, *store.FinancialReports, *mailcatcher.Catcher, *auth.LinkSigner) {
	t.Helper()
	outbox, catcher := withCatcher(t, db)
	reports := store.NewFinancialReports(db)
	links, err := auth.NewLinkSigner([]byte(strings.Repeat("k", 32)))
	require.NoError(t, err)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		Conventions: store.NewConventions(db), PNEResults: store.NewPNEResults(db), FinancialReports: reports,
		Emails: store.NewEmails(db), Outbox: outbox, Links: links, PublicURL: "https://aap.example.gouv.fr", Logger: slog.New(slog.DiscardHandler)})
	return env, reports, catcher, links
}

// seedFunded stores a call of year under the 2025 policy and one dossier of the association "siret:1".
func seedFunded(t *testing.T, db *gorm.DB, year int) (*models.Campaign, *models.Application) {
	t.Helper()
	set, err := policy.Load(policies.FS)
	require.NoError(t, err)
	pol, err := set.ForYear(year)
	require.NoError(t, err)
	c := &models.Campaign{ID: uuid.NewString(), Year: year, Level: models.LevelDepartmental, Territory: "69",
		Title: "Langue & emploi dans le Rhône", ContactEmail: "ddets@rhone.example.gouv.fr", PolicyName: pol.Name, Policy: pol,
		Phase: models.PhaseSelected, Indicators: []string{"bénéficiaires"}}
	c.WorkflowID = "aap/" + c.ID
	require.NoError(t, db.Create(c).Error)
	app := &models.Application{ID: uuid.NewString(), CampaignID: c.ID, WorkflowID: "aap/" + c.ID + "/dossier", Year: year,
		AssociationKey: "siret:1", SIRET: "73282932000074", AssociationName: "Accueil Rhône", AssociationEmail: "contact@accueil.example",
		Title: "Ateliers " + strconv.Itoa(year), TitleKey: "ateliers " + strconv.Itoa(year), Theme: "langue", GrantedCents: 1_000_000}
	require.NoError(t, db.Create(app).Error)
	return c, app
}

// The whole follow-up against the database and a real SMTP listener: the
// convention's report is planned, reminded once per reminder, recorded
// missing; the association's next dossier is blocked (and told once); the
// report arrives: the block is lifted, no reminder leaves any more.
func TestFinancialReportMissingBlocksTheRenewalUntilReceived(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	env, reports, catcher, links := reportFollowUp(t, db)
	a := (*activities.Activities)(nil)

	c, app := seedFunded(t, db, 2027)
	signedAt := time.Date(2027, 7, 10, 9, 0, 0, 0, time.UTC)
	conv := &models.Convention{ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: c.ID, Reference: "CONV-2027-69-ABCD1234",
		Kind: convention.Annual, GrantedCents: 1_000_000, FiscalYearEnd: policy.MonthDay{Month: 12, Day: 31}.In(2027).EndOfDay(),
		FinancialReportMonths: 6, State: models.ConventionSigned, SignedAt: &signedAt}
	require.NoError(t, db.Create(conv).Error)
	ref := activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}

	v, err := env.ExecuteActivity(a.PlanFinancialReport, ref)
	require.NoError(t, err)
	var plan activities.FinancialReportPlan
	require.NoError(t, v.Get(&plan))
	require.Equal(t, policy.Date{Year: 2028, Month: 6, Day: 30}, policy.DateOf(plan.DueAt), "6 months after 31 December 2027")
	require.Equal(t, policy.Date{Year: 2028, Month: 7, Day: 1}, policy.DateOf(plan.DueAt.Add(time.Second)), "until the end of that Paris day")
	require.Equal(t, []time.Duration{30 * 24 * time.Hour, 7 * 24 * time.Hour}, plan.RemindersBefore)
	require.False(t, plan.Received)

	fref := activities.FinancialReportRef{ApplicationRef: ref, ConventionID: conv.ID, DueAt: plan.DueAt, Reminder: 1, At: plan.DueAt.Add(-30 * 24 * time.Hour)}
	for range 2 { // a retried reminder leaves once
		_, err = env.ExecuteActivity(a.RemindFinancialReport, fref)
		require.NoError(t, err)
	}
	sent, err := catcher.WaitFor(ctx, 1)
	require.NoError(t, err)
	msg, err := catcher.Get(sent[0].ID)
	require.NoError(t, err)
	require.Contains(t, msg.Subject, "Rappel : compte-rendu financier")
	require.Contains(t, msg.TextBody, "30 juin 2028")
	require.Len(t, msg.Attachments, 1)
	require.Equal(t, "compte-rendu-financier.ics", msg.Attachments[0].Filename)
	require.Contains(t, string(msg.Attachments[0].Content), "DTSTART;VALUE=DATE:20280630")
	// The reminder carries the link sending this convention's report, valid past the due date.
	_, after, ok := strings.Cut(msg.TextBody, "https://aap.example.gouv.fr/liens/")
	require.True(t, ok, "the reminder carries the report's link")
	token, _, _ := strings.Cut(after, "\n")
	link, err := links.Verify(strings.TrimSpace(token), plan.DueAt.Add(29*24*time.Hour))
	require.NoError(t, err)
	require.Equal(t, auth.LinkDossier, link.Action, "« Mon dossier », where the report is sent")
	require.Equal(t, conv.ApplicationID, link.Item)
	require.True(t, link.Expires.After(plan.DueAt.Add(60*24*time.Hour)), "valid after the overdue reminders")

	// The association has already applied to a 2028 call, not yet decided.
	_, next := seedFunded(t, db, 2028)
	require.NoError(t, db.Model(next).Update("state", models.ApplicationDeposited).Error)
	nextRef := activities.ApplicationRef{ApplicationID: next.ID, WorkflowID: next.WorkflowID}
	blocks, err := reports.Blocks(ctx, next.ID)
	require.NoError(t, err)
	require.Empty(t, blocks, "nothing missing yet")

	missing := activities.FinancialReportRef{ApplicationRef: ref, ConventionID: conv.ID, DueAt: plan.DueAt, Overdue: true, At: plan.DueAt.Add(30 * 24 * time.Hour)}
	v, err = env.ExecuteActivity(a.RecordFinancialReportMissing, missing)
	require.NoError(t, err)
	var isMissing bool
	require.NoError(t, v.Get(&isMissing))
	require.True(t, isMissing)
	_, err = catcher.WaitFor(ctx, 3) // the association and the correspondent
	require.NoError(t, err)

	// The association's 2028 dossier, filed before the report became missing, was blocked
	// at once and its porteur told; the checks when filed and under review tell it no more.
	blocks, err = reports.Blocks(ctx, next.ID)
	require.NoError(t, err)
	require.Len(t, blocks, 1, "the pending dossier is blocked as soon as the report is missing")
	_, err = catcher.WaitFor(ctx, 4)
	require.NoError(t, err)
	check := renewalCheck(t, env, a, nextRef)
	require.Equal(t, []string{models.BlockFinancialReport}, check.Rules)
	require.Equal(t, []string{models.BlockFinancialReport}, renewalCheck(t, env, a, nextRef).Rules, "checked again under review")
	all, err := catcher.WaitFor(ctx, 4)
	require.NoError(t, err)
	blockedMails := 0
	for _, s := range all {
		if strings.HasPrefix(s.Subject, "Votre dossier AAP-") && strings.Contains(s.Subject, " ne peut pas être retenu en l'état : ") {
			blockedMails++
			m, err := catcher.Get(s.ID)
			require.NoError(t, err)
			require.Contains(t, m.TextBody, "CONV-2027-69-ABCD1234")
			require.Contains(t, m.TextBody, "Pour lever ce blocage : envoyer ce compte-rendu financier ; sa réception lève le blocage.")
		}
	}
	require.Equal(t, 1, blockedMails, "the block is told once")
	blocks, err = reports.Blocks(ctx, next.ID)
	require.NoError(t, err)
	require.Len(t, blocks, 1)
	require.Equal(t, "convention:"+conv.ID, blocks[0].Source)

	// The report arrives: the block is lifted, the next check finds nothing, no reminder leaves.
	_, first, err := reports.Receive(ctx, convention.ExpectedReport(app, c, conv), store.Receipt{At: time.Now(), SpentCents: 1_000_000, SubsidyUsedCents: 1_000_000, DocumentReference: "CRF-1"})
	require.NoError(t, err)
	require.True(t, first)
	require.Empty(t, renewalCheck(t, env, a, nextRef).Rules)
	fref.Reminder = 2
	_, err = env.ExecuteActivity(a.RemindFinancialReport, fref)
	require.NoError(t, err)
	require.Equal(t, 4, catcher.Count(), "received: no reminder")
}

// The PNE rule of the campaign's policy blocks too (2025: one miss).
func TestRenewalBlockedByAMissedPNE(t *testing.T) {
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)
	results := store.NewPNEResults(db)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		Conventions: store.NewConventions(db), PNEResults: results, FinancialReports: store.NewFinancialReports(db),
		Outbox: outbox, Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)
	_, app := seedFunded(t, db, 2027)
	ref := activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}

	require.NoError(t, results.Record(context.Background(), "siret:1", 2026, false, nil))
	require.Empty(t, renewalCheck(t, env, a, ref).Rules, "2026 missed: the 2027 rule counts the 2027 questionnaire")
	require.NoError(t, results.Record(context.Background(), "siret:1", 2027, false, nil))
	require.Equal(t, []string{models.BlockPNE}, renewalCheck(t, env, a, ref).Rules)
	sent, err := catcher.WaitFor(context.Background(), 1)
	require.NoError(t, err)
	m, err := catcher.Get(sent[0].ID)
	require.NoError(t, err)
	require.Contains(t, m.TextBody, "questionnaire du Plan national d'évaluation (PNE) 2026 (envoyé en 2027)")
}

func renewalCheck(t *testing.T, env *testsuite.TestActivityEnvironment, a *activities.Activities, ref activities.ApplicationRef) activities.RenewalCheck {
	t.Helper()
	v, err := env.ExecuteActivity(a.CheckRenewal, ref)
	require.NoError(t, err)
	var out activities.RenewalCheck
	require.NoError(t, v.Get(&out))
	return out
}
