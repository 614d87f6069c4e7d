package selection

import (
	"fmt"
	"math/big"
	"strings"

	"github.com/dian-p104/aap/internal/french"
)

// The two shares of §8.1 are objectives, not conditions of a call's selection:
//
//	« La mise à disposition de ces crédits s'accompagne de la fixation des objectifs suivants
//	pour les appels à projets (AAP) déconcentrés : au moins 70 % des crédits alloués (hors
//	programme AGIR et CTAI) aux priorités de l'intégration par l'emploi et par la langue ; au
//	moins 30 % d'étrangers primo-arrivants hors BPI bénéficiaires des actions financées »
//
// and §8.2 recommends regional calls on « thématiques spécifiques insuffisamment couvertes »
// (a health-only call). So each share is measured on the call and on its territory across
// the year's calls (the department, the region with its departments); a selection that
// leaves its territory under an objective is accepted only with a written justification,
// recorded with it and shown to DIAN as a deviation. The envelope stays a hard ceiling.

// RuleObjectivesJustification names the field a deviation asks for.
const RuleObjectivesJustification = "objectives_justification"

// Scope kinds on which the objectives are measured.
const (
	ScopeCall       = "call"
	ScopeDepartment = "department"
	ScopeRegion     = "region"
)

// Sums are the retained dossiers' figures the objectives are measured on.
type Sums struct {
	GrantedCents            int64 `json:"granted_cents"`
	EmploymentLanguageCents int64 `json:"employment_language_cents"`
	BeneficiariesBPI        int64 `json:"beneficiaries_bpi"`
	BeneficiariesNonBPI     int64 `json:"beneficiaries_non_bpi"`
}

// Scope is one territory of the call (its department, its region with its departments) with
// the sums of the selections already recorded in the year's other calls of that territory.
type Scope struct {
	Kind   string // ScopeDepartment | ScopeRegion
	Code   string // INSEE code
	Label  string // "Rhône (69)", "Auvergne-Rhône-Alpes (région 84, avec ses départements)"
	Others Sums
}

// Objectives is what the selection brings beside its decisions: the call's territories and
// the committee's written justification of a deviation.
type Objectives struct {
	// Scopes are the call's territories; none: the call is judged as its own territory.
	Scopes        []Scope
	Justification string
}

// Deviation is one objective a scope is left under by the selection.
type Deviation struct {
	Scope         string `json:"scope"` // ScopeCall | ScopeDepartment | ScopeRegion
	Code          string `json:"code,omitempty"`
	Label         string `json:"label"`
	Objective     string `json:"objective"` // RuleEmploymentLanguageShare | RuleNonBPIShare
	Percent       string `json:"percent"`   // "68,4 %", truncated
	TargetPercent int    `json:"target_percent"`
	Message       string `json:"message"` // French, with the figures
}

// Territorial tells whether the deviation is its territory's (it then needs a justification).
func (d Deviation) Territorial() bool { return d.Scope != ScopeCall }

// Deviations measures both objectives on the call and on each of its scopes (the scope's
// other calls plus this selection), and lists every one left under its target.
func Deviations(r Rules, o Objectives, dossiers []Dossier, decisions []Decision) []Deviation {
	_, js := index(dossiers, decisions)
	own := sum(r, js)
	out := measure(r, ScopeCall, "", "l'appel", own)
	for _, s := range o.Scopes {
		out = append(out, measure(r, s.Kind, s.Code, s.Label, own.plus(s.Others))...)
	}
	return out
}

// checkObjectives: a deviation of a territory (or of the call, judged without its
// territories) needs the written justification; each one is then a violation.
func (v *violations) checkObjectives(r Rules, o Objectives, dossiers []Dossier, decisions []Decision) {
	if strings.TrimSpace(o.Justification) != "" {
		return
	}
	for _, d := range Deviations(r, o, dossiers, decisions) {
		if d.Territorial() || len(o.Scopes) == 0 {
			v.add(d.Objective, "", RuleObjectivesJustification,
				"%s : une sélection qui laisse son territoire sous un objectif de l'instruction n'est acceptée qu'avec une justification écrite (objectives_justification), montrée à la DIAN (§8.1)", d.Message)
		}
	}
}

func (a aggregate) plus(s Sums) aggregate {
	add := func(x *big.Int, y int64) *big.Int { return new(big.Int).Add(x, big.NewInt(y)) }
	return aggregate{
		granted: add(a.granted, s.GrantedCents), employmentLanguage: add(a.employmentLanguage, s.EmploymentLanguageCents),
		bpi: add(a.bpi, s.BeneficiariesBPI), nonBPI: add(a.nonBPI, s.BeneficiariesNonBPI),
		retained: a.retained, notRetained: a.notRetained,
	}
}

// measure lists the objectives a at scope is under: a share exactly at its target is not.
func measure(r Rules, kind, code, label string, a aggregate) []Deviation {
	var out []Deviation
	if a.granted.Sign() > 0 && below(a.employmentLanguage, a.granted, r.EmploymentLanguageMinPercent) {
		p := percent(a.employmentLanguage, a.granted)
		out = append(out, Deviation{Scope: kind, Code: code, Label: label, Objective: RuleEmploymentLanguageShare,
			Percent: p, TargetPercent: r.EmploymentLanguageMinPercent, Message: fmt.Sprintf(
				"%s : la part des crédits accordés à l'intégration par l'emploi et la langue (%s sur %s, soit %s) est inférieure à l'objectif de %d\u00a0%% (§8.1)",
				scopeName(kind, label), french.EurosBig(a.employmentLanguage), french.EurosBig(a.granted), p, r.EmploymentLanguageMinPercent)})
	}
	beneficiaries := new(big.Int).Add(a.bpi, a.nonBPI)
	if beneficiaries.Sign() > 0 && below(a.nonBPI, beneficiaries, r.NonBPIBeneficiariesMinPercent) {
		p := percent(a.nonBPI, beneficiaries)
		out = append(out, Deviation{Scope: kind, Code: code, Label: label, Objective: RuleNonBPIShare,
			Percent: p, TargetPercent: r.NonBPIBeneficiariesMinPercent, Message: fmt.Sprintf(
				"%s : les primo-arrivants autres que BPI ne sont que %s bénéficiaires sur %s des dossiers retenus (soit %s), en deçà de l'objectif de %d\u00a0%% (§8.1)",
				scopeName(kind, label), french.Grouped(a.nonBPI), french.Grouped(beneficiaries), p, r.NonBPIBeneficiariesMinPercent)})
	}
	return out
}

func scopeName(kind, label string) string {
	switch kind {
	case ScopeDepartment:
		return "dans le département " + label + ", sur l'ensemble des appels de l'année"
	case ScopeRegion:
		return "dans la région " + label + " avec ses départements, sur l'ensemble des appels de l'année"
	default:
		return "dans cet appel"
	}
}
