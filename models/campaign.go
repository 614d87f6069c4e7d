// Package models holds the records the engine keeps in its database (gorm).
// The API reads lists and counts from these tables; the workflows' activities write them.
package models

import (
	"time"

	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/selection"
)

// Campaign phases, in the order a call for projects lives them.
const (
	PhaseScheduled = "scheduled" // created, waiting for its publication date
	PhasePublished = "published" // open to applications
	PhaseClosed    = "closed"    // closing date passed; the committee examines the dossiers
	PhaseSelected  = "selected"  // the committee's decisions are recorded
	PhaseCancelled = "cancelled" // cancelled by the correspondent before the conventions were signed
)

// Levels of a call for projects.
const (
	LevelRegional     = "regional"
	LevelDepartmental = "departmental"
)

// Campaign is one call for projects (appel à projets) of a region or department.
type Campaign struct {
	ID                 string    `gorm:"primaryKey;size:36" json:"id"`
	WorkflowID         string    `gorm:"size:160;uniqueIndex" json:"workflow_id"`
	Year               int       `gorm:"index:idx_campaigns_year_territory" json:"year"`
	Level              string    `gorm:"size:16" json:"level"`
	Territory          string    `gorm:"size:3;index:idx_campaigns_year_territory" json:"territory"`
	Title              string    `gorm:"size:300" json:"title"`
	BudgetCents        int64     `json:"budget_cents"`
	Themes             []string  `gorm:"serializer:json" json:"themes"`
	PublishAt          time.Time `json:"publish_at"`
	CloseAt            time.Time `json:"close_at"`
	AGIRArticulation   string    `gorm:"column:agir_articulation" json:"agir_articulation"`
	Indicators         []string  `gorm:"serializer:json" json:"indicators"`
	EvaluationCriteria []string  `gorm:"serializer:json" json:"evaluation_criteria"`
	ContactEmail       string    `gorm:"size:254" json:"contact_email"`
	// PolicyName is the policy fixed at start ("2024", "2025", "demo").
	PolicyName string `gorm:"size:16" json:"policy"`
	// Policy is a copy of that policy as it was at start: activities read the
	// campaign's rules from it, so a later edit of the files changes nothing.
	Policy policy.Policy `gorm:"serializer:json" json:"-"`
	// Phase is the last phase the workflow recorded.
	Phase string `gorm:"size:32;index" json:"-"`
	// StateRecordedAt is when Phase was recorded (nil: at the call's creation).
	StateRecordedAt *time.Time `json:"-"`
	PublishedAt     *time.Time `json:"published_at,omitempty"`
	ClosedAt        *time.Time `json:"closed_at,omitempty"`
	SelectedAt      *time.Time `json:"selected_at,omitempty"`
	// CalendarJustification is the difficulty reported to DIAN for a call published after the
	// end of Q1 or closing after 31 May (§8.3); PublishLate and CloseLate say which date is late.
	CalendarJustification string `gorm:"size:5000" json:"calendar_justification,omitempty"`
	PublishLate           bool   `gorm:"not null;default:false" json:"publish_late"`
	CloseLate             bool   `gorm:"not null;default:false" json:"close_late"`
	// ObjectivesJustification is the committee's written justification of a selection leaving
	// its territory under an objective of §8.1; ObjectivesDeviations every objective the
	// selection left unmet, on the call and on its territories, as measured when it was recorded.
	ObjectivesJustification string                `gorm:"size:5000" json:"objectives_justification,omitempty"`
	ObjectivesDeviations    []selection.Deviation `gorm:"serializer:json" json:"objectives_deviations,omitempty"`
	// DecisionReference is the reference of the signed decision the selection's outcome comes
	// from (arrêté, décision attributive), quoted in the emails to the associations.
	DecisionReference string `gorm:"size:200" json:"decision_reference,omitempty"`
	// CancelReason says why the correspondent cancelled the call.
	CancelReason string `gorm:"size:2000" json:"cancel_reason,omitempty"`
	// WorkflowPending: stored, its workflow not known to be started yet (the start intent,
	// written in the row's own transaction). The reconciler starts what a crash left pending;
	// until then the call accepts no dossier and counts nowhere (lists, overview, metrics).
	WorkflowPending bool `gorm:"not null;default:false" json:"-"`
	// IdempotencyKey makes a repeated creation request return the first campaign.
	IdempotencyKey *string `gorm:"size:200;uniqueIndex" json:"-"`
	// DSDemarche is the Démarches Simplifiées démarche the call takes its dossiers from (0: none);
	// DS is its connector, stored with the campaign.
	DSDemarche int          `gorm:"column:ds_demarche;not null;default:0" json:"ds_demarche,omitempty"`
	DS         *DSConnector `gorm:"foreignKey:CampaignID" json:"-"`
	// DossierCount is how many dossiers the call holds, kept by the store in each
	// dossier's insert (store's call_dossier_count callback), so that a call's list
	// answers its total without counting them. gorm never writes it from a Campaign
	// (<-:false): a Save of a call read earlier cannot put back an older count.
	DossierCount int64 `gorm:"<-:false;not null;default:0" json:"-"`
	// RequestHash tells a true repetition from a different request reusing a key.
	RequestHash string    `gorm:"size:64" json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// RulesYear is the year of the instruction whose rules the call follows, and whether that is
// an earlier year's: a year without its own policy file falls back on the latest earlier one
// (policy.Set.ForYear), which the overview and the call's pages say. The demo policy and a
// campaign stored without its policy's copy fall back on nothing.
func (c *Campaign) RulesYear() (year int, fallback bool) {
	if c.Policy.Name == "" || c.Policy.IsDemo() {
		return c.Year, false
	}
	return c.Policy.Year, c.Policy.Year < c.Year
}
