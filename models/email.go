package models

import "time"

// Delivery states of an outgoing email.
const (
	EmailPending = "pending" // recorded, not yet accepted by the relay
	EmailSending = "sending" // one attempt holds the lease and is talking to the relay
	EmailSent    = "sent"    // the relay accepted it (250 after DATA)
	EmailFailed  = "failed"  // refused for good (5xx, malformed address)
)

// Email is the outbox row of one email. Key is derived from what the email is
// for (workflow, purpose, recipient role, occurrence); its uniqueness is what
// makes a retried or replayed send a no-op.
type Email struct {
	ID         uint64     `gorm:"primaryKey" json:"id"`
	Key        string     `gorm:"size:300;uniqueIndex" json:"key"`
	MessageID  string     `gorm:"size:200" json:"message_id"`
	CampaignID string     `gorm:"size:36;index" json:"campaign_id,omitempty"`
	Purpose    string     `gorm:"size:64;index" json:"purpose"`
	Recipient  string     `gorm:"size:254;index" json:"recipient"`
	Subject    string     `gorm:"size:300" json:"subject"`
	State      string     `gorm:"size:16;index" json:"state"`
	Attempts   int        `json:"attempts"`
	LastError  string     `gorm:"size:1000" json:"last_error,omitempty"`
	LeaseUntil *time.Time `json:"-"`
	SentAt     *time.Time `json:"sent_at,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
}
