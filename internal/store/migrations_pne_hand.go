package store

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// pneHandMigrations come after identityMigrations: the PNE structures added by
// hand (§8.4).
var pneHandMigrations = []*gormigrate.Migration{pneHandAddedMigration}

// pneHandAddedMigration records why and by whom a structure was added by hand to a year's list.
var pneHandAddedMigration = &gormigrate.Migration{
	ID: "2026120810_pne_structures_added_by_hand",
	Migrate: func(tx *gorm.DB) error {
		type pneStructure struct {
			AddedReason string `gorm:"size:1000"`
			AddedBy     string `gorm:"size:200"`
		}
		for _, col := range []string{"AddedReason", "AddedBy"} {
			if err := tx.Table("pne_structures").Migrator().AddColumn(&pneStructure{}, col); err != nil {
				return err
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, col := range []string{"added_reason", "added_by"} {
			if err := tx.Table("pne_structures").Migrator().DropColumn(&struct{}{}, col); err != nil {
				return err
			}
		}
		return nil
	},
}
