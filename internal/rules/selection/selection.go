// Package selection holds the committee's rules for a call for projects (programme 104,
// action 12, instruction of 26 March 2024, §8): given the dossiers of a call and the
// committee's decisions, Check lists every broken rule, in French, with its figures.
//
// The package is pure and deterministic: it runs both in the HTTP API (dry run) and in a
// Temporal workflow's Update validator. It does no I/O, reads no clock, draws no random
// number, starts no goroutine and uses no floating point: money is int64 cents, shares are
// compared by integer cross-multiplication (in math/big, so that no input can overflow), and
// maps serve only for look-ups, never for ordering the output.
package selection

import (
	"fmt"
	"math"
	"math/big"
	"sort"
	"strings"
)

// Decision values.
const (
	Retained    = "retenu"
	NotRetained = "non_retenu"
)

// Rule codes of the violations (stable, for clients).
const (
	RuleUnknownApplication       = "unknown_application"
	RuleDuplicateDecision        = "duplicate_decision"
	RuleMissingDecision          = "missing_decision"
	RuleDecisionEnum             = "decision_enum"
	RuleScoreRange               = "score_range"
	RuleReasonRequired           = "reason_required"
	RuleGrantedPositive          = "granted_positive"
	RuleGrantedNotRetained       = "granted_not_retained"
	RuleGrantedAboveRequest      = "granted_above_request"
	RuleAGIRRedundant            = "agir_redundant"
	RulePNEBlocked               = "pne_blocked"
	RuleFinancialReportMissing   = "financial_report_missing"
	RuleDoubleFundingUnjustified = "double_funding_unjustified"
	RuleCPOTranches              = "cpo_tranches"
	RuleEnvelope                 = "envelope"
	RuleEmploymentLanguageShare  = "employment_language_share"
	RuleNonBPIShare              = "non_bpi_share"
)

// Score bounds.
const (
	MinScore = 0
	MaxScore = 100
)

// Dossier is what the rules need to know of one dossier (gathered from the database by the caller).
// ApplicationIDs are expected to be unique in a call; should one repeat, the first dossier
// carrying it is the one judged.
type Dossier struct {
	ApplicationID       string
	AssociationName     string
	Theme               string // e.g. "langue", "emploi", "sante"
	RequestedCents      int64
	BeneficiariesBPI    int
	BeneficiariesNonBPI int
	AGIRRedundant       bool     // global accompaniment redundant with AGIR (§8.2)
	DoubleFundingWith   []string // other dossiers of the same association and project this year (§3.2, §8.2)
	// PNEMissedYears lists the years (descending or any order) whose PNE questionnaire the association did not answer.
	PNEMissedYears []int
	// MissingFinancialReports describes, in French, each compte-rendu financier of the
	// association that is overdue and not received (§8.4): while one is, the dossier cannot be retained.
	MissingFinancialReports []string
}

// Decision is the committee's choice for one dossier.
type Decision struct {
	ApplicationID          string `json:"application_id"`
	Decision               string `json:"decision"` // Retained | NotRetained
	GrantedCents           int64  `json:"granted_cents"`
	Score                  int    `json:"score"` // 0..100
	Reason                 string `json:"reason"`
	DoubleFundingJustified string `json:"double_funding_justification,omitempty"`
	// CPOTranches makes the convention a multi-year CPO: one maximum per year,
	// the first being this year's granted amount, subject to the budget law (§8.2).
	CPOTranches []Tranche `json:"cpo_tranches,omitempty"`
}

// Tranche is one year of a CPO and its maximum amount.
type Tranche struct {
	Year     int   `json:"year"`
	MaxCents int64 `json:"max_cents"`
}

// Rules are the call's figures and the policy's thresholds.
type Rules struct {
	EnvelopeCents                 int64
	Year                          int      // the campaign's year
	EmploymentLanguageThemes      []string // themes counted for the 70 % share
	EmploymentLanguageMinPercent  int      // 70
	NonBPIBeneficiariesMinPercent int      // 30
	// PNEMissesBlockingRenewal is how many consecutive PNE questionnaires, up to
	// the one run in the campaign's own year (closed by 31 May, before the
	// selection), an association must have missed to be blocked: 2 in 2024 ("en
	// 2023 puis en 2024"), 1 from 2025 (§8.4). Zero or less disables the rule.
	PNEMissesBlockingRenewal int
}

// Violation is one broken rule, with its figures, in French for the correspondent.
type Violation struct {
	Rule          string `json:"rule"`                     // stable code, see the Rule* constants
	ApplicationID string `json:"application_id,omitempty"` // for per-dossier rules
	Field         string `json:"field"`                    // e.g. "decisions[3].granted_eur" or "decisions"
	Message       string `json:"message"`                  // French, with the figures
}

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

// Check returns every violation (nil when the selection is acceptable), in a deterministic
// order: first the structural violations of the decisions in input order, then the dossiers
// without a decision (by ApplicationID), then the per-dossier rules in the order of decisions,
// then the global rules (envelope, employment-and-language share, non-BPI share).
//
// The output depends on the order of decisions but not on the order of dossiers.
func Check(r Rules, dossiers []Dossier, decisions []Decision) []Violation {
	byID, js := index(dossiers, decisions)
	var out []Violation
	add := func(rule, id, field, format string, args ...any) {
		out = append(out, Violation{Rule: rule, ApplicationID: id, Field: field, Message: fmt.Sprintf(format, args...)})
	}

	// 1. Structural rules, decision by decision.
	firstAt := make(map[string]int, len(decisions))
	for i, dec := range decisions {
		id := dec.ApplicationID
		field := func(name string) string { return fmt.Sprintf("decisions[%d].%s", i, name) }
		if _, ok := byID[id]; !ok {
			if strings.TrimSpace(id) == "" {
				add(RuleUnknownApplication, id, field("application_id"), "la décision ne désigne aucun dossier")
			} else {
				add(RuleUnknownApplication, id, field("application_id"), "la décision porte sur le dossier %s, qui n'est pas un dossier de l'appel", quote(id))
			}
		} else if first, dup := firstAt[id]; dup {
			add(RuleDuplicateDecision, id, field("application_id"), "le dossier %s a déjà une décision (decisions[%d]) : une seule décision par dossier", quote(id), first)
		} else {
			firstAt[id] = i
		}
		switch dec.Decision {
		case Retained:
		case NotRetained:
			if strings.TrimSpace(dec.Reason) == "" {
				add(RuleReasonRequired, id, field("reason"), "le dossier %s n'est pas retenu : le motif est obligatoire, l'association en est informée", quote(id))
			}
		default:
			add(RuleDecisionEnum, id, field("decision"), "décision %s inconnue : « %s » ou « %s » attendu", quote(dec.Decision), Retained, NotRetained)
		}
		if dec.Score < MinScore || dec.Score > MaxScore {
			add(RuleScoreRange, id, field("score"), "la note (%d) doit être comprise entre %d et %d", dec.Score, MinScore, MaxScore)
		}
	}

	// 2. The review is exhaustive (§8): every dossier has a decision.
	var missing []string
	for id := range byID {
		if _, ok := firstAt[id]; !ok {
			missing = append(missing, id)
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		add(RuleMissingDecision, id, "decisions", "le dossier %s (%s) n'a pas de décision : l'instruction des dossiers est exhaustive (§8)", quote(id), byID[id].AssociationName)
	}

	// 3. Per-dossier rules, in the order of decisions.
	for _, j := range js {
		dec, d, id := j.decision, j.dossier, j.decision.ApplicationID
		field := func(name string) string { return fmt.Sprintf("decisions[%d].%s", j.index, name) }
		switch dec.Decision {
		case Retained:
			if dec.GrantedCents <= 0 {
				add(RuleGrantedPositive, id, field("granted_eur"), "le dossier %s est retenu avec un montant accordé de %s : un montant positif est attendu", quote(id), euros(dec.GrantedCents))
			}
		case NotRetained:
			if dec.GrantedCents != 0 {
				add(RuleGrantedNotRetained, id, field("granted_eur"), "le dossier %s n'est pas retenu mais un montant de %s lui est accordé : 0,00\u00a0€ attendu", quote(id), euros(dec.GrantedCents))
			}
		}
		if dec.GrantedCents > d.RequestedCents {
			add(RuleGrantedAboveRequest, id, field("granted_eur"), "le montant accordé au dossier %s (%s) dépasse la subvention demandée (%s)", quote(id), euros(dec.GrantedCents), euros(d.RequestedCents))
		}
		if dec.Decision != Retained {
			if len(dec.CPOTranches) > 0 {
				add(RuleCPOTranches, id, field("cpo_tranches"), "le dossier %s n'est pas retenu : pas de convention pluriannuelle", quote(id))
			}
			continue
		}
		if msg := checkTranches(r.Year, dec); msg != "" {
			add(RuleCPOTranches, id, field("cpo_tranches"), "dossier %s : %s", quote(id), msg)
		}
		if d.AGIRRedundant {
			add(RuleAGIRRedundant, id, field("decision"), "le dossier %s (%s) finance un accompagnement global redondant avec AGIR : il ne peut être retenu (§8.2)", quote(id), d.AssociationName)
		}
		if years, blocked := PNEBlocked(r, d.PNEMissedYears); blocked {
			add(RulePNEBlocked, id, field("decision"), "l'association %s n'a pas répondu au questionnaire PNE %s : son dossier %s ne peut être retenu en %d (§8.4)", d.AssociationName, yearList(years), quote(id), r.Year)
		}
		for _, report := range d.MissingFinancialReports {
			add(RuleFinancialReportMissing, id, field("decision"), "l'association %s n'a pas envoyé %s : son dossier %s ne peut être retenu tant qu'il n'est pas reçu (§8.4)", d.AssociationName, report, quote(id))
		}
		if len(d.DoubleFundingWith) > 0 && strings.TrimSpace(dec.DoubleFundingJustified) == "" {
			others := make([]string, len(d.DoubleFundingWith))
			for k, o := range d.DoubleFundingWith {
				others[k] = quote(o)
			}
			add(RuleDoubleFundingUnjustified, id, field("double_funding_justification"), "le dossier %s est aussi présenté ou financé ailleurs (%s) : le double financement doit être justifié (§3.2, §8.2)", quote(id), strings.Join(others, ", "))
		}
	}

	// 4. Global rules.
	a := sum(r, js)
	if a.granted.Cmp(big.NewInt(r.EnvelopeCents)) > 0 {
		add(RuleEnvelope, "", "decisions", "le total accordé (%s) dépasse l'enveloppe de l'appel (%s)", eurosBig(a.granted), euros(r.EnvelopeCents))
	}
	if a.granted.Sign() > 0 && below(a.employmentLanguage, a.granted, r.EmploymentLanguageMinPercent) {
		add(RuleEmploymentLanguageShare, "", "decisions",
			"la part des crédits accordés à l'intégration par l'emploi et la langue (%s sur %s, soit %s) est inférieure au minimum de %d\u00a0%% (§8.1)",
			eurosBig(a.employmentLanguage), eurosBig(a.granted), percent(a.employmentLanguage, a.granted), r.EmploymentLanguageMinPercent)
	}
	beneficiaries := new(big.Int).Add(a.bpi, a.nonBPI)
	if beneficiaries.Sign() > 0 && below(a.nonBPI, beneficiaries, r.NonBPIBeneficiariesMinPercent) {
		add(RuleNonBPIShare, "", "decisions",
			"les primo-arrivants autres que BPI ne sont que %s bénéficiaires sur %s des dossiers retenus (soit %s), en deçà du minimum de %d\u00a0%% (§8.1)",
			grouped(a.nonBPI), grouped(beneficiaries), percent(a.nonBPI, beneficiaries), r.NonBPIBeneficiariesMinPercent)
	}
	return out
}

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

// below tells whether part < minPercent % of total, by cross-multiplication:
// part*100 < minPercent*total. Exactly at the threshold is not below.
func below(part, total *big.Int, minPercent int) bool {
	lhs := new(big.Int).Mul(part, big.NewInt(100))
	rhs := new(big.Int).Mul(total, big.NewInt(int64(minPercent)))
	return lhs.Cmp(rhs) < 0
}

// percent writes part/total as a French percentage with one decimal, truncated toward zero
// (so that a share refused for being under 70 % never reads "70,0 %"): "68,4 %". total > 0.
func percent(part, total *big.Int) string {
	perMille := new(big.Int).Mul(part, big.NewInt(1000))
	perMille.Quo(perMille, total) // truncation toward zero
	sign := ""
	if perMille.Sign() < 0 {
		sign = "-"
		perMille.Neg(perMille)
	}
	units, tenth := new(big.Int).QuoRem(perMille, big.NewInt(10), new(big.Int))
	return fmt.Sprintf("%s%s,%s\u00a0%%", sign, units.String(), tenth.String())
}

// euros writes integer cents the French way: "12 500,00 €", with U+00A0 no-break spaces.
func euros(cents int64) string { return eurosBig(big.NewInt(cents)) }

func eurosBig(cents *big.Int) string {
	sign := ""
	abs := new(big.Int).Set(cents)
	if abs.Sign() < 0 {
		sign = "-"
		abs.Neg(abs)
	}
	units, rest := new(big.Int).QuoRem(abs, big.NewInt(100), new(big.Int))
	return fmt.Sprintf("%s%s,%02d\u00a0€", sign, grouped(units), rest.Int64())
}

// grouped writes an integer with its thousands separated by U+00A0: "12 500".
func grouped(n *big.Int) string {
	sign := ""
	digits := n.String()
	if strings.HasPrefix(digits, "-") {
		sign, digits = "-", digits[1:]
	}
	var b strings.Builder
	b.WriteString(sign)
	for i, c := range digits {
		if i > 0 && (len(digits)-i)%3 == 0 {
			b.WriteRune('\u00a0')
		}
		b.WriteRune(c)
	}
	return b.String()
}

func quote(s string) string { return "« " + s + " »" }

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

// checkTranches: a CPO covers at least two consecutive years from the
// campaign's, the first tranche being the amount granted this year, each positive.
func checkTranches(year int, dec Decision) string {
	t := dec.CPOTranches
	switch {
	case len(t) == 0:
		return ""
	case len(t) < 2:
		return "une convention pluriannuelle couvre au moins deux années"
	case t[0].Year != year:
		return fmt.Sprintf("la première tranche porte sur %d, l'année de la campagne", year)
	case t[0].MaxCents != dec.GrantedCents:
		return fmt.Sprintf("la tranche %d (%s) doit égaler le montant accordé (%s)", year, euros(t[0].MaxCents), euros(dec.GrantedCents))
	}
	for i, tr := range t {
		if tr.MaxCents <= 0 {
			return fmt.Sprintf("la tranche %d doit être positive", tr.Year)
		}
		if i > 0 && tr.Year != t[i-1].Year+1 {
			return "les tranches portent sur des années consécutives"
		}
	}
	return ""
}
