package policy

import (
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// MonthDay is a calendar day without a year ("05-31"), resolved against a campaign's year.
type MonthDay struct {
	Month time.Month
	Day   int
}

// In returns the day of the given year, as a date in Europe/Paris.
func (md MonthDay) In(year int) Date { return Date{Year: year, Month: md.Month, Day: md.Day} }

// IsZero reports whether the month-day was left out.
func (md MonthDay) IsZero() bool { return md.Month == 0 }

func (md MonthDay) String() string { return fmt.Sprintf("%02d-%02d", int(md.Month), md.Day) }

// MarshalText writes "MM-DD", or "" for a month-day left out (the demo policy has none).
func (md MonthDay) MarshalText() ([]byte, error) {
	if md.IsZero() {
		return []byte{}, nil
	}
	return []byte(md.String()), nil
}

// UnmarshalText reads "MM-DD" and refuses days that exist in no year.
func (md *MonthDay) UnmarshalText(b []byte) error {
	if len(b) == 0 {
		*md = MonthDay{}
		return nil
	}
	var m, d int
	if n, err := fmt.Sscanf(string(b), "%02d-%02d", &m, &d); err != nil || n != 2 || len(b) != 5 {
		return fmt.Errorf("%q is not a month-day MM-DD", string(b))
	}
	// 2024 is a leap year, so 02-29 is accepted; time.Date normalises impossible days.
	if m < 1 || m > 12 || d < 1 || time.Date(2024, time.Month(m), d, 0, 0, 0, 0, time.UTC).Day() != d {
		return fmt.Errorf("%q is not a day of the year", string(b))
	}
	*md = MonthDay{Month: time.Month(m), Day: d}
	return nil
}

// Date is a calendar date in Europe/Paris ("31 May" in the instruction).
type Date struct {
	Year  int
	Month time.Month
	Day   int
}

// DateOf returns the Paris calendar date of an instant.
func DateOf(t time.Time) Date {
	y, m, d := t.In(french.Paris).Date()
	return Date{y, m, d}
}

// Before reports whether d is an earlier day than o.
func (d Date) Before(o Date) bool {
	if d.Year != o.Year {
		return d.Year < o.Year
	}
	if d.Month != o.Month {
		return d.Month < o.Month
	}
	return d.Day < o.Day
}

// After reports whether d is a later day than o.
func (d Date) After(o Date) bool { return o.Before(d) }

// EndOfDay is the last instant of the day in Paris: a deadline "on 31 May" runs until then.
func (d Date) EndOfDay() time.Time {
	return time.Date(d.Year, d.Month, d.Day+1, 0, 0, 0, 0, french.Paris).Add(-time.Nanosecond)
}

// French writes the date as a French reader expects: "31 mai 2025", "1er mars 2025".
func (d Date) French() string { return french.Day(d.Year, d.Month, d.Day) }

// Duration is a delay written "7d" (days) or in the Go syntax "90s", "3m", "36h" in policy files.
type Duration time.Duration

const day = 24 * time.Hour

// MarshalText writes whole days as "7d", anything else in the Go syntax.
func (d Duration) MarshalText() ([]byte, error) {
	if v := time.Duration(d); v > 0 && v%day == 0 {
		return []byte(fmt.Sprintf("%dd", v/day)), nil
	}
	return []byte(time.Duration(d).String()), nil
}

// UnmarshalText reads "7d" or the Go duration syntax.
func (d *Duration) UnmarshalText(b []byte) error {
	s := string(b)
	var days int
	if n, err := fmt.Sscanf(s, "%dd", &days); err == nil && n == 1 && fmt.Sprintf("%dd", days) == s {
		*d = Duration(time.Duration(days) * day)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("%q is not a duration such as 7d, 36h or 90s", s)
	}
	*d = Duration(v)
	return nil
}
