// Package control holds the pure rules of on-site controls (§8.5): which
// conventions of a region to control first, and the region's yearly synthesis
// sent to DIAN. It reads nothing and writes nothing: the store gives it rows.
package control

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/territory"
)

// Doubt kinds a correspondent may flag on a convention (§8.5: "doute sur la
// réalisation des actions ou sur l'utilisation des fonds").
const (
	DoubtDelivery = "realisation_actions" // the actions may not have been delivered
	DoubtFunds    = "utilisation_fonds"   // the funds may have been used for something else
)

// DoubtKinds lists the accepted kinds, in the order they are shown.
var DoubtKinds = []string{DoubtDelivery, DoubtFunds}

// DoubtLabel names a doubt kind in French.
func DoubtLabel(kind string) string {
	switch kind {
	case DoubtDelivery:
		return "doute sur la réalisation des actions"
	case DoubtFunds:
		return "doute sur l'utilisation des fonds"
	}
	return kind
}

// Reasons a convention is proposed for a control.
const (
	ReasonDoubt      = "doute"           // a correspondent flagged a doubt
	ReasonDepartment = "departement"     // the department's first: every department gets a control
	ReasonFunding    = "montant_accorde" // ranked by the amount granted
)

// Candidate is a signed convention of the region's calls of the year.
type Candidate struct {
	ConventionID    string
	Reference       string
	AssociationName string
	ProjectTitle    string
	// Department is the INSEE code of the department of the call; empty for a regional call.
	Department   string
	GrantedCents int64
	// Doubts are the kinds of doubt flagged on it, if any.
	Doubts []string
}

// Reason is one reason a candidate is ranked where it is, with its French explanation.
type Reason struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// Ranked is a candidate at its rank (1 first), with its reasons.
type Ranked struct {
	Candidate
	Rank    int
	Reasons []Reason
}

// Tiers of the ranking: a doubt first, then each department's largest
// funding, then the rest.
const (
	tierDoubt = iota
	tierDepartment
	tierOther
)

// Rank orders the region's conventions to control first (§8.5): those a
// correspondent flagged with a doubt, then the largest funding of each
// department of the region that has one (at least one control per department),
// then the others; within each tier the largest amount first, ties in the
// order given (the store gives them by reference), so the ranking is stable.
func Rank(region string, cands []Candidate) []Ranked {
	inRegion := map[string]bool{}
	for _, d := range territory.DepartmentsOf(region) {
		inRegion[d.Code] = true
	}
	type entry struct {
		c     Candidate
		tier  int
		index int
	}
	entries := make([]entry, len(cands))
	covered := map[string]bool{} // departments that already have a convention in a higher tier
	for i, c := range cands {
		entries[i] = entry{c: c, tier: tierOther, index: i}
		if len(c.Doubts) > 0 {
			entries[i].tier = tierDoubt
			covered[c.Department] = true
		}
	}
	// Each department not covered by a doubt gets its largest funding promoted.
	best := map[string]int{}
	for i, e := range entries {
		d := e.c.Department
		if e.tier != tierOther || d == "" || !inRegion[d] || covered[d] {
			continue
		}
		if j, ok := best[d]; !ok || e.c.GrantedCents > entries[j].c.GrantedCents {
			best[d] = i
		}
	}
	for _, i := range best {
		entries[i].tier = tierDepartment
	}
	slices.SortStableFunc(entries, func(a, b entry) int {
		if a.tier != b.tier {
			return cmp.Compare(a.tier, b.tier)
		}
		if a.c.GrantedCents != b.c.GrantedCents {
			return cmp.Compare(b.c.GrantedCents, a.c.GrantedCents)
		}
		return cmp.Compare(a.index, b.index)
	})
	out := make([]Ranked, len(entries))
	for i, e := range entries {
		out[i] = Ranked{Candidate: e.c, Rank: i + 1, Reasons: reasons(e.c, e.tier)}
	}
	return out
}

func reasons(c Candidate, tier int) []Reason {
	var rs []Reason
	for _, k := range c.Doubts {
		rs = append(rs, Reason{ReasonDoubt, "Un correspondant a signalé un " + DoubtLabel(k) + "."})
	}
	if tier == tierDepartment {
		dep, _ := territory.LookupDepartment(c.Department)
		rs = append(rs, Reason{ReasonDepartment, fmt.Sprintf("Financement le plus élevé du département %s (%s) : au moins un contrôle par département.", dep.Name, dep.Code)})
	}
	rs = append(rs, Reason{ReasonFunding, "Montant accordé : " + french.Euros(c.GrantedCents) + "."})
	return rs
}
