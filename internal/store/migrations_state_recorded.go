package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// stateRecordedMigrations come after pneProvisionalMigrations: when a call's phase and a
// dossier's state were last recorded, which GET answers as state_recorded_at now
// that the database is the state's truth for reads (api/live_state.go).
var stateRecordedMigrations = []*gormigrate.Migration{stateRecordedAtMigration}

// stateRecordedAtMigration adds state_recorded_at to campaigns and applications and
// fills it for the rows recorded before: a call from its phase's own instant (the
// cancellation's is its last update), a dossier from its last update once it left
// deposited; a row still in its first state was recorded at its creation.
var stateRecordedAtMigration = &gormigrate.Migration{
	ID: "2026121020_state_recorded_at",
	Migrate: func(tx *gorm.DB) error {
		type row struct {
			StateRecordedAt *time.Time
		}
		for _, table := range []string{"campaigns", "applications"} {
			if err := tx.Table(table).Migrator().AddColumn(&row{}, "StateRecordedAt"); err != nil {
				return err
			}
		}
		for _, ddl := range []string{
			`UPDATE campaigns SET state_recorded_at = CASE phase
				WHEN 'published' THEN COALESCE(published_at, updated_at)
				WHEN 'closed' THEN COALESCE(closed_at, updated_at)
				WHEN 'selected' THEN COALESCE(selected_at, updated_at)
				WHEN 'cancelled' THEN updated_at
				ELSE created_at END`,
			`UPDATE applications SET state_recorded_at = CASE state WHEN 'deposited' THEN created_at ELSE updated_at END`,
		} {
			if err := tx.Exec(ddl).Error; err != nil {
				return err
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, table := range []string{"campaigns", "applications"} {
			if err := tx.Exec("ALTER TABLE " + table + " DROP COLUMN state_recorded_at").Error; err != nil {
				return err
			}
		}
		return nil
	},
}
