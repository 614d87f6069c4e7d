package store

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// ctaiControlsMigrations come after pneProvisionalMigrations (their IDs in order): a control's subject is a
// signed convention or an association a funded CTAI's bilan names (§8.5: « des
// contrôles sur site … au profit des lauréats des appels à projets territoriaux
// et des associations financées dans le cadre des CTAI »).
var ctaiControlsMigrations = []*gormigrate.Migration{ctaiControlSubjectsMigration}

// ctaiControlSubjectsMigration gives controls a subject. « Controlled at most
// once » moves from the convention (a unique convention_id, which a CTAI
// association's control, without a convention, would break) to a unique
// subject_key: "convention:<id>" (existing rows) or "ctai:<request>/<association key>".
var ctaiControlSubjectsMigration = &gormigrate.Migration{
	ID: "2026121010_control_subjects",
	Migrate: func(tx *gorm.DB) error {
		return execAll(tx,
			"ALTER TABLE controls ADD COLUMN subject varchar(16) NOT NULL DEFAULT 'convention'",
			"ALTER TABLE controls ADD COLUMN subject_key varchar(120) NOT NULL DEFAULT ''",
			"ALTER TABLE controls ADD COLUMN ctai_request_id varchar(36) NOT NULL DEFAULT ''",
			"ALTER TABLE controls ADD COLUMN association_key varchar(80) NOT NULL DEFAULT ''",
			"ALTER TABLE controls ADD COLUMN association_name varchar(300) NOT NULL DEFAULT ''",
			"UPDATE controls SET subject_key = 'convention:' || convention_id",
			"DROP INDEX IF EXISTS idx_controls_convention_id",
			"CREATE INDEX idx_controls_convention_id ON controls (convention_id)",
			"CREATE UNIQUE INDEX idx_controls_subject_key ON controls (subject_key)",
			"CREATE INDEX idx_controls_ctai_request_id ON controls (ctai_request_id)",
		)
	},
	Rollback: func(tx *gorm.DB) error {
		err := execAll(tx,
			"DROP INDEX IF EXISTS idx_controls_ctai_request_id",
			"DROP INDEX IF EXISTS idx_controls_subject_key",
			"DROP INDEX IF EXISTS idx_controls_convention_id",
			"DELETE FROM controls WHERE subject <> 'convention'", // no convention: the old schema cannot hold them
			"CREATE UNIQUE INDEX idx_controls_convention_id ON controls (convention_id)",
		)
		if err != nil {
			return err
		}
		for _, col := range []string{"association_name", "association_key", "ctai_request_id", "subject_key", "subject"} {
			if err := tx.Exec("ALTER TABLE controls DROP COLUMN " + col).Error; err != nil {
				return err
			}
		}
		return nil
	},
}

// execAll runs each statement in order, stopping at the first error.
func execAll(tx *gorm.DB, statements ...string) error {
	for _, ddl := range statements {
		if err := tx.Exec(ddl).Error; err != nil {
			return err
		}
	}
	return nil
}
