package models

import "time"

// SelectionDraft is a committee's selection as the API checked it, kept in the database so
// that the campaign workflow's Update carries only its ID and digest: a call of 10,000
// dossiers selected in one go keeps a small history. The workflow's activity records it.
type SelectionDraft struct {
	ID         string `gorm:"primaryKey;size:64"`
	CampaignID string `gorm:"size:36;index;not null"`
	// Digest is the SHA-256 of Payload, hex: the Update names it, the activity checks it.
	Digest string `gorm:"size:64;not null"`
	// Decisions is how many decisions Payload holds.
	Decisions int `gorm:"not null"`
	// Payload is the selection in JSON (store.SelectionPayload).
	Payload   string `gorm:"not null"`
	CreatedAt time.Time
}
