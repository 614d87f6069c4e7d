package activities_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// A 3-year CPO owes three comptes-rendus financiers (§8.2, §8.4), each due 6 months
// after the structure's exercice of its tranche's year (here closing on 30 June); each
// is reminded with its own .ics, and tranche 2028's missing blocks the association's
// renewal, with a reason naming the tranche, until it is sent.
func TestCPOTrancheMissingBlocksTheRenewalUntilSent(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	env, reports, catcher, _ := reportFollowUp(t, db)
	a := (*activities.Activities)(nil)

	c, app := seedFunded(t, db, 2027)
	signedAt := time.Date(2027, 5, 10, 9, 0, 0, 0, time.UTC)
	tranches := []models.Tranche{{Year: 2027, MaxCents: 1_000_000}, {Year: 2028, MaxCents: 800_000}, {Year: 2029, MaxCents: 600_000}}
	conv := &models.Convention{ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: c.ID, Reference: "CONV-2027-69-CPO12345",
		Kind: convention.CPO, Tranches: tranches, GrantedCents: 1_000_000, FiscalYearEnd: policy.MonthDay{Month: 6, Day: 30}.In(2027).EndOfDay(),
		FinancialReportMonths: 6, State: models.ConventionSigned, SignedAt: &signedAt}
	require.NoError(t, db.Create(conv).Error)
	ref := activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}

	v, err := env.ExecuteActivity(a.PlanFinancialReport, ref)
	require.NoError(t, err)
	var plan activities.FinancialReportPlan
	require.NoError(t, v.Get(&plan))
	require.Len(t, plan.Tranches, 3, "one report per tranche")
	for i, want := range []policy.Date{{Year: 2027, Month: 12, Day: 30}, {Year: 2028, Month: 12, Day: 30}, {Year: 2029, Month: 12, Day: 30}} {
		tr := plan.Tranches[i]
		require.Equal(t, tranches[i].Year, tr.FiscalYear)
		require.Equal(t, i+1, tr.Tranche)
		require.Equal(t, want, policy.DateOf(tr.DueAt), "6 months after the exercice closing on 30 June %d", tr.FiscalYear)
		require.Equal(t, want, policy.DateOf(tr.DueAt.Add(-time.Second)))
		require.NotEqual(t, want, policy.DateOf(tr.DueAt.Add(time.Second)), "overdue one instant past the day")
	}
	require.True(t, plan.DueAt.Equal(plan.Tranches[0].DueAt), "the plan's own date is the first tranche's")
	stored, err := reports.OfConvention(ctx, conv.ID)
	require.NoError(t, err)
	require.Len(t, stored, 3)
	require.EqualValues(t, 800_000, stored[1].AmountCents, "each report accounts for its tranche")

	// Tranche 2028's first reminder: its own subject, figures and calendar event.
	second := plan.Tranches[1]
	fref := activities.FinancialReportRef{ApplicationRef: ref, ConventionID: conv.ID, FiscalYear: 2028, Tranche: 2, DueAt: second.DueAt,
		Reminder: 1, At: second.DueAt.Add(-30 * 24 * time.Hour)}
	_, err = env.ExecuteActivity(a.RemindFinancialReport, fref)
	require.NoError(t, err)
	sent, err := catcher.WaitFor(ctx, 1)
	require.NoError(t, err)
	msg, err := catcher.Get(sent[0].ID)
	require.NoError(t, err)
	require.Contains(t, msg.Subject, "(tranche 2028)")
	require.Contains(t, msg.TextBody, "de la tranche 2028 (8\u00a0000,00\u00a0€)")
	require.Contains(t, msg.TextBody, "30 décembre 2028")
	require.Len(t, msg.Attachments, 1)
	ics := strings.ReplaceAll(string(msg.Attachments[0].Content), "\r\n ", "") // unfolded
	require.Contains(t, ics, "DTSTART;VALUE=DATE:20281230")
	require.Contains(t, ics, app.WorkflowID+"/financial-report-2028@aap", "tranche 2028's own event")

	// Tranche 2027's report is sent; tranche 2028's is recorded missing.
	expected := convention.ExpectedReports(app, c, conv)
	_, _, err = reports.Receive(ctx, expected[0], store.Receipt{At: time.Now(), SpentCents: 1_000_000, SubsidyUsedCents: 1_000_000, DocumentReference: "CRF-2027"})
	require.NoError(t, err)
	missing := fref
	missing.Reminder, missing.Overdue, missing.At = 0, true, second.DueAt.Add(30*24*time.Hour)
	v, err = env.ExecuteActivity(a.RecordFinancialReportMissing, missing)
	require.NoError(t, err)
	var isMissing bool
	require.NoError(t, v.Get(&isMissing))
	require.True(t, isMissing)

	// The association's next dossier is blocked by tranche 2028 alone, the reason naming it.
	_, next := seedFunded(t, db, 2029)
	nextRef := activities.ApplicationRef{ApplicationID: next.ID, WorkflowID: next.WorkflowID}
	require.Equal(t, []string{models.BlockFinancialReport}, renewalCheck(t, env, a, nextRef).Rules)
	blocks, err := reports.Blocks(ctx, next.ID)
	require.NoError(t, err)
	require.Len(t, blocks, 1, "tranche 2027 was received, tranche 2029 is not yet due")
	require.Equal(t, "convention:"+conv.ID+"/2028", blocks[0].Source)
	require.Equal(t, 2028, blocks[0].SourceYear)
	require.Contains(t, blocks[0].Reason, "tranche 2028 de la convention pluriannuelle « CONV-2027-69-CPO12345 »")
	require.Contains(t, blocks[0].Reason, "30 décembre 2028")

	// Tranche 2028's report sent: the block is lifted, the next check finds nothing.
	_, first, err := reports.Receive(ctx, expected[1], store.Receipt{At: time.Now(), SpentCents: 800_000, SubsidyUsedCents: 700_000, DocumentReference: "CRF-2028"})
	require.NoError(t, err)
	require.True(t, first)
	require.Empty(t, renewalCheck(t, env, a, nextRef).Rules, "unblocked once tranche 2028's report is sent")
}
