package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// trancheMigrations come after selectionMigrations: a CPO owes one compte-rendu
// financier per yearly tranche (§8.2, §8.4), and its file sent online is kept per tranche.
var trancheMigrations = []*gormigrate.Migration{financialReportTranchesMigration, reportDocumentTranchesMigration}

// financialReportTranchesMigration keys the comptes-rendus financiers by convention
// and year (one per CPO tranche), and records the tranche's number and the subsidy
// each accounts for (the convention's amount for the reports already expected).
var financialReportTranchesMigration = &gormigrate.Migration{
	ID: "2026120820_financial_report_tranches",
	Migrate: func(tx *gorm.DB) error {
		type financialReport struct {
			ConventionID string `gorm:"size:36;uniqueIndex:idx_financial_reports_tranche"`
			FiscalYear   int    `gorm:"uniqueIndex:idx_financial_reports_tranche"`
			Tranche      int    `gorm:"not null;default:0"`
			AmountCents  int64  `gorm:"not null;default:0"`
		}
		m := tx.Table("financial_reports").Migrator()
		for _, col := range []string{"Tranche", "AmountCents"} {
			if err := m.AddColumn(&financialReport{}, col); err != nil {
				return err
			}
		}
		if err := tx.Exec(`UPDATE financial_reports SET amount_cents =
			COALESCE((SELECT granted_cents FROM conventions WHERE conventions.id = financial_reports.convention_id), 0)`).Error; err != nil {
			return err
		}
		if err := m.DropIndex(&financialReport{}, "idx_financial_reports_convention_id"); err != nil {
			return err
		}
		return m.CreateIndex(&financialReport{}, "idx_financial_reports_tranche")
	},
	Rollback: func(tx *gorm.DB) error {
		type financialReport struct {
			ConventionID string `gorm:"size:36;uniqueIndex"`
		}
		m := tx.Table("financial_reports").Migrator()
		if err := m.DropIndex(&financialReport{}, "idx_financial_reports_tranche"); err != nil {
			return err
		}
		if err := tx.Exec("DELETE FROM financial_reports WHERE tranche > 1").Error; err != nil {
			return err
		}
		if err := m.CreateIndex(&financialReport{}, "idx_financial_reports_convention_id"); err != nil {
			return err
		}
		for _, col := range []string{"tranche", "amount_cents"} {
			if err := m.DropColumn(&financialReport{}, col); err != nil {
				return err
			}
		}
		return nil
	},
}

// reportDocumentTranchesMigration keys the files sent through « Mon dossier » by
// convention and year, like their reports: the table is rebuilt (a primary key
// cannot be altered in SQLite), each kept file taking its report's year.
var reportDocumentTranchesMigration = &gormigrate.Migration{
	ID: "2026120821_report_document_tranches",
	Migrate: func(tx *gorm.DB) error {
		type reportDocument struct {
			ConventionID string `gorm:"primaryKey;size:36"`
			FiscalYear   int    `gorm:"primaryKey;autoIncrement:false"`
			FileName     string `gorm:"size:200"`
			ContentType  string `gorm:"size:100"`
			Size         int64
			SHA256       string `gorm:"column:sha256;size:64"`
			Data         []byte
			CreatedAt    time.Time
		}
		return rebuildTable(tx, "report_documents", &reportDocument{},
			`INSERT INTO report_documents_rebuilt (convention_id, fiscal_year, file_name, content_type, size, sha256, data, created_at)
			SELECT d.convention_id, COALESCE((SELECT MIN(r.fiscal_year) FROM financial_reports r WHERE r.convention_id = d.convention_id), 0),
				d.file_name, d.content_type, d.size, d.sha256, d.data, d.created_at
			FROM report_documents d`)
	},
	Rollback: func(tx *gorm.DB) error {
		type reportDocument struct {
			ConventionID string `gorm:"primaryKey;size:36"`
			FileName     string `gorm:"size:200"`
			ContentType  string `gorm:"size:100"`
			Size         int64
			SHA256       string `gorm:"column:sha256;size:64"`
			Data         []byte
			CreatedAt    time.Time
		}
		return rebuildTable(tx, "report_documents", &reportDocument{},
			`INSERT INTO report_documents_rebuilt (convention_id, file_name, content_type, size, sha256, data, created_at)
			SELECT convention_id, file_name, content_type, size, sha256, data, created_at FROM report_documents d
			WHERE fiscal_year = (SELECT MIN(fiscal_year) FROM report_documents e WHERE e.convention_id = d.convention_id)`)
	},
}

// rebuildTable replaces table by one of shape model, filled by fill (an INSERT into
// <table>_rebuilt reading table): created beside it, then renamed once the old one
// is dropped, so no index or constraint name of the old table is taken (PostgreSQL
// keeps them across a rename).
func rebuildTable(tx *gorm.DB, table string, model any, fill string) error {
	rebuilt := table + "_rebuilt"
	if err := tx.Table(rebuilt).Migrator().CreateTable(model); err != nil {
		return err
	}
	if err := tx.Exec(fill).Error; err != nil {
		return err
	}
	if err := tx.Migrator().DropTable(table); err != nil {
		return err
	}
	return tx.Migrator().RenameTable(rebuilt, table)
}
