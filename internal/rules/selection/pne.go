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
