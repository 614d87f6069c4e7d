package store

import "gorm.io/gorm"

// MigrateTo applies the migrations up to id included (tests of a backfill).
func MigrateTo(db *gorm.DB, id string) error { return migrator(db).MigrateTo(id) }

// RollbackReadIndexes drops the read indexes (the plan test's other side).
func RollbackReadIndexes(db *gorm.DB) error { return readIndexesMigration.Rollback(db) }

// KeysPerQuery is how many association keys one `IN` query carries (tests across a chunk's end).
const KeysPerQuery = keysPerQuery

// RestoreYearIndex puts idx_applications_year back (the plan test's other side).
func RestoreYearIndex(db *gorm.DB) error { return dropYearIndexMigration.Rollback(db) }
