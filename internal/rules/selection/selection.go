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
	"math/big"
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
	// ActionDepartment is, for a regional call, the department where the action
	// takes place: its convention counts there for the on-site controls (§8.5).
	ActionDepartment string `json:"action_department,omitempty"`
	// PayRevaluation: the structure applies the 3 % pay revaluation (§8.1), whose
	// cost the convention integrates.
	PayRevaluation bool `json:"pay_revaluation,omitempty"`
	// LanguageTraining: a formation linguistique, « à visée professionnelle » included (§4.1.2).
	LanguageTraining bool `json:"language_training,omitempty"`
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

func quote(s string) string { return "« " + s + " »" }
