package models

import "time"

// Application states, in the order a dossier lives them.
const (
	ApplicationDeposited   = "deposited"    // filed while the call is open, acknowledged
	ApplicationUnderReview = "under_review" // the call has closed: the committee examines it
	ApplicationRetained    = "retained"     // retenu by the committee
	ApplicationNotRetained = "not_retained" // non retenu, with the reason
	ApplicationCancelled   = "cancelled"    // the call was cancelled before its conventions were signed
)

// The accusé de réception of a filed dossier (Application.Acknowledgement). The filing
// stores it pending; the worker's sender (worker/acknowledgements.go) sends it within
// seconds and records it sent, or failed when the relay refuses the address or stays
// down past the mail retry window. Empty: a dossier filed before the sender existed,
// acknowledged by its workflow.
const (
	AcknowledgementPending = "pending"
	AcknowledgementSent    = "sent"
	AcknowledgementFailed  = "failed"
)

// The correspondent's assessment of a dossier's redundancy with AGIR (§8.2).
const (
	AGIRRedundantAssessment     = "redondant"      // a global accompaniment redundant with AGIR: not fundable
	AGIRComplementaryAssessment = "complementaire" // complementary to AGIR: fundable
)

// RedundantWithAGIR is what the selection judges: the correspondent's assessment once made,
// else the applicant's own box.
func (a *Application) RedundantWithAGIR() bool {
	if a.AGIRAssessment != "" {
		return a.AGIRAssessment == AGIRRedundantAssessment
	}
	return a.AGIRRedundant
}

// IsLanguageTraining says the action is a formation linguistique, one « à visée
// professionnelle » included (§4.1.2, §8.5 « pour les actions de formation
// linguistique : l'obligation de référencement sur la cartographie nationale »):
// the decision's LanguageTraining whatever the theme, or the theme langue.
func (a *Application) IsLanguageTraining() bool {
	return a.LanguageTraining || a.Theme == "langue"
}

// CoFinancing is another funder of the project.
type CoFinancing struct {
	Funder      string `json:"funder"`
	AmountCents int64  `json:"amount_cents"`
}

// Application is one dossier filed by a porteur de projet in answer to a call.
type Application struct {
	ID string `gorm:"primaryKey;size:36" json:"id"`
	// Reference is the dossier's readable reference ("AAP-2027-69-0042", see DossierReference),
	// allocated in its insert (store's dossier_reference callback).
	Reference  string `gorm:"size:24;uniqueIndex" json:"reference"`
	CampaignID string `gorm:"size:36;uniqueIndex:idx_applications_identity" json:"campaign_id"`
	WorkflowID string `gorm:"size:200;uniqueIndex" json:"workflow_id"`
	Year       int    `json:"year"` // indexed first in idx_applications_twins
	// AssociationKey is "siren:…" (from the SIRET) or "rna:…", resolved through the
	// association's linked identifiers (AssociationIdentifier): what makes two dossiers
	// the same association's, across calls and years.
	AssociationKey   string `gorm:"size:32;uniqueIndex:idx_applications_identity;index" json:"-"`
	SIRET            string `gorm:"column:siret;size:14" json:"siret,omitempty"`
	RNA              string `gorm:"column:rna;size:10" json:"rna,omitempty"`
	AssociationName  string `gorm:"size:300" json:"association_name"`
	AssociationEmail string `gorm:"size:254" json:"association_email"`
	CERSigned        bool   `gorm:"column:cer_signed" json:"cer_signed"`
	Title            string `gorm:"size:300" json:"title"`
	// TitleKey is the title folded for comparison (identity.TitleKey: NFKC, invisible
	// characters removed, case and spaces folded).
	TitleKey            string        `gorm:"size:300;uniqueIndex:idx_applications_identity;index" json:"-"`
	Theme               string        `gorm:"size:32;index" json:"theme"`
	Description         string        `json:"description"`
	RequestedCents      int64         `json:"requested_cents"`
	TotalBudgetCents    int64         `json:"total_budget_cents"`
	CoFinancing         []CoFinancing `gorm:"serializer:json" json:"co_financing"`
	BeneficiariesBPI    int           `gorm:"column:beneficiaries_bpi" json:"beneficiaries_bpi"`
	BeneficiariesNonBPI int           `gorm:"column:beneficiaries_non_bpi" json:"beneficiaries_non_bpi"`
	// AGIRRedundant: a global accompaniment redundant with AGIR (§8.2), not fundable.
	AGIRRedundant bool `gorm:"column:agir_redundant" json:"agir_redundant"`
	// AGIRAssessment is the correspondent's own assessment of the redundancy with AGIR at
	// instruction (§8.2, §2.2.2), AGIRRedundantAssessment or AGIRComplementaryAssessment; empty
	// until made, the applicant's box then stands. It wins over the box in the selection.
	AGIRAssessment     string     `gorm:"column:agir_assessment;size:16" json:"agir_assessment,omitempty"`
	AGIRAssessmentNote string     `gorm:"column:agir_assessment_note;size:2000" json:"agir_assessment_note,omitempty"`
	AGIRAssessedBy     string     `gorm:"column:agir_assessed_by;size:200" json:"agir_assessed_by,omitempty"`
	AGIRAssessedAt     *time.Time `gorm:"column:agir_assessed_at" json:"agir_assessed_at,omitempty"`
	// DoubleFundingWith lists dossiers of the same association and project in
	// other calls of the same year (§3.2, §8.2): flagged for the committee.
	DoubleFundingWith []string `gorm:"serializer:json" json:"double_funding_with"`
	// The committee's decision (§8), once the selection is recorded.
	Decision                   string `gorm:"size:16" json:"decision,omitempty"`
	GrantedCents               int64  `json:"granted_cents"`
	Score                      int    `json:"score,omitempty"`
	DecisionReason             string `gorm:"size:2000" json:"decision_reason,omitempty"`
	DoubleFundingJustification string `gorm:"size:2000" json:"double_funding_justification,omitempty"`
	// CPOTranches makes the convention multi-year: one maximum per year.
	CPOTranches []Tranche `gorm:"column:cpo_tranches;serializer:json" json:"cpo_tranches,omitempty"`
	// ActionDepartment is, for a regional call, the department where the action
	// takes place (the decision's): its convention counts there for the on-site
	// controls (§8.5). Empty: an interdepartmental action (§8.2), or a departmental call.
	ActionDepartment string `gorm:"size:3" json:"action_department,omitempty"`
	// PayRevaluation: the decision says the structure applies the 3 % pay
	// revaluation (§8.1), so its convention carries the clause.
	PayRevaluation bool `gorm:"not null;default:false" json:"pay_revaluation"`
	// LanguageTraining: the decision says the action is a formation linguistique, including one
	// « à visée professionnelle » whatever its theme (§4.1.2): its convention carries the
	// Carif-Oref listing clause, as the theme langue does.
	LanguageTraining bool       `gorm:"not null;default:false" json:"language_training"`
	DecidedAt        *time.Time `json:"decided_at,omitempty"`

	// What the online filing form also asks (optional through the API): the legal
	// representative (name and capacity), the public the project serves and how its
	// eligibility is checked (§2.1), the last day of the association's fiscal year.
	LegalRepresentative string `gorm:"size:300" json:"legal_representative,omitempty"`
	Public              string `gorm:"column:target_public;size:2000" json:"public,omitempty"`
	PublicCheck         string `gorm:"size:2000" json:"public_check,omitempty"`
	FiscalYearEnd       string `gorm:"size:10" json:"fiscal_year_end,omitempty"`

	// ReceiptConfirmedAt: when the association confirmed, through its email's link, that it received the accusé de réception.
	ReceiptConfirmedAt *time.Time `json:"receipt_confirmed_at,omitempty"`
	// Acknowledgement is the accusé de réception's state (AcknowledgementPending…), and
	// AcknowledgementDueAt when the sender next tries it while it is pending.
	Acknowledgement      string     `gorm:"size:16;not null;default:''" json:"acknowledgement,omitempty"`
	AcknowledgementDueAt *time.Time `json:"-"`
	// WorkflowPending: stored, its workflow not known to be started yet (the start intent,
	// written in the row's own transaction). The reconciler starts what a crash left pending;
	// until then the dossier counts nowhere (closure summary, selection, signals).
	WorkflowPending bool `gorm:"not null;default:false" json:"-"`
	// DSNumber is the Démarches Simplifiées dossier it came from, if any: decisions go back there.
	DSNumber *int   `gorm:"column:ds_number;index" json:"ds_number,omitempty"`
	State    string `gorm:"size:32;index" json:"-"`
	// StateRecordedAt is when State was recorded (nil: at the dossier's filing).
	StateRecordedAt *time.Time `json:"-"`
	IdempotencyKey  *string    `gorm:"size:200;uniqueIndex" json:"-"`
	RequestHash     string     `gorm:"size:64" json:"-"`
	CreatedAt       time.Time  `json:"created_at"`
	UpdatedAt       time.Time  `json:"updated_at"`
}
