package convention

import (
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// parisDay returns t's calendar day in Paris, at midnight Paris time.
func parisDay(t time.Time) time.Time {
	y, m, d := t.In(french.Paris).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, french.Paris)
}

// formatEurosWords writes an amount in cents in French words, as a subsidy agreement states
// it: "douze mille cinq cents euros", "un million d'euros", "cent euros et cinquante centimes".
// Traditional spelling (hyphens below one hundred only; "vingt" and "cent" plural when they end
// the number or precede "million"/"milliard", invariable before "mille").
func formatEurosWords(cents int64) string {
	if cents < 0 {
		return "moins " + formatEurosWords(-cents)
	}
	euros, c := cents/100, cents%100
	var b strings.Builder
	b.WriteString(numberWords(euros))
	switch {
	case euros == 0 || euros == 1:
		b.WriteString(" euro")
	case euros%1_000_000 == 0:
		b.WriteString(" d'euros")
	default:
		b.WriteString(" euros")
	}
	if c > 0 {
		b.WriteString(" et ")
		b.WriteString(numberWords(c))
		if c == 1 {
			b.WriteString(" centime")
		} else {
			b.WriteString(" centimes")
		}
	}
	return b.String()
}

var unitWords = [...]string{"zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit",
	"neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize"}

var tenWords = [...]string{"", "dix", "vingt", "trente", "quarante", "cinquante", "soixante"}

// below100 writes 0 ≤ n < 100; plural says whether "quatre-vingts" keeps its s (n ends the number
// or precedes a noun such as "millions").
func below100(n int64, plural bool) string {
	switch {
	case n < 17:
		return unitWords[n]
	case n < 20:
		return "dix-" + unitWords[n-10]
	}
	t, u := n/10, n%10
	switch t {
	case 7:
		if u == 1 {
			return "soixante et onze"
		}
		return "soixante-" + below100(10+u, plural)
	case 8:
		if u == 0 {
			if plural {
				return "quatre-vingts"
			}
			return "quatre-vingt"
		}
		return "quatre-vingt-" + unitWords[u]
	case 9:
		return "quatre-vingt-" + below100(10+u, plural)
	}
	switch u {
	case 0:
		return tenWords[t]
	case 1:
		return tenWords[t] + " et un"
	}
	return tenWords[t] + "-" + unitWords[u]
}

// below1000 writes 0 < n < 1000 (see below100 for plural).
func below1000(n int64, plural bool) string {
	h, r := n/100, n%100
	if h == 0 {
		return below100(r, plural)
	}
	hs := "cent"
	if h > 1 {
		hs = unitWords[h] + " cent"
	}
	if r == 0 {
		if h > 1 && plural {
			hs += "s"
		}
		return hs
	}
	return hs + " " + below100(r, plural)
}

// numberWords writes a non-negative integer in French words.
func numberWords(n int64) string {
	if n == 0 {
		return unitWords[0]
	}
	var parts []string
	noun := func(v int64, singular string) {
		if v == 0 {
			return
		}
		if v == 1 {
			parts = append(parts, "un "+singular)
			return
		}
		parts = append(parts, below1000OrMore(v)+" "+singular+"s")
	}
	noun(n/1_000_000_000, "milliard")
	noun(n/1_000_000%1000, "million")
	if k := n / 1000 % 1000; k == 1 {
		parts = append(parts, "mille")
	} else if k > 1 {
		parts = append(parts, below1000(k, false)+" mille")
	}
	if r := n % 1000; r > 0 {
		parts = append(parts, below1000(r, true))
	}
	return strings.Join(parts, " ")
}

// below1000OrMore writes the count of milliards or millions (a noun follows: plural agreement);
// milliards may exceed 999.
func below1000OrMore(v int64) string {
	if v < 1000 {
		return below1000(v, true)
	}
	return numberWords(v)
}
