package convention

import (
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// ReportDue is one compte-rendu financier (Cerfa n° 15059*02) a convention
// owes: an annual convention's only one, or one per yearly tranche of a CPO.
type ReportDue struct {
	// Tranche is the tranche's number in a CPO (1, 2, 3); 0 for an annual convention.
	Tranche int
	// Year is the subsidy's (the tranche's) year the report accounts for.
	Year int
	// AmountCents is the subsidy it accounts for: the amount granted, or the tranche's.
	AmountCents int64
	// FiscalYearEnd is the end of the structure's exercice in which it was granted.
	FiscalYearEnd time.Time
	// Due is the last day to send it (a Paris calendar day); DueAt the instant it becomes overdue.
	Due   time.Time
	DueAt time.Time
}

// Reports are the comptes-rendus financiers the convention owes, oldest first.
//
// §8.2 funds a CPO « en prévoyant un engagement annuel des crédits par tranches
// successives », and §8.4 asks for « la transmission du compte-rendu financier de
// subvention (Cerfa n° 15059*02) dans les 6 mois suivant la fin de l'exercice au
// cours duquel la subvention a été accordée »: each tranche is granted in its own
// year, so each has its report, due FinancialReportMonths after the end of the
// structure's exercice of that year. The first tranche's exercice is FiscalYearEnd
// (the structure's own closing date, given at filing, else 31 December); tranche
// k's closes k-1 years later on the same day (the last day of February stays the
// last day). Under the demo policy, tranche k is due k times DueAfterSignature
// after the signature.
func (d Data) Reports() []ReportDue {
	if d.Kind != CPO || len(d.Tranches) == 0 {
		return []ReportDue{{Year: d.Year, AmountCents: d.GrantedCents, FiscalYearEnd: d.FiscalYearEnd,
			Due: d.FinancialReportDue(), DueAt: d.FinancialReportDueAt()}}
	}
	out := make([]ReportDue, 0, len(d.Tranches))
	for i, t := range d.Tranches {
		td := d
		td.FiscalYearEnd = fiscalYearEndAfter(d.FiscalYearEnd, i)
		td.DueAfterSignature = d.DueAfterSignature * time.Duration(i+1)
		out = append(out, ReportDue{Tranche: i + 1, Year: t.Year, AmountCents: t.MaxCents, FiscalYearEnd: td.FiscalYearEnd,
			Due: td.FinancialReportDue(), DueAt: td.FinancialReportDueAt()})
	}
	return out
}

// fiscalYearEndAfter is the end of the exercice closing years after end's, on the
// same calendar day, a closing on the last day of a month staying on its last day
// (28 February 2027 → 29 February 2028); the result is the end of that Paris day.
func fiscalYearEndAfter(end time.Time, years int) time.Time {
	if years == 0 {
		return end
	}
	y, m, day := end.In(french.Paris).Date()
	lastOfMonth := time.Date(y, m+1, 0, 0, 0, 0, 0, french.Paris).Day() == day
	first := time.Date(y+years, m, 1, 0, 0, 0, 0, french.Paris)
	last := first.AddDate(0, 1, -1).Day()
	if lastOfMonth || day > last {
		day = last
	}
	return endOfParisDay(time.Date(y+years, m, day, 0, 0, 0, 0, french.Paris))
}
