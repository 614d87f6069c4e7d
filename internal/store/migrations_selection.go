package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// selectionMigrations come after racesMigrations: the selections the API checked, kept
// for the campaign workflow's activity to record (the Update carries only their ID).
var selectionMigrations = []*gormigrate.Migration{selectionDraftsMigration}

var selectionDraftsMigration = &gormigrate.Migration{
	ID: "2026120850_selection_drafts",
	Migrate: func(tx *gorm.DB) error {
		type selectionDraft struct {
			ID         string `gorm:"primaryKey;size:64"`
			CampaignID string `gorm:"size:36;index;not null"`
			Digest     string `gorm:"size:64;not null"`
			Decisions  int    `gorm:"not null"`
			Payload    string `gorm:"not null"`
			CreatedAt  time.Time
		}
		return tx.Table("selection_drafts").Migrator().CreateTable(&selectionDraft{})
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("selection_drafts") },
}
