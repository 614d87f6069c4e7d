package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// calendarMigrations come after monDossierMigrations.
var calendarMigrations = []*gormigrate.Migration{calendarEventsMigration}

// calendarEventsMigration keeps, for each .ics event sent (its UID), the day it
// last gave and its SEQUENCE (mail.Outbox.CalendarFile raises it when the day changes).
var calendarEventsMigration = &gormigrate.Migration{
	ID: "2026120750_calendar_events",
	Migrate: func(tx *gorm.DB) error {
		type calendarEvent struct {
			UID       string `gorm:"primaryKey;size:200"`
			Day       string `gorm:"size:10;not null"`
			Sequence  int    `gorm:"not null"`
			UpdatedAt time.Time
		}
		return tx.Table("calendar_events").Migrator().CreateTable(&calendarEvent{})
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("calendar_events") },
}
