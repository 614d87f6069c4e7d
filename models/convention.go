package models

import "time"

// Convention states.
const (
	ConventionAwaitingSignature = "awaiting_signature" // sent to the association
	ConventionSigned            = "signed"
	ConventionLapsed            = "lapsed"    // unsigned past the policy's limit
	ConventionCancelled         = "cancelled" // the call was cancelled before it was signed
)

// Convention is the subsidy agreement (convention attributive de subvention) of a retained dossier.
type Convention struct {
	ID            string `gorm:"primaryKey;size:36" json:"id"`
	ApplicationID string `gorm:"size:36;uniqueIndex" json:"application_id"`
	CampaignID    string `gorm:"size:36;index" json:"campaign_id"`
	Reference     string `gorm:"size:40;uniqueIndex" json:"reference"`
	Kind          string `gorm:"size:16" json:"kind"`
	GrantedCents  int64  `json:"granted_cents"`
	// Tranches of a CPO (pluriannuelle), one maximum per year; empty for an annual convention.
	Tranches []Tranche `gorm:"serializer:json" json:"tranches,omitempty"`
	// Terms fixed when the convention is drawn up, from the campaign's policy.
	PNECloseDate          time.Time  `json:"pne_close_date"`
	FiscalYearEnd         time.Time  `json:"fiscal_year_end"`
	FinancialReportMonths int        `json:"financial_report_months"`
	State                 string     `gorm:"size:32;index" json:"state"`
	SignedBy              string     `gorm:"size:300" json:"signed_by,omitempty"`
	SignedAt              *time.Time `json:"signed_at,omitempty"`
	LapsedAt              *time.Time `json:"lapsed_at,omitempty"`
	CreatedAt             time.Time  `json:"created_at"`
	UpdatedAt             time.Time  `json:"updated_at"`
}

// Tranche is one year of a multi-year convention (CPO) and its maximum amount,
// committed subject to the budget law (§8.2).
type Tranche struct {
	Year     int   `json:"year"`
	MaxCents int64 `json:"max_cents"`
}
