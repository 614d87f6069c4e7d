package selection

import (
	"fmt"
	"strings"
)

// PNEBlocked tells whether the association missed the PNE in each of the
// PNEMissesBlockingRenewal years ending with r.Year (a PNE year is the year the
// questionnaire was run), and returns those years, oldest first.
func PNEBlocked(r Rules, missed []int) ([]int, bool) {
	if r.PNEMissesBlockingRenewal <= 0 || len(missed) == 0 {
		return nil, false
	}
	set := make(map[int]bool, len(missed))
	for _, y := range missed {
		set[y] = true
	}
	n := r.PNEMissesBlockingRenewal
	if n > len(set) { // cannot have missed more distinct years than listed
		return nil, false
	}
	years := make([]int, 0, n)
	for k := n - 1; k >= 0; k-- {
		y := r.Year - k
		if !set[y] {
			return nil, false
		}
		years = append(years, y)
	}
	return years, true
}

// YearList names the questionnaires of the PNE years given (the years they were
// sent), as the text does (§8.4: the questionnaire sent at the end of March 2024 is
// « le PNE 2023 », on 2023's actions): "2023 (envoyé en 2024)" or
// "2022 (envoyé en 2023) et 2023 (envoyé en 2024)".
func YearList(years []int) string { return yearList(years) }

func yearList(years []int) string {
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = fmt.Sprintf("%d (envoyé en %d)", y-1, y)
	}
	if len(parts) == 1 {
		return parts[0]
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " et " + parts[len(parts)-1]
}

// PNEName is the name of the questionnaire sent in sentYear: « PNE 2023 » for 2024's (§8.4).
func PNEName(sentYear int) string { return fmt.Sprintf("PNE %d", sentYear-1) }

// PNEYears are the questionnaire years the rule looks at (the years they were
// sent), oldest first: the PNEMissesBlockingRenewal years ending with r.Year;
// none when the rule is off.
func PNEYears(r Rules) []int {
	years := make([]int, 0, max(r.PNEMissesBlockingRenewal, 0))
	for k := r.PNEMissesBlockingRenewal - 1; k >= 0; k-- {
		years = append(years, r.Year-k)
	}
	return years
}

// PNEBlockedPending is PNEBlocked while some of the rule's questionnaires are not
// closed: pending lists the years the association may still answer (on the year's
// list, no answer yet, the closure's result not recorded). The rule blocks when
// each of its years is missed or pending, and the block is provisional when one of
// them is pending: an answer before the closure lifts it, none confirms it
// (§8.4: « transmettre à la DIAN ... pour que le PNE 2023 puisse leur être adressé
// fin mars », closed « le 31 mai 2024 »). pendingYears are those of years pending.
func PNEBlockedPending(r Rules, missed, pending []int) (years, pendingYears []int, blocked bool) {
	years, blocked = PNEBlocked(r, append(append([]int(nil), missed...), pending...))
	if !blocked {
		return nil, nil, false
	}
	closed := make(map[int]bool, len(missed))
	for _, y := range missed {
		closed[y] = true
	}
	for _, y := range years {
		if !closed[y] {
			pendingYears = append(pendingYears, y)
		}
	}
	return years, pendingYears, true
}
