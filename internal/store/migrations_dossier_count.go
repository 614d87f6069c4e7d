package store

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// dossierCountMigrations come after stateRecordedMigrations: each call keeps its
// dossier count (registerDossierCount), which a call's list answers as its total.
var dossierCountMigrations = []*gormigrate.Migration{dossierCountMigration}

// dossierCountMigration adds campaigns.dossier_count and fills it with the dossiers
// each call holds now; from then on every insert of a dossier adds to it.
var dossierCountMigration = &gormigrate.Migration{
	ID: "2026121050_call_dossier_count",
	Migrate: func(tx *gorm.DB) error {
		for _, ddl := range []string{
			`ALTER TABLE campaigns ADD COLUMN dossier_count bigint NOT NULL DEFAULT 0`,
			`UPDATE campaigns SET dossier_count = (SELECT COUNT(*) FROM applications WHERE applications.campaign_id = campaigns.id)`,
		} {
			if err := tx.Exec(ddl).Error; err != nil {
				return err
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		return tx.Exec("ALTER TABLE campaigns DROP COLUMN dossier_count").Error
	},
}
