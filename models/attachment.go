package models

import "time"

// Kinds of the attachments a subsidy request carries (the online filing form).
const (
	AttachmentStatuts  = "statuts"             // the association's statutes
	AttachmentBudget   = "budget_previsionnel" // the project's budget forecast
	AttachmentAccounts = "comptes_approuves"   // the last approved accounts
	AttachmentRIB      = "rib"                 // the bank details the subsidy is paid to
)

// Attachment is one file of a dossier, stored in the application database with
// its SHA-256, written in the dossier's own transaction.
type Attachment struct {
	ID            uint64 `gorm:"primaryKey" json:"id"`
	ApplicationID string `gorm:"size:36;uniqueIndex:idx_application_attachments_kind" json:"application_id"`
	Kind          string `gorm:"size:32;uniqueIndex:idx_application_attachments_kind" json:"kind"`
	FileName      string `gorm:"size:255" json:"file_name"`
	// ContentType is sniffed from the content (application/pdf, image/png, image/jpeg), never the sender's.
	ContentType string    `gorm:"size:64" json:"content_type"`
	Size        int64     `json:"size"`
	SHA256      string    `gorm:"column:sha256;size:64" json:"sha256"`
	Content     []byte    `json:"-"`
	CreatedAt   time.Time `json:"created_at"`
}

// TableName is the attachments' table.
func (Attachment) TableName() string { return "application_attachments" }
