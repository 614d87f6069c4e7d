package store

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// perfMigrations come after trancheMigrations: indexes the hot queries need, the
// same DDL on SQLite and PostgreSQL.
var perfMigrations = []*gormigrate.Migration{readIndexesMigration}

// readIndexesMigration indexes the two queries that scanned a year or a call:
//   - the double-funding lookup of a filing (Applications.Create: same year,
//     association and folded title in another call), which SQLite planned on the
//     year's index and so read every dossier of the year inside the write transaction;
//   - a call's dossier list in filing order (Applications.List, the committee's
//     lists), which sorted all of a call's dossiers for each page.
var readIndexesMigration = &gormigrate.Migration{
	ID: "2026120840_read_indexes",
	Migrate: func(tx *gorm.DB) error {
		for _, ddl := range []string{
			"CREATE INDEX idx_applications_twins ON applications (year, association_key, title_key)",
			"CREATE INDEX idx_applications_call_order ON applications (campaign_id, created_at, id)",
		} {
			if err := tx.Exec(ddl).Error; err != nil {
				return err
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, idx := range []string{"idx_applications_twins", "idx_applications_call_order"} {
			if err := tx.Exec("DROP INDEX IF EXISTS " + idx).Error; err != nil {
				return err
			}
		}
		return nil
	},
}
