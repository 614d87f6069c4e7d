package convention

import (
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// SubsidyFiscalYearEnd is the end of the exercice the compte-rendu financier follows:
// §8.4, « la transmission du compte-rendu financier de subvention (Cerfa n° 15059*02) dans
// les 6 mois suivant la fin de l'exercice au cours duquel la subvention a été accordée ».
// The exercice is the structure's own: the closing date it gave when filing ("2027-06-30",
// project.fiscal_year_end), or, when it gave none, standard (the policy's
// convention.fiscal_year_end in the call's year: 31 December). A closing date given that
// falls before grantedAt ends an earlier exercice than the one the subsidy is granted in:
// the same day a year later ends that one, within the call's year and the next (the range
// the filing accepts and Validate checks). The result is the end of that Paris day.
func SubsidyFiscalYearEnd(given string, standard time.Time, year int, grantedAt time.Time) time.Time {
	d, err := time.ParseInLocation(time.DateOnly, given, french.Paris)
	if err != nil {
		return standard
	}
	end := endOfParisDay(d)
	if end.Before(grantedAt) && d.Year() < year+1 {
		end = endOfParisDay(sameDayNextYear(d))
	}
	return end
}

// sameDayNextYear keeps the day of the month, 29 February becoming 28 February.
func sameDayNextYear(d time.Time) time.Time {
	next := time.Date(d.Year()+1, d.Month(), d.Day(), 0, 0, 0, 0, french.Paris)
	if next.Month() != d.Month() {
		next = time.Date(d.Year()+1, d.Month()+1, 0, 0, 0, 0, 0, french.Paris)
	}
	return next
}

func endOfParisDay(d time.Time) time.Time {
	return time.Date(d.Year(), d.Month(), d.Day()+1, 0, 0, 0, 0, french.Paris).Add(-time.Nanosecond)
}
