package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// pneProvisionalMigrations: a renewal block resting on a PNE questionnaire not
// closed yet is provisional, and the closure rechecks it (§8.4).
var pneProvisionalMigrations = []*gormigrate.Migration{renewalBlockProvisionalMigration}

// renewalBlockProvisionalMigration adds provisional, review_at and rechecked_at
// to renewal_blocks; blocks recorded before it rest on closed years: not provisional.
var renewalBlockProvisionalMigration = &gormigrate.Migration{
	ID: "2026121000_renewal_blocks_provisional",
	Migrate: func(tx *gorm.DB) error {
		type renewalBlock struct {
			Provisional bool `gorm:"not null;default:false"`
			ReviewAt    *time.Time
			RecheckedAt *time.Time
		}
		m := tx.Table("renewal_blocks").Migrator()
		for _, col := range []string{"Provisional", "ReviewAt", "RecheckedAt"} {
			if err := m.AddColumn(&renewalBlock{}, col); err != nil {
				return err
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, col := range []string{"provisional", "review_at", "rechecked_at"} {
			if err := tx.Table("renewal_blocks").Migrator().DropColumn(&struct{}{}, col); err != nil {
				return err
			}
		}
		return nil
	},
}
