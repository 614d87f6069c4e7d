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

// YearList writes "en 2023" or "en 2022 et 2023", as the rules' messages do.
func YearList(years []int) string { return yearList(years) }

// yearList writes "en 2023" or "en 2022 et 2023" or "en 2021, 2022 et 2023".
func yearList(years []int) string {
	parts := make([]string, len(years))
	for i, y := range years {
		parts[i] = fmt.Sprint(y)
	}
	if len(parts) == 1 {
		return "en " + parts[0]
	}
	return "en " + strings.Join(parts[:len(parts)-1], ", ") + " et " + parts[len(parts)-1]
}
