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
