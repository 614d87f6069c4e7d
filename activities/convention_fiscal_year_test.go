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
	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// TestTheFiscalYearEndGivenAtFilingSetsTheReportsDueEverywhere: §8.4, the compte-rendu
// financier is due « dans les 6 mois suivant la fin de l'exercice au cours duquel la
// subvention a été accordée ». The structure's exercice, as it gave it when filing (31
// December when it gave none; a closing date before the grant: the next one), is the one the
// convention drawn up states, and its due date is the one the PDF, the signature's email and
// its .ics, and the reminders give.
func TestTheFiscalYearEndGivenAtFilingSetsTheReportsDueEverywhere(t *testing.T) {
	decided := time.Date(2027, 7, 10, 9, 0, 0, 0, french.Paris)
	for _, tc := range []struct {
		name, given           string
		wantEnd, wantDue, ics string
	}{
		{"none given: 31 December", "", "31 décembre 2027", "30 juin 2028", "20280630"},
		{"31 March of the next year", "2028-03-31", "31 mars 2028", "30 septembre 2028", "20280930"},
		{"30 June, before the grant: the exercice ending 30 June 2028", "2027-06-30", "30 juin 2028", "30 décembre 2028", "20281230"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db := storetest.SQLite(t)
			outbox, catcher := withCatcher(t, db)
			links, err := auth.NewLinkSigner([]byte(strings.Repeat("k", 32)))
			require.NoError(t, err)
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
				Conventions: store.NewConventions(db), FinancialReports: store.NewFinancialReports(db),
				Outbox: outbox, Links: links, PublicURL: "https://aap.example.gouv.fr", Logger: slog.New(slog.DiscardHandler)})
			a := (*activities.Activities)(nil)
			c, app := seedFunded(t, db, 2027)
			require.NoError(t, db.Model(app).Updates(map[string]any{"fiscal_year_end": tc.given, "decided_at": decided,
				"decision": "retenu", "state": models.ApplicationRetained}).Error)
			ref := activities.ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}

			// The convention drawn up states the exercice and the due date (its PDF's text).
			v, err := env.ExecuteActivity(a.PrepareConvention, ref)
			require.NoError(t, err)
			var plan activities.ConventionPlan
			require.NoError(t, v.Get(&plan))
			var conv models.Convention
			require.NoError(t, db.Take(&conv, "id = ?", plan.ConventionID).Error)
			require.NoError(t, db.Take(app, "id = ?", app.ID).Error)
			text := convention.FromRecords(app, c, &conv).Text()
			require.Contains(t, text, "Cet exercice se clôturant le "+tc.wantEnd+", le compte rendu financier est dû au plus tard le "+tc.wantDue+".")

			// Signed: the association's confirmation and its .ics give that day.
			signedAt := decided.Add(48 * time.Hour)
			require.NoError(t, db.Model(&conv).Updates(map[string]any{"state": models.ConventionSigned, "signed_at": signedAt}).Error)
			_, err = env.ExecuteActivity(a.ConfirmConventionSigned, activities.ConventionRef{ApplicationRef: ref})
			require.NoError(t, err)
			sent, err := catcher.WaitFor(ctx, 2)
			require.NoError(t, err)
			found := false
			for _, s := range sent {
				if s.To[0] != app.AssociationEmail {
					continue
				}
				found = true
				msg, err := catcher.Get(s.ID)
				require.NoError(t, err)
				require.Contains(t, msg.TextBody, tc.wantDue)
				require.Len(t, msg.Attachments, 1)
				require.Contains(t, string(msg.Attachments[0].Content), "DTSTART;VALUE=DATE:"+tc.ics)
			}
			require.True(t, found, "the association's confirmation")

			// The reminders count from that day.
			v, err = env.ExecuteActivity(a.PlanFinancialReport, ref)
			require.NoError(t, err)
			var report activities.FinancialReportPlan
			require.NoError(t, v.Get(&report))
			require.Equal(t, tc.ics, report.DueAt.In(french.Paris).Format("20060102"))
		})
	}
}
