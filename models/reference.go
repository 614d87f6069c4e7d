package models

import (
	"fmt"
	"regexp"
)

// A dossier's reference is what an association and a correspondent say on the
// phone: "AAP-2027-69-0042" is the 42nd dossier filed in 2027 in the Rhône's
// departmental calls. A regional call's territory is written with an R
// ("AAP-2027-R84-0007"): region 84 (Auvergne-Rhône-Alpes) and department 84
// (Vaucluse) share their INSEE code. The number counts per year and territory,
// from 1, in filing order; it is allocated once, in the dossier's insert.

// ReferenceScope is the part of a reference its call fixes: "2027-69", "2027-R84".
func ReferenceScope(year int, level, territory string) string {
	if level == LevelRegional {
		territory = "R" + territory
	}
	return fmt.Sprintf("%d-%s", year, territory)
}

// DossierReference is the reference of the n-th dossier of scope.
func DossierReference(scope string, n int) string { return fmt.Sprintf("AAP-%s-%04d", scope, n) }

var referencePattern = regexp.MustCompile(`^AAP-[0-9]{4}-(R[0-9]{2}|[0-9]{2,3}|2[AB])-[0-9]{4,}$`)

// IsDossierReference reports whether s is written like a dossier reference.
func IsDossierReference(s string) bool { return referencePattern.MatchString(s) }
