package models

import "time"

// APIToken is one bearer token of the API. Only the SHA-256 of the secret is
// stored: the secret itself is printed once, at creation (`aap token create`).
type APIToken struct {
	ID   uint64 `gorm:"primaryKey" json:"id"`
	Name string `gorm:"size:200" json:"name"`
	// Hash is the hex SHA-256 of the secret; never shown.
	Hash string `gorm:"size:64;uniqueIndex" json:"-"`
	// Role is "dian" or "correspondent".
	Role string `gorm:"size:16" json:"role"`
	// Level and Territory are a correspondent's area (regional + region code, or
	// departmental + department code, as campaigns); empty for DIAN.
	Level      string     `gorm:"size:16" json:"level,omitempty"`
	Territory  string     `gorm:"size:3" json:"territory,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	ExpiresAt  *time.Time `json:"expires_at,omitempty"`
	RevokedAt  *time.Time `json:"revoked_at,omitempty"`
	LastUsedAt *time.Time `json:"last_used_at,omitempty"`
}

// TableName keeps the table's name short.
func (APIToken) TableName() string { return "api_tokens" }

// AuditEntry is one change recorded in the audit trail, written in the same
// transaction as the change when the change is the database's.
type AuditEntry struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Actor is the token's name, "association" for an emailed link, or "workflow".
	Actor   string  `gorm:"size:200;index" json:"actor"`
	TokenID *uint64 `json:"token_id,omitempty"`
	// AgentID is the signed-in agent who made the change through the pages.
	AgentID  *uint64 `json:"agent_id,omitempty"`
	Entity   string  `gorm:"size:32;index:idx_audit_entity" json:"entity"`
	EntityID string  `gorm:"size:64;index:idx_audit_entity" json:"entity_id"`
	Action   string  `gorm:"size:64" json:"action"`
	// Before and After are JSON snapshots (empty when there is none).
	Before    string    `json:"before,omitempty"`
	After     string    `json:"after,omitempty"`
	RequestID string    `gorm:"size:100" json:"request_id,omitempty"`
	At        time.Time `gorm:"index" json:"at"`
}

// TableName is the audit trail's table.
func (AuditEntry) TableName() string { return "audit_entries" }
