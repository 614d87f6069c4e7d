package convention

import (
	"testing"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/models"
)

// A 3-year CPO owes three comptes-rendus financiers, each due 6 months after the end of
// the structure's exercice of its tranche's year (§8.2, §8.4); an annual convention one.
// The exercice closes at a year's end (31 December) or one day past it (1 January): the
// due dates follow, tranche by tranche; a closing on the last day of February stays on it.
func TestCPOReportsFollowEachTranche(t *testing.T) {
	tranches := []models.Tranche{{Year: 2027, MaxCents: 3_000_000}, {Year: 2028, MaxCents: 2_500_000}, {Year: 2029, MaxCents: 2_000_000}}
	for _, tc := range []struct {
		name, given string
		grantedIn   time.Month
		wantEnds    []string
		wantDue     []string
	}{
		{"default 31 December", "", time.May, []string{"2027-12-31", "2028-12-31", "2029-12-31"}, []string{"2028-06-30", "2029-06-30", "2030-06-30"}},
		{"closing on 31 December", "2027-12-31", time.May, []string{"2027-12-31", "2028-12-31", "2029-12-31"}, []string{"2028-06-30", "2029-06-30", "2030-06-30"}},
		{"closing one day past, 1 January", "2028-01-01", time.May, []string{"2028-01-01", "2029-01-01", "2030-01-01"}, []string{"2028-07-01", "2029-07-01", "2030-07-01"}},
		{"closing on 30 June", "2027-06-30", time.May, []string{"2027-06-30", "2028-06-30", "2029-06-30"}, []string{"2027-12-30", "2028-12-30", "2029-12-30"}},
		{"closing on the last day of February", "2027-02-28", time.January,
			[]string{"2027-02-28", "2028-02-29", "2029-02-28"}, []string{"2027-08-28", "2028-08-29", "2029-08-28"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			standard := endOfParisDay(time.Date(2027, 12, 31, 0, 0, 0, 0, french.Paris))
			granted := time.Date(2027, tc.grantedIn, 15, 10, 0, 0, 0, french.Paris)
			d := Data{Kind: CPO, Year: 2027, GrantedCents: 3_000_000, FinancialReportMonths: 6,
				FiscalYearEnd: SubsidyFiscalYearEnd(tc.given, standard, 2027, granted)}
			for _, tr := range tranches {
				d.Tranches = append(d.Tranches, Tranche{Year: tr.Year, MaxCents: tr.MaxCents})
			}
			reports := d.Reports()
			if len(reports) != 3 {
				t.Fatalf("%d reports, want one per tranche", len(reports))
			}
			var sum int64
			for i, r := range reports {
				if r.Tranche != i+1 || r.Year != tranches[i].Year || r.AmountCents != tranches[i].MaxCents {
					t.Errorf("report %d: tranche %d, year %d, %d cents", i, r.Tranche, r.Year, r.AmountCents)
				}
				sum += r.AmountCents
				if got := r.FiscalYearEnd.In(french.Paris).Format(time.DateOnly); got != tc.wantEnds[i] {
					t.Errorf("tranche %d: exercice ends %s, want %s", r.Year, got, tc.wantEnds[i])
				}
				if got := r.Due.Format(time.DateOnly); got != tc.wantDue[i] {
					t.Errorf("tranche %d: due %s, want %s", r.Year, got, tc.wantDue[i])
				}
				// Due until the end of that Paris day, overdue the next instant.
				if got := r.DueAt.In(french.Paris).Format(time.DateOnly); got != tc.wantDue[i] {
					t.Errorf("tranche %d: due at %s", r.Year, r.DueAt)
				}
				if got := r.DueAt.Add(time.Nanosecond).In(french.Paris).Format("2006-01-02 15:04"); got <= tc.wantDue[i]+" 23:59" {
					t.Errorf("tranche %d: one instant past the due day is %s, still due", r.Year, got)
				}
			}
			if sum != 7_500_000 {
				t.Errorf("tranches sum to %d, want the convention's total 7 500 000", sum)
			}
		})
	}
}

// An annual convention owes one report, for the subsidy's year, as before.
func TestAnnualConventionOwesOneReport(t *testing.T) {
	d := Data{Kind: Annual, Year: 2027, GrantedCents: 1_500_000, FinancialReportMonths: 6,
		FiscalYearEnd: endOfParisDay(time.Date(2027, 12, 31, 0, 0, 0, 0, french.Paris))}
	reports := d.Reports()
	if len(reports) != 1 {
		t.Fatalf("%d reports, want 1", len(reports))
	}
	r := reports[0]
	if r.Tranche != 0 || r.Year != 2027 || r.AmountCents != 1_500_000 || !r.DueAt.Equal(d.FinancialReportDueAt()) {
		t.Errorf("annual report %+v", r)
	}
}

// Under the demo policy each tranche falls due one more due_after_signature after the signature.
func TestCPOReportsUnderTheDemoPolicy(t *testing.T) {
	signed := time.Date(2027, 6, 1, 12, 0, 0, 0, time.UTC)
	d := Data{Kind: CPO, Year: 2027, GrantedCents: 100, FinancialReportMonths: 6, DueAfterSignature: 3 * time.Minute, SignedAt: &signed,
		Tranches: []Tranche{{Year: 2027, MaxCents: 100}, {Year: 2028, MaxCents: 100}}}
	reports := d.Reports()
	for i, r := range reports {
		if want := signed.Add(time.Duration(i+1) * 3 * time.Minute); !r.DueAt.Equal(want) {
			t.Errorf("tranche %d due at %s, want %s", r.Year, r.DueAt, want)
		}
	}
}
