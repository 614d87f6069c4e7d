// Package models holds the records the engine keeps in its database (gorm).
// The API reads lists and counts from these tables; the workflows' activities write them.
package models

import (
	"time"

	"github.com/dian-p104/aap/internal/rules/policy"
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
	Phase       string     `gorm:"size:32;index" json:"-"`
	PublishedAt *time.Time `json:"published_at,omitempty"`
	ClosedAt    *time.Time `json:"closed_at,omitempty"`
	SelectedAt  *time.Time `json:"selected_at,omitempty"`
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
	// RequestHash tells a true repetition from a different request reusing a key.
	RequestHash string    `gorm:"size:64" json:"-"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}
