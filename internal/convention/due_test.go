package convention

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

// TestOneFinancialReportDue: the compte-rendu financier's due date the document
// (PDF text), the emails and their .ics (FinancialReportDue) give is the day the
// reminders count from (ExpectedReport, stored and read by the workflow), under the
// demo policy (3 minutes after the signature) and under 2024 (six months after the
// fiscal year's end); a signature just before and just after Paris midnight moves the
// demo's day, never the 2024 one.
func TestOneFinancialReportDue(t *testing.T) {
	set, err := policy.Load(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	demo, ok := set.Demo()
	if !ok {
		t.Fatal("no demo policy")
	}
	y2024, err := set.ForYear(2024)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		pol      policy.Policy
		signedAt time.Time
		wantDay  string
	}{
		// Demo: due 3 minutes after the signature.
		{"demo, signed at noon", demo, time.Date(2024, 6, 12, 12, 0, 0, 0, french.Paris), "2024-06-12"},
		{"demo, signed 3 minutes and 1 second before midnight", demo, time.Date(2024, 6, 12, 23, 56, 59, 0, french.Paris), "2024-06-12"},
		{"demo, signed 3 minutes before midnight", demo, time.Date(2024, 6, 12, 23, 57, 0, 0, french.Paris), "2024-06-13"},
		// 2024: the fiscal year ends on 31 December 2024, the report is due by 30 June 2025.
		{"2024, signed in June", y2024, time.Date(2024, 6, 12, 12, 0, 0, 0, french.Paris), "2025-06-30"},
		{"2024, signed just before midnight", y2024, time.Date(2024, 6, 12, 23, 57, 0, 0, french.Paris), "2025-06-30"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &models.Campaign{ID: "c1", Year: 2024, Level: models.LevelDepartmental, Territory: "69",
				Title: "Appel à projets 2024", PolicyName: tc.pol.Name, Policy: tc.pol}
			app := &models.Application{ID: "a1", SIRET: "73282932000074", AssociationName: "Accueil Rhône",
				Title: "Ateliers de français", Theme: "langue"}
			signed := tc.signedAt.UTC()
			conv := &models.Convention{ID: "v1", Reference: "CONV-2024-69-0001", Kind: Annual, GrantedCents: 1_000_000,
				PNECloseDate:          time.Date(2025, 5, 31, 0, 0, 0, 0, french.Paris),
				FiscalYearEnd:         policy.MonthDay{Month: time.December, Day: 31}.In(2024).EndOfDay(),
				FinancialReportMonths: tc.pol.FinancialReport.MonthsAfterFiscalYearEnd,
				State:                 models.ConventionSigned, SignedAt: &signed, CreatedAt: signed.Add(-24 * time.Hour)}

			data := FromRecords(app, c, conv)
			expected := ExpectedReport(app, c, conv)
			docDay := data.FinancialReportDue().Format("2006-01-02")
			reminderDay := expected.DueAt.In(french.Paris).Format("2006-01-02")
			if docDay != tc.wantDay || reminderDay != tc.wantDay {
				t.Fatalf("due day: document and emails %s, reminders %s; want both %s", docDay, reminderDay, tc.wantDay)
			}
			if ics := policy.DateOf(data.FinancialReportDue()); fmt.Sprintf("%04d-%02d-%02d", ics.Year, ics.Month, ics.Day) != tc.wantDay {
				t.Errorf(".ics day %v, want %s", ics, tc.wantDay)
			}
			if tc.pol.FinancialReport.DueAfterSignature > 0 {
				if want := signed.Add(time.Duration(tc.pol.FinancialReport.DueAfterSignature)); !expected.DueAt.Equal(want) {
					t.Errorf("demo: due at %s, want the signature + %v = %s", expected.DueAt, time.Duration(tc.pol.FinancialReport.DueAfterSignature), want)
				}
			}
			crf := clause(t, data.Clauses(), "Compte rendu financier").Text
			if tc.pol.FinancialReport.DueAfterSignature > 0 {
				mustContain(t, "demo clause", crf, "3 minutes après la signature")
				mustNotContain(t, "demo clause", crf, "dans les 6 mois")
			} else {
				mustContain(t, "2024 clause", crf, "dans les 6 mois suivant la fin de l'exercice")
			}
			text := data.Text()
			wantText := "au plus tard le " + french.Date(data.FinancialReportDue())
			if !strings.Contains(text, wantText) {
				t.Errorf("the document does not say %q:\n%s", wantText, clause(t, data.Clauses(), "Compte rendu financier").Text)
			}
		})
	}
}
