package store

import (
	"fmt"
	"slices"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrations is the versioned schema history, applied in this order. A
// migration is never edited once released: each declares its own frozen copy
// of the tables it creates, so the result does not change when models/ moves
// on. Add a new one (at the end of followUpMigrations) to change the schema.
var migrations = slices.Concat(callMigrations, followUpMigrations, connectorMigrations, monDossierMigrations, calendarMigrations,
	controlsConventionMigrations, agentMigrations, objectivesMigrations, identityMigrations, pneHandMigrations, racesMigrations,
	selectionMigrations, trancheMigrations, perfMigrations, pneProvisionalMigrations, ctaiControlsMigrations, stateRecordedMigrations,
	dossierCountMigrations, acknowledgementMigrations, filingPlanMigrations)

const migrationsTable = "schema_migrations"

func migrator(db *gorm.DB) *gormigrate.Gormigrate {
	opts := *gormigrate.DefaultOptions
	opts.TableName = migrationsTable
	opts.UseTransaction = true
	return gormigrate.New(db, &opts, migrations)
}

// Migrate applies every pending migration (`aap migrate`, and `aap dev` at start).
func Migrate(db *gorm.DB) error {
	if err := migrator(db).Migrate(); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

// CheckSchema refuses to run on a database that `aap migrate` has not brought up to date,
// so an API or worker never writes to a schema it does not know.
func CheckSchema(db *gorm.DB) error {
	var applied []string
	if db.Migrator().HasTable(migrationsTable) {
		if err := db.Table(migrationsTable).Pluck("id", &applied).Error; err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
	}
	done := make(map[string]bool, len(applied))
	for _, id := range applied {
		done[id] = true
	}
	for _, m := range migrations {
		if !done[m.ID] {
			return fmt.Errorf("database schema is not up to date (missing %s): run `aap migrate` first", m.ID)
		}
	}
	return nil
}
