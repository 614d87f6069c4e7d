package models

import (
	"time"

	"gorm.io/gorm"
)

// Control states (§8.5).
const (
	ControlPlanned = "planned" // date and controller set; the association was told
	ControlDone    = "done"    // held; outcome and findings recorded
)

// Control outcomes, as the correspondents write them.
const (
	OutcomeCompliant    = "conforme"
	OutcomeNonCompliant = "non_conforme"
)

// Follow-up kinds of a control.
const (
	FollowUpNone       = "aucune"
	FollowUpRepayment  = "reversement"         // demande de reversement of (part of) the subsidy
	FollowUpCorrective = "mesures_correctives" // the association must correct how it runs the action
)

// Follow-up states: a follow-up is tracked until it is closed.
const (
	FollowUpStateNone       = "none"
	FollowUpStateOpen       = "open"
	FollowUpStateInProgress = "in_progress"
	FollowUpStateClosed     = "closed"
)

// ConventionDoubt is a doubt a correspondent flagged on a convention: it puts
// the convention first among those to control (§8.5). One per convention and kind.
type ConventionDoubt struct {
	ID           uint64    `gorm:"primaryKey" json:"id"`
	ConventionID string    `gorm:"size:36;uniqueIndex:idx_convention_doubts_identity" json:"convention_id"`
	Kind         string    `gorm:"size:32;uniqueIndex:idx_convention_doubts_identity" json:"kind"`
	Note         string    `gorm:"size:2000" json:"note"`
	CreatedAt    time.Time `json:"created_at"`
}

// Subjects of a control (§8.5: the credits delegated « au profit des lauréats
// des appels à projets territoriaux et des associations financées dans le cadre des CTAI »).
const (
	ControlOfConvention      = "convention"       // a signed convention of a call
	ControlOfCTAIAssociation = "ctai_association" // an association a funded CTAI's bilan names
)

// ConventionSubjectKey is the subject key of a convention's control.
func ConventionSubjectKey(conventionID string) string { return "convention:" + conventionID }

// CTAISubjectKey is the subject key of the control of an association a CTAI
// request funded, the association keyed as the bilan identifies it.
func CTAISubjectKey(requestID, associationKey string) string {
	return "ctai:" + requestID + "/" + associationKey
}

// Control is one on-site control, of a signed convention or of an association
// funded through a CTAI, from its planning to the end of its follow-up. Each
// subject is controlled at most once: SubjectKey is unique.
type Control struct {
	ID string `gorm:"primaryKey;size:36" json:"id"`
	// Subject is ControlOfConvention (ConventionID) or ControlOfCTAIAssociation
	// (CTAIRequestID, AssociationKey and the name the bilan gives, AssociationName).
	Subject         string `gorm:"size:16;not null;default:convention" json:"subject"`
	SubjectKey      string `gorm:"size:120;uniqueIndex" json:"-"`
	ConventionID    string `gorm:"size:36;index" json:"convention_id,omitempty"`
	CTAIRequestID   string `gorm:"column:ctai_request_id;size:36;index" json:"ctai_request_id,omitempty"`
	AssociationKey  string `gorm:"size:80" json:"association_key,omitempty"`
	AssociationName string `gorm:"size:300" json:"association_name,omitempty"`
	// Year, Region and Department are the convention's call's (Department empty
	// for a regional call's interdepartmental action), or the CTAI's year, and its territory's.
	Year       int    `gorm:"index:idx_controls_year_region" json:"year"`
	Region     string `gorm:"size:3;index:idx_controls_year_region" json:"region"`
	Department string `gorm:"size:3" json:"department,omitempty"`
	// PlannedOn is the Paris calendar date of the visit, "2027-06-15".
	PlannedOn  string `gorm:"size:10" json:"planned_on"`
	Controller string `gorm:"size:300" json:"controller"`
	State      string `gorm:"size:16;index" json:"state"`
	// Outcome, findings and follow-up, once held.
	Outcome  string `gorm:"size:16" json:"outcome,omitempty"`
	Findings string `gorm:"size:5000" json:"findings,omitempty"`
	DoneOn   string `gorm:"size:10" json:"done_on,omitempty"`
	// FollowUpKind is aucune, reversement or mesures_correctives; the amount is the repayment asked, in cents.
	FollowUpKind        string    `gorm:"size:32" json:"follow_up_kind,omitempty"`
	FollowUpAmountCents int64     `json:"follow_up_amount_cents"`
	FollowUpState       string    `gorm:"size:16;index" json:"follow_up_state"`
	FollowUpNote        string    `gorm:"size:2000" json:"follow_up_note,omitempty"`
	RecoveredCents      int64     `json:"recovered_cents"`
	FollowUpClosedOn    string    `gorm:"size:10" json:"follow_up_closed_on,omitempty"`
	CreatedAt           time.Time `json:"created_at"`
	UpdatedAt           time.Time `json:"updated_at"`
}

// IsCTAI tells a control of a CTAI-funded association from a convention's.
func (c *Control) IsCTAI() bool { return c.Subject == ControlOfCTAIAssociation }

// BeforeCreate fills the subject of a control written with a convention only,
// so that the unique subject key always holds.
func (c *Control) BeforeCreate(*gorm.DB) error {
	if c.Subject == "" {
		c.Subject = ControlOfConvention
	}
	if c.SubjectKey == "" {
		c.SubjectKey = ConventionSubjectKey(c.ConventionID)
		if c.IsCTAI() {
			c.SubjectKey = CTAISubjectKey(c.CTAIRequestID, c.AssociationKey)
		}
	}
	return nil
}

// ControlSynthesis records a region's yearly synthesis of its controls, sent to DIAN (§8.5).
type ControlSynthesis struct {
	ID       uint64     `gorm:"primaryKey" json:"-"`
	Year     int        `gorm:"uniqueIndex:idx_control_syntheses_identity" json:"year"`
	Region   string     `gorm:"size:3;uniqueIndex:idx_control_syntheses_identity" json:"region"`
	DueOn    string     `gorm:"size:10" json:"due_on"`
	Controls int        `json:"controls"`
	SentAt   *time.Time `json:"sent_at,omitempty"`
	// Supplements counts the supplementary syntheses sent after it (§8.5: a control
	// added, or a follow-up recorded, after the synthesis left); LastSupplementAt the latest.
	Supplements      int        `gorm:"not null;default:0" json:"supplements"`
	LastSupplementAt *time.Time `json:"last_supplement_at,omitempty"`
	CreatedAt        time.Time  `json:"created_at"`
	UpdatedAt        time.Time  `json:"updated_at"`
}

// ControlGap records a department of a region where no on-site control was
// held by the synthesis date, although it had a funded association to control
// (§8.5: « dans chaque département, des contrôles sur site »). The region's
// correspondents and DIAN are told once; DIAN's overview lists it.
type ControlGap struct {
	ID         uint64 `gorm:"primaryKey" json:"-"`
	Year       int    `gorm:"uniqueIndex:idx_control_gaps_identity" json:"year"`
	Region     string `gorm:"size:3;uniqueIndex:idx_control_gaps_identity" json:"region"`
	Department string `gorm:"size:3;uniqueIndex:idx_control_gaps_identity" json:"department"`
	// DueOn is the synthesis date the department was measured at; Candidates the
	// conventions it could control; Planned its controls planned but not held.
	DueOn      string    `gorm:"size:10" json:"due_on"`
	Candidates int       `json:"candidates"`
	Planned    int       `json:"planned"`
	CreatedAt  time.Time `json:"created_at"`
}

// TableName is fixed by migration 2026120780_controls_follow_up.
func (ControlGap) TableName() string { return "control_gaps" }

// TableName is fixed by migration 2026112909_controls.
func (ControlSynthesis) TableName() string { return "control_syntheses" }

// TableName is fixed by migration 2026112909_controls.
func (ConventionDoubt) TableName() string { return "convention_doubts" }
