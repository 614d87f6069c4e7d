package models

import (
	"time"

	"github.com/dian-p104/aap/internal/rules/ctai"
)

// CTAI request states.
const (
	CTAIFiled    = "deposee"  // filed; the workflow evaluates it
	CTAIProposed = "proposee" // the engine's proposal is recorded; a DIAN agent decides
	CTAIReviewed = "avis"     // DIAN's opinion is recorded (and emailed)
)

// CTAIRequest is a collectivité's request for CTAI funding (§3), new or
// renewal, with its actions, its coordinator, its bilan (renewals), the
// engine's proposal (each rule's outcome and the coherence figures) and, once
// a DIAN agent has decided, the opinion (§3.4: DIAN validates the requests).
// One request per collectivité, year and kind.
type CTAIRequest struct {
	ID         string `gorm:"primaryKey;size:36" json:"id"`
	WorkflowID string `gorm:"size:160;uniqueIndex" json:"workflow_id"`
	Year       int    `gorm:"uniqueIndex:idx_ctai_requests_identity;index" json:"year"`
	// Kind is "new" or "renewal".
	Kind string `gorm:"size:16;uniqueIndex:idx_ctai_requests_identity" json:"kind"`
	// CollectiviteCode is the collectivité's INSEE code (commune, département, région) or SIREN (EPCI).
	CollectiviteCode  string `gorm:"size:9;uniqueIndex:idx_ctai_requests_identity" json:"collectivite_code"`
	CollectiviteName  string `gorm:"size:300" json:"collectivite_name"`
	CollectiviteEmail string `gorm:"size:254" json:"collectivite_email"`
	// Territory is the department's INSEE code; its correspondent instructs the request.
	Territory              string             `gorm:"size:3;index" json:"territory"`
	CorrespondentEmail     string             `gorm:"size:254" json:"correspondent_email"`
	Inhabitants            int                `json:"inhabitants"`
	CIRCount               int                `gorm:"column:cir_count" json:"cir_count"`
	HousingCompetent       bool               `json:"housing_competent"`
	Actions                []ctai.Action      `gorm:"serializer:json" json:"actions"`
	RequestedCents         int64              `json:"requested_cents"`
	Coordinator            *ctai.Coordinator  `gorm:"serializer:json" json:"coordinator,omitempty"`
	InvestmentCents        int64              `json:"investment_cents"`
	PreviousDelegatedCents int64              `json:"previous_delegated_cents"`
	Bilan                  []ctai.ActionBilan `gorm:"serializer:json" json:"bilan"`
	// PolicyName is the policy whose ceilings and dates applied ("2025").
	PolicyName string `gorm:"size:16" json:"policy"`
	State      string `gorm:"size:16;index" json:"state"`
	// ProposedOpinion is the engine's proposal, from each rule's Outcomes, with
	// the Coherence figures; ProposedAt when it was recorded.
	ProposedOpinion string          `gorm:"size:16" json:"proposed_opinion,omitempty"`
	Outcomes        []ctai.Outcome  `gorm:"serializer:json" json:"outcomes"`
	Coherence       *ctai.Coherence `gorm:"serializer:json" json:"coherence,omitempty"`
	ProposedAt      *time.Time      `json:"proposed_at,omitempty"`
	// Opinion is DIAN's, "favorable" (with DelegatedCents) or "defavorable", with
	// its Motivation, recorded by DecidedBy at OpinionAt.
	Opinion        string     `gorm:"size:16" json:"opinion,omitempty"`
	DelegatedCents int64      `json:"delegated_cents"`
	Motivation     string     `gorm:"size:4000" json:"motivation,omitempty"`
	DecidedBy      string     `gorm:"size:200" json:"decided_by,omitempty"`
	OpinionAt      *time.Time `json:"opinion_at,omitempty"`
	// WorkflowPending: stored, its workflow not known to be started yet (the start intent,
	// written in the row's own transaction); the reconciler starts what a crash left pending,
	// and until then the request counts nowhere (the year's summary table).
	WorkflowPending bool `gorm:"not null;default:false" json:"-"`
	// RequestHash tells a resubmission of the same request from a different one.
	RequestHash string    `gorm:"size:64" json:"-"`
	FiledAt     time.Time `json:"filed_at"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// Request is what the rules of package ctai read.
func (r *CTAIRequest) Request() ctai.Request {
	return ctai.Request{Kind: r.Kind, Inhabitants: r.Inhabitants, CIRCount: r.CIRCount, HousingCompetent: r.HousingCompetent,
		Actions: r.Actions, Coordinator: r.Coordinator, InvestmentCents: r.InvestmentCents,
		PreviousDelegatedCents: r.PreviousDelegatedCents, Bilan: r.Bilan}
}

// Proposal is the engine's recorded proposal.
func (r *CTAIRequest) Proposal() ctai.Proposal {
	p := ctai.Proposal{Opinion: r.ProposedOpinion, Outcomes: r.Outcomes}
	if r.Coherence != nil {
		p.Coherence = *r.Coherence
	}
	return p
}
