package models

import "time"

// Agent is a civil servant who signs in to the pages: DIAN or a correspondent
// of a region or a department. DIAN manages them (`aap agent`); the identity
// provider (ProConnect) only says who the person is, the agent's row what they may do.
type Agent struct {
	ID uint64 `gorm:"primaryKey" json:"id"`
	// Email is lower-cased; an agent not yet signed in is found by it.
	Email string `gorm:"size:254;uniqueIndex" json:"email"`
	Name  string `gorm:"size:200" json:"name"`
	// Subject is the provider's "sub", recorded at the first sign-in; nil until then.
	Subject *string `gorm:"size:255;uniqueIndex" json:"subject,omitempty"`
	// Role is "dian" or "correspondent"; Level and Territory a correspondent's area
	// (regional + region code, or departmental + department code), empty for DIAN.
	Role       string     `gorm:"size:16" json:"role"`
	Level      string     `gorm:"size:16" json:"level,omitempty"`
	Territory  string     `gorm:"size:3" json:"territory,omitempty"`
	Active     bool       `json:"active"`
	CreatedAt  time.Time  `json:"created_at"`
	UpdatedAt  time.Time  `json:"updated_at"`
	DisabledAt *time.Time `json:"disabled_at,omitempty"`
	LastSignIn *time.Time `json:"last_sign_in,omitempty"`
}

// AgentSession is a signed-in browser: only the hash of the random ID its
// cookie carries is stored. It ends at ExpiresAt, at sign-out (RevokedAt) or as
// soon as its agent is disabled.
type AgentSession struct {
	Hash    string `gorm:"primaryKey;size:64"`
	AgentID uint64 `gorm:"index"`
	// IDToken is the provider's ID token, sent back as id_token_hint at sign-out; empty for a dev sign-in.
	IDToken   string
	CreatedAt time.Time
	ExpiresAt time.Time `gorm:"index"`
	RevokedAt *time.Time
}
