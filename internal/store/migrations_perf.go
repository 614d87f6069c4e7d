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

// filingPlanMigrations come after acknowledgementMigrations.
var filingPlanMigrations = []*gormigrate.Migration{dropYearIndexMigration}

// dropYearIndexMigration drops idx_applications_year: idx_applications_twins starts with
// the year and serves every query on it, and as long as a PostgreSQL table has no
// statistics (a new database before its first ANALYZE, or one whose autovacuum is off) a
// plan made while the table was small costs both alike and may take the year's index for
// the double-funding lookup, which then reads every dossier of the year at each filing:
// 10,000 filings read 19 million index entries (aapbench on PostgreSQL, 7 December).
var dropYearIndexMigration = &gormigrate.Migration{
	ID: "2026121070_drop_year_index",
	Migrate: func(tx *gorm.DB) error {
		return tx.Exec("DROP INDEX idx_applications_year").Error
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Exec("CREATE INDEX idx_applications_year ON applications (year)").Error
	},
}
