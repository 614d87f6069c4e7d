package selection

import (
	"math"
	"math/big"
)

// Totals summarises a selection (for the response and the emails).
//
// Only the first decision of each dossier of the call counts (decisions naming an unknown
// dossier and repeated decisions are ignored; Check reports them). GrantedCents and
// EmploymentLanguageCents add up the amounts of the retained dossiers; the beneficiaries are
// those of the retained dossiers. Sums beyond the int64 (int) range are clamped.
type Totals struct {
	GrantedCents            int64 `json:"granted_cents"`
	EmploymentLanguageCents int64 `json:"employment_language_cents"`
	RetainedCount           int   `json:"retained_count"`
	NotRetainedCount        int   `json:"not_retained_count"`
	BeneficiariesBPI        int   `json:"beneficiaries_bpi"` // of retained dossiers
	BeneficiariesNonBPI     int   `json:"beneficiaries_non_bpi"`
}

// judged is one decision that the per-dossier and global rules look at: the first decision
// naming a dossier of the call.
type judged struct {
	index    int // in decisions
	decision Decision
	dossier  Dossier
}

// index returns the dossiers by ApplicationID (first occurrence wins) and the decisions to judge,
// in the order of decisions.
func index(dossiers []Dossier, decisions []Decision) (map[string]Dossier, []judged) {
	byID := make(map[string]Dossier, len(dossiers))
	for _, d := range dossiers {
		if _, ok := byID[d.ApplicationID]; !ok {
			byID[d.ApplicationID] = d
		}
	}
	seen := make(map[string]bool, len(decisions))
	var out []judged
	for i, dec := range decisions {
		d, ok := byID[dec.ApplicationID]
		if !ok || seen[dec.ApplicationID] {
			continue
		}
		seen[dec.ApplicationID] = true
		out = append(out, judged{index: i, decision: dec, dossier: d})
	}
	return byID, out
}

// aggregate holds the exact sums of a selection.
type aggregate struct {
	granted, employmentLanguage *big.Int // cents, retained dossiers
	bpi, nonBPI                 *big.Int // beneficiaries of retained dossiers
	retained, notRetained       int
}

func sum(r Rules, js []judged) aggregate {
	themes := make(map[string]bool, len(r.EmploymentLanguageThemes))
	for _, t := range r.EmploymentLanguageThemes {
		themes[t] = true
	}
	a := aggregate{granted: new(big.Int), employmentLanguage: new(big.Int), bpi: new(big.Int), nonBPI: new(big.Int)}
	for _, j := range js {
		switch j.decision.Decision {
		case Retained:
			a.retained++
			g := big.NewInt(j.decision.GrantedCents)
			a.granted.Add(a.granted, g)
			if themes[j.dossier.Theme] {
				a.employmentLanguage.Add(a.employmentLanguage, g)
			}
			a.bpi.Add(a.bpi, big.NewInt(int64(j.dossier.BeneficiariesBPI)))
			a.nonBPI.Add(a.nonBPI, big.NewInt(int64(j.dossier.BeneficiariesNonBPI)))
		case NotRetained:
			a.notRetained++
		}
	}
	return a
}

// Summarise totals a selection (see Totals for what counts).
func Summarise(r Rules, dossiers []Dossier, decisions []Decision) Totals {
	_, js := index(dossiers, decisions)
	a := sum(r, js)
	return Totals{
		GrantedCents:            clamp64(a.granted),
		EmploymentLanguageCents: clamp64(a.employmentLanguage),
		RetainedCount:           a.retained,
		NotRetainedCount:        a.notRetained,
		BeneficiariesBPI:        clampInt(a.bpi),
		BeneficiariesNonBPI:     clampInt(a.nonBPI),
	}
}

func clamp64(x *big.Int) int64 {
	switch {
	case x.IsInt64():
		return x.Int64()
	case x.Sign() > 0:
		return math.MaxInt64
	default:
		return math.MinInt64
	}
}

func clampInt(x *big.Int) int {
	switch {
	case x.Cmp(big.NewInt(math.MaxInt)) > 0:
		return math.MaxInt
	case x.Cmp(big.NewInt(math.MinInt)) < 0:
		return math.MinInt
	default:
		return int(x.Int64())
	}
}
