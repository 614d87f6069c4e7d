// Package policy holds the yearly rules of the annual instruction as data: dates
// of the calendar and thresholds of the selection, evaluation and CTAI rules.
//
// A policy is loaded from a YAML file (policies/2024.yaml, …), validated, and
// copied into each campaign workflow's input at start, so a later edit of the
// file never changes a running campaign.
package policy

// DemoName is the policy that compresses a campaign's calendar into minutes (dev mode only).
const DemoName = "demo"

// Policy is one year's rules. Its JSON form travels in workflow inputs.
type Policy struct {
	// Name is the year ("2024") or "demo".
	Name string `yaml:"name" json:"name"`
	// Year the instruction applies from; 0 for the demo policy.
	Year int `yaml:"year" json:"year"`
	// Source cites the instruction the figures come from.
	Source string `yaml:"source" json:"source"`
	// Calendar gives the yearly dates (absolute policies).
	Calendar Calendar `yaml:"calendar" json:"calendar"`
	// Demo gives offsets from the campaign's start instead of dates (demo policy).
	Demo *DemoCalendar `yaml:"demo,omitempty" json:"demo,omitempty"`
	// Selection holds the committee's rules (§8.1, §8.2, §8.4).
	Selection Selection `yaml:"selection" json:"selection"`
	// PNE holds the evaluation questionnaire's rules (§8.4).
	PNE PNE `yaml:"pne" json:"pne"`
	// FinancialReport holds the compte-rendu financier rule (§8.4).
	FinancialReport FinancialReport `yaml:"financial_report" json:"financial_report"`
	// CTAI holds the territorial contracts' ceilings (§3).
	CTAI CTAI `yaml:"ctai" json:"ctai"`
	// Convention holds the signature schedule of the subsidy agreements.
	Convention Convention `yaml:"convention" json:"convention"`
	// Control holds the schedule of the on-site controls' regional synthesis (§8.5).
	Control Control `yaml:"control" json:"control"`
}

// Control is the schedule around a region's yearly synthesis of its on-site
// controls, due on calendar.control_synthesis_due (§8.5: 30 September).
type Control struct {
	// SynthesisRemindersBefore remind the correspondents this long before the synthesis is due, longest first.
	SynthesisRemindersBefore []Duration `yaml:"synthesis_reminders_before" json:"synthesis_reminders_before"`
	// SupplementAfter is how long after the first change the synthesis sent did
	// not hold (a control planned, a result or follow-up recorded) a
	// supplementary synthesis leaves for DIAN, holding the changes made meanwhile;
	// 0 sends it at once.
	SupplementAfter Duration `yaml:"supplement_after,omitempty" json:"supplement_after,omitempty"`
}

// Convention is the schedule of a convention sent for signature: reminders to
// the association, a warning to the correspondent, then the convention lapses.
type Convention struct {
	RemindersAfter         []Duration `yaml:"reminders_after" json:"reminders_after"`
	WarnCorrespondentAfter Duration   `yaml:"warn_correspondent_after" json:"warn_correspondent_after"`
	LapseAfter             Duration   `yaml:"lapse_after" json:"lapse_after"`
	// EligiblePublic is what each convention says of the public it may fund and
	// how it is checked (§8.5: « le public éligible et les modalités de
	// vérification de ce public »), with its source: the text defines no more.
	EligiblePublic EligiblePublic `yaml:"eligible_public" json:"eligible_public"`
	// FiscalYearEnd of the subsidy (the compte-rendu financier is due some months after it, §8.4).
	FiscalYearEnd MonthDay `yaml:"fiscal_year_end" json:"fiscal_year_end"`
}

// EligiblePublic is the convention's article on the eligible public (§8.5).
type EligiblePublic struct {
	// Definition: who the credits may fund.
	Definition string `yaml:"definition" json:"definition"`
	// MixedActions: how an action open to other publics is funded (pro rata).
	MixedActions string `yaml:"mixed_actions" json:"mixed_actions"`
	// Check: how the association checks each beneficiary's eligibility.
	Check string `yaml:"check" json:"check"`
	// Source cites where the three come from.
	Source string `yaml:"source" json:"source"`
}

// Calendar holds the yearly deadlines as month-days of the campaign's year, in Europe/Paris.
type Calendar struct {
	AAPPublishBy        MonthDay `yaml:"aap_publish_by" json:"aap_publish_by"`               // §8.3: end of Q1
	AAPCloseBy          MonthDay `yaml:"aap_close_by" json:"aap_close_by"`                   // §8.3
	PNEListDue          MonthDay `yaml:"pne_list_due" json:"pne_list_due"`                   // §8.4
	PNESend             MonthDay `yaml:"pne_send" json:"pne_send"`                           // §8.4
	PNEClose            MonthDay `yaml:"pne_close" json:"pne_close"`                         // §8.4
	CreditsConsumedBy   MonthDay `yaml:"credits_consumed_by" json:"credits_consumed_by"`     // §8.3
	CTAIRenewalDue      MonthDay `yaml:"ctai_renewal_due" json:"ctai_renewal_due"`           // §3.4
	CTAINewDue          MonthDay `yaml:"ctai_new_due" json:"ctai_new_due"`                   // §3.4
	ControlSynthesisDue MonthDay `yaml:"control_synthesis_due" json:"control_synthesis_due"` // §8.5
}

// DemoCalendar places each step of a demo campaign at an offset from its creation.
type DemoCalendar struct {
	PublishAfter Duration `yaml:"publish_after" json:"publish_after"`
	CloseAfter   Duration `yaml:"close_after" json:"close_after"`
	// ControlSynthesisAfter places a region's control synthesis after its control workflow's start.
	ControlSynthesisAfter Duration `yaml:"control_synthesis_after" json:"control_synthesis_after"`
	// PNEListAfter, PNESendAfter and PNECloseAfter place the steps of a PNE
	// workflow started under the demo policy after its start, and
	// PNERemindersAfterSend its reminders after the questionnaire, so that a
	// whole evaluation year runs in minutes (cmd/recordhistory records its
	// history so). Left out, a demo PNE is skipped, as aap dev starts none.
	PNEListAfter          Duration   `yaml:"pne_list_after,omitempty" json:"pne_list_after,omitempty"`
	PNESendAfter          Duration   `yaml:"pne_send_after,omitempty" json:"pne_send_after,omitempty"`
	PNERemindersAfterSend []Duration `yaml:"pne_reminders_after_send,omitempty" json:"pne_reminders_after_send,omitempty"`
	PNECloseAfter         Duration   `yaml:"pne_close_after,omitempty" json:"pne_close_after,omitempty"`
}

// HasPNE reports whether the demo calendar places a PNE's steps.
func (d DemoCalendar) HasPNE() bool { return d.PNECloseAfter > 0 }

// Selection holds the thresholds the committee's choice must respect.
type Selection struct {
	// EmploymentLanguageMinPercent of the credits go to employment and language (§8.1: 70).
	EmploymentLanguageMinPercent int `yaml:"employment_language_min_percent" json:"employment_language_min_percent"`
	// NonBPIBeneficiariesMinPercent of funded beneficiaries are not BPI (§8.1: 30).
	NonBPIBeneficiariesMinPercent int `yaml:"non_bpi_beneficiaries_min_percent" json:"non_bpi_beneficiaries_min_percent"`
	// EmploymentLanguageThemes count towards the employment-and-language share.
	EmploymentLanguageThemes []string `yaml:"employment_language_themes" json:"employment_language_themes"`
	// PNEMissesBlockingRenewal is how many consecutive missed PNE questionnaires block
	// funding (§8.4: 2 in 2024, 1 from 2025).
	PNEMissesBlockingRenewal int `yaml:"pne_misses_blocking_renewal" json:"pne_misses_blocking_renewal"`
}

// PNE holds the follow-up of the evaluation questionnaire.
type PNE struct {
	// TargetResponsePercent is the national target (§8.4: 100).
	TargetResponsePercent int `yaml:"target_response_percent" json:"target_response_percent"`
	// ReminderDaysAfterSend schedules the reminders to structures that have not answered.
	ReminderDaysAfterSend []int `yaml:"reminder_days_after_send" json:"reminder_days_after_send"`
	// LateAnswersCount: an answer confirmed after the questionnaire's closure (kept as late)
	// counts as an answer for the renewal rule; false, the structure stays recorded as having missed it.
	LateAnswersCount bool `yaml:"late_answers_count" json:"late_answers_count"`
}

// FinancialReport holds the compte-rendu financier (Cerfa n° 15059*02) rule.
type FinancialReport struct {
	// MonthsAfterFiscalYearEnd is the delay to send it (§8.4: 6).
	MonthsAfterFiscalYearEnd int `yaml:"months_after_fiscal_year_end" json:"months_after_fiscal_year_end"`
	// RemindersBefore the due date, furthest first ([30d, 7d]): the association is reminded
	// while it has not sent the report (§8.4: "suivi actif").
	RemindersBefore []Duration `yaml:"reminders_before,omitempty" json:"reminders_before,omitempty"`
	// RemindersAfter the due date, nearest first ([15d, 30d]); past the last one the
	// report is recorded as missing, which blocks the association's renewal.
	RemindersAfter []Duration `yaml:"reminders_after,omitempty" json:"reminders_after,omitempty"`
	// DueAfterSignature replaces the fiscal-year rule in the demo policy only: the
	// report is due this long after the convention's signature, so that aap dev shows it in minutes.
	DueAfterSignature Duration `yaml:"due_after_signature,omitempty" json:"due_after_signature,omitempty"`
}

// CTAI holds the ceilings of the contrats territoriaux d'accueil et d'intégration (§3).
type CTAI struct {
	NewContractMaxEUR             int64 `yaml:"new_contract_max_eur" json:"new_contract_max_eur"`
	LargeTerritoryMinInhabitants  int   `yaml:"large_territory_min_inhabitants" json:"large_territory_min_inhabitants"`
	LargeTerritoryMinCIR          int   `yaml:"large_territory_min_cir" json:"large_territory_min_cir"`
	MinIntegrationDomains         int   `yaml:"min_integration_domains" json:"min_integration_domains"`
	CoordinatorMinLocalSharePerc  int   `yaml:"coordinator_min_local_share_percent" json:"coordinator_min_local_share_percent"`
	ProcurementThresholdEURExclTx int64 `yaml:"procurement_threshold_eur_excl_tax" json:"procurement_threshold_eur_excl_tax"`
	// NationalEnvelopeEUR is the year's national CTAI envelope (§8.1: « une enveloppe
	// spécifique est fixée au niveau central »); 0 when not yet notified: the
	// coherence figures then say so and no decision is beyond it.
	NationalEnvelopeEUR int64 `yaml:"national_envelope_eur,omitempty" json:"national_envelope_eur,omitempty"`
}

// IsDemo reports whether the policy places steps relative to the campaign's start.
func (p Policy) IsDemo() bool { return p.Demo != nil }
