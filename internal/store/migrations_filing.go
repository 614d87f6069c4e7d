package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// filingMigration adds what the online filing form takes: the dossier's legal
// representative, public, eligibility check and fiscal year end, and its
// attachments (statuts, budget prévisionnel, comptes approuvés, RIB), stored
// with their SHA-256 in the application database.
var filingMigration = &gormigrate.Migration{
	ID: "2026120620_online_filing",
	Migrate: func(tx *gorm.DB) error {
		type application struct {
			LegalRepresentative string `gorm:"size:300"`
			Public              string `gorm:"column:target_public;size:2000"`
			PublicCheck         string `gorm:"size:2000"`
			FiscalYearEnd       string `gorm:"size:10"`
		}
		for _, col := range []string{"LegalRepresentative", "Public", "PublicCheck", "FiscalYearEnd"} {
			if err := tx.Table("applications").Migrator().AddColumn(&application{}, col); err != nil {
				return err
			}
		}
		type applicationAttachment struct {
			ID            uint64 `gorm:"primaryKey"`
			ApplicationID string `gorm:"size:36;uniqueIndex:idx_application_attachments_kind"`
			Kind          string `gorm:"size:32;uniqueIndex:idx_application_attachments_kind"`
			FileName      string `gorm:"size:255"`
			ContentType   string `gorm:"size:64"`
			Size          int64
			SHA256        string `gorm:"column:sha256;size:64"`
			Content       []byte
			CreatedAt     time.Time
		}
		return tx.Table("application_attachments").Migrator().CreateTable(&applicationAttachment{})
	},
	Rollback: func(tx *gorm.DB) error {
		if err := tx.Migrator().DropTable("application_attachments"); err != nil {
			return err
		}
		for _, col := range []string{"legal_representative", "target_public", "public_check", "fiscal_year_end"} {
			if err := tx.Table("applications").Migrator().DropColumn(&struct{}{}, col); err != nil {
				return err
			}
		}
		return nil
	},
}
