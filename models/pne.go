package models

import "time"

// PNEResult records whether a structure answered the PNE questionnaire run in a
// year (§8.4: the 2024 questionnaire closed on 31 May 2024, on 2023's actions). The evaluation workflow fills it at the questionnaire's closure; the
// selection reads it to block renewals.
type PNEResult struct {
	ID             uint64     `gorm:"primaryKey" json:"-"`
	AssociationKey string     `gorm:"size:32;uniqueIndex:idx_pne_results_identity" json:"association_key"`
	Year           int        `gorm:"uniqueIndex:idx_pne_results_identity" json:"year"`
	Answered       bool       `json:"answered"`
	AnsweredAt     *time.Time `json:"answered_at,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	UpdatedAt      time.Time  `json:"updated_at"`
}

// PNEStructure is one structure asked to answer the PNE questionnaire of a year
// (§8.4): an association funded in a call of the previous year, with one email.
// The list of a year is drawn up once, at the policy's pne_list_due.
type PNEStructure struct {
	ID   uint64 `gorm:"primaryKey" json:"id"`
	Year int    `gorm:"uniqueIndex:idx_pne_structures_identity" json:"year"`
	// AssociationKey is "siren:…" or "rna:…", as on the dossiers (and in pne_results).
	AssociationKey  string `gorm:"size:32;uniqueIndex:idx_pne_structures_identity" json:"association_key"`
	AssociationName string `gorm:"size:300" json:"association_name"`
	// Email is the one address the questionnaire goes to (§8.4: "une adresse mail unique par structure").
	Email string `gorm:"size:254;index" json:"email"`
	// Region and Department are the INSEE codes of the funded dossiers' calls
	// (Department empty when only regional calls funded it).
	Region        string `gorm:"size:3;index" json:"region"`
	Department    string `gorm:"size:3;index" json:"department,omitempty"`
	FundedActions int    `json:"funded_actions"`
	// Token identifies the structure in its personal LimeSurvey link; never shown by the API.
	Token      string     `gorm:"size:64;uniqueIndex" json:"-"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}
