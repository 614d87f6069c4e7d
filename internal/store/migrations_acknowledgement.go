package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// acknowledgementMigrations come after dossierCountMigrations: a dossier's accusé de
// réception is stored pending with the filing and sent by the worker's sender, instead of
// by the dossier's workflow at its start (issue 20: the workflow now waits for the closure
// without a task before it).
var acknowledgementMigrations = []*gormigrate.Migration{acknowledgementMigration}

// acknowledgementMigration adds applications.acknowledgement and acknowledgement_due_at,
// and the partial index the sender reads its due dossiers from. The rows before it stay
// empty: their workflows sent their accusés de réception.
var acknowledgementMigration = &gormigrate.Migration{
	ID: "2026121060_acknowledgement",
	Migrate: func(tx *gorm.DB) error {
		type row struct {
			Acknowledgement      string `gorm:"size:16;not null;default:''"`
			AcknowledgementDueAt *time.Time
		}
		for _, column := range []string{"Acknowledgement", "AcknowledgementDueAt"} {
			if err := tx.Table("applications").Migrator().AddColumn(&row{}, column); err != nil {
				return err
			}
		}
		return tx.Exec(`CREATE INDEX idx_applications_acknowledgement_due ON applications (acknowledgement_due_at) WHERE acknowledgement = 'pending'`).Error
	},
	Rollback: func(tx *gorm.DB) error {
		for _, ddl := range []string{
			"DROP INDEX idx_applications_acknowledgement_due",
			"ALTER TABLE applications DROP COLUMN acknowledgement_due_at",
			"ALTER TABLE applications DROP COLUMN acknowledgement",
		} {
			if err := tx.Exec(ddl).Error; err != nil {
				return err
			}
		}
		return nil
	},
}
