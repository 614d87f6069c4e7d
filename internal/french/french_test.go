package french

import (
	"fmt"
	"go/parser"
	"go/token"
	"math"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const nb = "\u00a0"

func TestEuros(t *testing.T) {
	for _, tc := range []struct {
		cents int64
		want  string
	}{
		{0, "0,00" + nb + "€"},
		{1, "0,01" + nb + "€"},
		{5, "0,05" + nb + "€"},
		{99, "0,99" + nb + "€"},
		{100, "1,00" + nb + "€"},
		{99_999, "999,99" + nb + "€"},
		{100_000, "1" + nb + "000,00" + nb + "€"},
		{1_250_050, "12" + nb + "500,50" + nb + "€"},
		{100_000_000, "1" + nb + "000" + nb + "000,00" + nb + "€"},
		{123_456_789, "1" + nb + "234" + nb + "567,89" + nb + "€"},
		{-1, "-0,01" + nb + "€"},
		{-150, "-1,50" + nb + "€"},
		{-1_250_050, "-12" + nb + "500,50" + nb + "€"},
		{math.MaxInt64, "92" + nb + "233" + nb + "720" + nb + "368" + nb + "547" + nb + "758,07" + nb + "€"},
		{math.MinInt64, "-92" + nb + "233" + nb + "720" + nb + "368" + nb + "547" + nb + "758,08" + nb + "€"},
	} {
		t.Run(fmt.Sprint(tc.cents), func(t *testing.T) {
			got := Euros(tc.cents)
			if got != tc.want {
				t.Errorf("Euros(%d) = %q, want %q", tc.cents, got, tc.want)
			}
			if strings.Contains(got, " ") {
				t.Errorf("Euros(%d) = %q has an ordinary space: the amount could break across lines", tc.cents, got)
			}
		})
	}
}

func TestEurosBigBeyondInt64(t *testing.T) {
	sum := new(big.Int).Mul(big.NewInt(math.MaxInt64), big.NewInt(2))
	want := "184" + nb + "467" + nb + "440" + nb + "737" + nb + "095" + nb + "516,14" + nb + "€"
	if got := EurosBig(sum); got != want {
		t.Errorf("EurosBig(%s) = %q, want %q", sum, got, want)
	}
}

func TestGrouped(t *testing.T) {
	for n, want := range map[int64]string{0: "0", 999: "999", 1000: "1" + nb + "000", 12_500: "12" + nb + "500",
		-1_000_000: "-1" + nb + "000" + nb + "000"} {
		if got := Grouped(big.NewInt(n)); got != want {
			t.Errorf("Grouped(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestMonthAndDay(t *testing.T) {
	months := []string{"janvier", "février", "mars", "avril", "mai", "juin",
		"juillet", "août", "septembre", "octobre", "novembre", "décembre"}
	for i, want := range months {
		if got := Month(time.Month(i + 1)); got != want {
			t.Errorf("Month(%d) = %q, want %q", i+1, got, want)
		}
	}
	for _, tc := range []struct {
		y    int
		m    time.Month
		d    int
		want string
	}{
		{2027, time.May, 31, "31 mai 2027"},
		{2027, time.June, 1, "1er juin 2027"},
		{2025, time.August, 1, "1er août 2025"},
		{2027, time.June, 2, "2 juin 2027"},
		{2028, time.February, 29, "29 février 2028"},
		{2026, time.December, 15, "15 décembre 2026"},
	} {
		if got := Day(tc.y, tc.m, tc.d); got != tc.want {
			t.Errorf("Day(%d, %d, %d) = %q, want %q", tc.y, tc.m, tc.d, got, tc.want)
		}
	}
}

func TestDateTimeInParis(t *testing.T) {
	utc := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, time.UTC) }
	for _, tc := range []struct {
		name            string
		at              time.Time
		date, timeOfDay string
	}{
		{"22:30 UTC on 31 May is 1 June in Paris (summer time)", utc(2025, time.May, 31, 22, 30), "1er juin 2025", "0 h 30"},
		{"21:59 UTC on 31 May is still 31 May in Paris", utc(2025, time.May, 31, 21, 59), "31 mai 2025", "23 h 59"},
		{"22:00 UTC on 30 May is midnight, 31 May in Paris", utc(2027, time.May, 30, 22, 0), "31 mai 2027", "0 h 00"},
		{"noon in Paris in summer", utc(2027, time.May, 31, 10, 0), "31 mai 2027", "12 h 00"},
		{"noon in Paris in winter", utc(2027, time.January, 15, 11, 0), "15 janvier 2027", "12 h 00"},
		{"23:30 UTC on 31 December is 1 January in Paris (winter time)", utc(2025, time.December, 31, 23, 30), "1er janvier 2026", "0 h 30"},
		{"spring forward: the last minute of winter time", utc(2027, time.March, 28, 0, 59), "28 mars 2027", "1 h 59"},
		{"spring forward: 2 h does not exist, 1:00 UTC is 3 h", utc(2027, time.March, 28, 1, 0), "28 mars 2027", "3 h 00"},
		{"fall back: the last minute of summer time", utc(2027, time.October, 31, 0, 59), "31 octobre 2027", "2 h 59"},
		{"fall back: 1:00 UTC is 2 h again", utc(2027, time.October, 31, 1, 0), "31 octobre 2027", "2 h 00"},
		{"a time given in another zone", time.Date(2025, time.August, 15, 1, 5, 0, 0, time.FixedZone("UTC-5", -5*3600)), "15 août 2025", "8 h 05"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Date(tc.at); got != tc.date {
				t.Errorf("Date = %q, want %q", got, tc.date)
			}
			if got := Time(tc.at); got != tc.timeOfDay {
				t.Errorf("Time = %q, want %q", got, tc.timeOfDay)
			}
			if got, want := DateTime(tc.at), tc.date+" à "+tc.timeOfDay; got != want {
				t.Errorf("DateTime = %q, want %q", got, want)
			}
		})
	}
}

func TestParis(t *testing.T) {
	if Paris.String() != "Europe/Paris" {
		t.Fatalf("Paris = %s", Paris)
	}
}

// The package is a leaf: every package of the engine may use it, so it imports none of them.
func TestImportsNothingFromTheProject(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range files {
		parsed, err := parser.ParseFile(token.NewFileSet(), f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range parsed.Imports {
			if strings.Contains(imp.Path.Value, "github.com/dian-p104/aap") {
				t.Errorf("%s imports %s", f, imp.Path.Value)
			}
		}
	}
}
