// Package french writes amounts, dates and times as a French reader expects them, in Paris time:
// "12 500,00 €", "31 mai 2027", "1er juin 2027 à 12 h 00". It is the one home of the engine's
// French formatting and of the Paris time zone; it imports nothing from the project.
package french

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Europe/Paris even on a machine or image without a zoneinfo database
)

// Paris is the time zone of every calendar date and time the engine shows or reads.
var Paris = mustLoadParis()

func mustLoadParis() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(fmt.Sprintf("french: Europe/Paris time zone unavailable: %v", err))
	}
	return loc
}

// nbsp separates thousands and comes before "€": a line never breaks inside an amount.
const nbsp = '\u00a0'

// Euros writes integer cents the French way: "12 500,00 €", "-0,50 €", with U+00A0 no-break
// spaces between the thousands and before the euro sign.
func Euros(cents int64) string { return EurosBig(big.NewInt(cents)) }

// EurosBig is Euros for a sum that may not fit in an int64 (a total of amounts read from a file).
func EurosBig(cents *big.Int) string {
	sign := ""
	abs := new(big.Int).Set(cents)
	if abs.Sign() < 0 {
		sign = "-"
		abs.Neg(abs)
	}
	units, rest := new(big.Int).QuoRem(abs, big.NewInt(100), new(big.Int))
	return fmt.Sprintf("%s%s,%02d%c€", sign, Grouped(units), rest.Int64(), nbsp)
}

// Grouped writes an integer with its thousands separated by U+00A0 no-break spaces: "12 500".
func Grouped(n *big.Int) string {
	digits := n.String()
	var b strings.Builder
	if strings.HasPrefix(digits, "-") {
		b.WriteByte('-')
		digits = digits[1:]
	}
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteRune(nbsp)
		}
		b.WriteRune(c)
	}
	return b.String()
}

var monthNames = [12]string{"janvier", "février", "mars", "avril", "mai", "juin",
	"juillet", "août", "septembre", "octobre", "novembre", "décembre"}

// Month writes a month's French name, in lower case as inside a sentence: "mai".
func Month(m time.Month) string { return monthNames[m-1] }

// Day writes a calendar day: "31 mai 2027", and "1er juin 2027" for the first of a month.
func Day(year int, month time.Month, day int) string {
	d := strconv.Itoa(day)
	if day == 1 {
		d = "1er"
	}
	return d + " " + Month(month) + " " + strconv.Itoa(year)
}

// Date writes an instant's Paris calendar day: "31 mai 2027".
func Date(t time.Time) string {
	y, m, d := t.In(Paris).Date()
	return Day(y, m, d)
}

// Time writes an instant's Paris time of day: "12 h 00", "9 h 05".
func Time(t time.Time) string {
	p := t.In(Paris)
	return fmt.Sprintf("%d h %02d", p.Hour(), p.Minute())
}

// DateTime writes an instant as a Paris day and time: "31 mai 2027 à 12 h 00" (a deadline that is
// not the end of a day must say its hour).
func DateTime(t time.Time) string { return Date(t) + " à " + Time(t) }
