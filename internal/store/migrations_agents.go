package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// agentMigrations bring the agents who sign in to the pages, their server-side
// sessions, and the agent's ID in the audit trail.
var agentMigrations = []*gormigrate.Migration{agentsMigration}

var agentsMigration = &gormigrate.Migration{
	ID: "2026120710_agents",
	Migrate: func(tx *gorm.DB) error {
		type agent struct {
			ID         uint64  `gorm:"primaryKey"`
			Email      string  `gorm:"size:254;uniqueIndex:idx_agents_email"`
			Name       string  `gorm:"size:200"`
			Subject    *string `gorm:"size:255;uniqueIndex:idx_agents_subject"`
			Role       string  `gorm:"size:16"`
			Level      string  `gorm:"size:16"`
			Territory  string  `gorm:"size:3"`
			Active     bool
			CreatedAt  time.Time
			UpdatedAt  time.Time
			DisabledAt *time.Time
			LastSignIn *time.Time
		}
		type agentSession struct {
			Hash      string `gorm:"primaryKey;size:64"`
			AgentID   uint64 `gorm:"index:idx_agent_sessions_agent_id"`
			IDToken   string
			CreatedAt time.Time
			ExpiresAt time.Time `gorm:"index:idx_agent_sessions_expires_at"`
			RevokedAt *time.Time
		}
		type auditEntry struct {
			AgentID *uint64
		}
		if err := tx.Table("agents").Migrator().CreateTable(&agent{}); err != nil {
			return err
		}
		if err := tx.Table("agent_sessions").Migrator().CreateTable(&agentSession{}); err != nil {
			return err
		}
		return tx.Table("audit_entries").Migrator().AddColumn(&auditEntry{}, "AgentID")
	},
	Rollback: func(tx *gorm.DB) error {
		if err := tx.Migrator().DropTable("agent_sessions", "agents"); err != nil {
			return err
		}
		return tx.Table("audit_entries").Migrator().DropColumn(&struct{}{}, "agent_id")
	},
}
