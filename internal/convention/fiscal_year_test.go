package convention

import (
	"testing"
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// TestSubsidyFiscalYearEnd: the structure's closing date given at filing, or 31 December by
// default; a date before the grant moves to the next year's (the exercice the subsidy is
// granted in, §8.4), at the grant's day and just before it.
func TestSubsidyFiscalYearEnd(t *testing.T) {
	day := func(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, french.Paris) }
	standard := endOfParisDay(day(2027, 12, 31))
	july := day(2027, 7, 10).Add(9 * time.Hour)
	for _, tc := range []struct {
		name, given string
		granted     time.Time
		want        time.Time
	}{
		{"none given: 31 December", "", july, day(2027, 12, 31)},
		{"not a date: 31 December", "30/06/2027", july, day(2027, 12, 31)},
		{"30 June 2028, after the grant", "2028-06-30", july, day(2028, 6, 30)},
		{"30 September 2027, after the grant", "2027-09-30", july, day(2027, 9, 30)},
		{"30 June 2027, before the grant: the exercice ending 30 June 2028", "2027-06-30", july, day(2027+1, 6, 30)},
		{"granted on the closing day itself: that exercice", "2027-07-10", july, day(2027, 7, 10)},
		{"granted the day after: the next one", "2027-07-09", july, day(2028, 7, 9)},
		{"28 February, before the grant", "2027-02-28", july, day(2028, 2, 28)},
		{"next year's date never moves beyond it", "2028-03-31", day(2028, 5, 1), day(2028, 3, 31)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := SubsidyFiscalYearEnd(tc.given, standard, 2027, tc.granted)
			if want := endOfParisDay(tc.want); !got.Equal(want) {
				t.Fatalf("got %s, want %s", got, want)
			}
		})
	}
	if got := sameDayNextYear(day(2028, 2, 29)); !got.Equal(day(2029, 2, 28)) {
		t.Fatalf("29 February 2028 + 1 year: got %s", got)
	}
}
