package store

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// monDossierMigrations come after followUpMigrations: the dossiers' readable
// references, then the files of the comptes-rendus financiers sent online.
var monDossierMigrations = []*gormigrate.Migration{referenceMigration, reportDocumentsMigration}

// reportDocumentsMigration keeps the signed Cerfa n° 15059*02 sent through « Mon dossier ».
var reportDocumentsMigration = &gormigrate.Migration{
	ID: "2026120621_report_documents",
	Migrate: func(tx *gorm.DB) error {
		type reportDocument struct {
			ConventionID string `gorm:"primaryKey;size:36"`
			FileName     string `gorm:"size:200"`
			ContentType  string `gorm:"size:100"`
			Size         int64
			SHA256       string `gorm:"column:sha256;size:64"`
			Data         []byte
			CreatedAt    time.Time
		}
		return tx.Table("report_documents").Migrator().CreateTable(&reportDocument{})
	},
	Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("report_documents") },
}

// referenceMigration gives every dossier its readable reference ("AAP-2027-69-0042"):
// the column, the counters per scope, the dossiers already filed numbered in
// filing order within their call's year and territory, then the unique index.
var referenceMigration = &gormigrate.Migration{
	ID: "2026120620_application_reference",
	Migrate: func(tx *gorm.DB) error {
		type application struct {
			Reference string `gorm:"size:24"`
		}
		type counter struct {
			Scope        string `gorm:"primaryKey;size:16"`
			LastSequence int    `gorm:"not null"`
		}
		if err := tx.Table("applications").Migrator().AddColumn(&application{}, "Reference"); err != nil {
			return err
		}
		if err := tx.Table("dossier_reference_counters").Migrator().CreateTable(&counter{}); err != nil {
			return err
		}
		if err := backfillReferences(tx); err != nil {
			return err
		}
		return tx.Exec("CREATE UNIQUE INDEX idx_applications_reference ON applications (reference)").Error
	},
	Rollback: func(tx *gorm.DB) error {
		if err := tx.Migrator().DropTable("dossier_reference_counters"); err != nil {
			return err
		}
		if err := tx.Exec("DROP INDEX IF EXISTS idx_applications_reference").Error; err != nil {
			return err
		}
		return tx.Table("applications").Migrator().DropColumn(&struct{}{}, "reference")
	},
}

// backfillReferences numbers the dossiers already filed, oldest first in each scope.
func backfillReferences(tx *gorm.DB) error {
	var rows []struct {
		ID        string
		Year      int
		Level     string
		Territory string
		CreatedAt time.Time
	}
	err := tx.Table("applications AS a").Select("a.id, c.year, c.level, c.territory, a.created_at").
		Joins("JOIN campaigns c ON c.id = a.campaign_id").Order("a.created_at, a.id").Scan(&rows).Error
	if err != nil {
		return err
	}
	last := map[string]int{}
	for _, r := range rows {
		// The format as of this migration (models.ReferenceScope, DossierReference), frozen here.
		territory := r.Territory
		if r.Level == "regional" {
			territory = "R" + territory
		}
		scope := fmt.Sprintf("%d-%s", r.Year, territory)
		last[scope]++
		if err := tx.Table("applications").Where("id = ?", r.ID).
			Update("reference", fmt.Sprintf("AAP-%s-%04d", scope, last[scope])).Error; err != nil {
			return err
		}
	}
	for scope, n := range last {
		if err := tx.Table("dossier_reference_counters").Create(map[string]any{"scope": scope, "last_sequence": n}).Error; err != nil {
			return err
		}
	}
	return nil
}
