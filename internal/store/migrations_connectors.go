package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// connectorMigrations hold the connectors' state: a call's Démarches Simplifiées
// source and the DS dossiers the rules refused, and the dossiers' DS numbers.
var connectorMigrations = []*gormigrate.Migration{
	{
		ID: "2026120641_ds_connector",
		Migrate: func(tx *gorm.DB) error {
			type dsConnector struct {
				CampaignID    string `gorm:"primaryKey;size:36"`
				Demarche      int
				InstructeurID string `gorm:"size:200"`
				Mapping       string
				Cursor        string `gorm:"size:1000"`
				UpdatedSince  *time.Time
				LastPullAt    *time.Time
				LastSuccessAt *time.Time
				LastError     string `gorm:"size:2000"`
				Failures      int
				CreatedAt     time.Time
				UpdatedAt     time.Time
			}
			type dsRefusal struct {
				ID          uint64 `gorm:"primaryKey"`
				CampaignID  string `gorm:"size:36;uniqueIndex:idx_ds_refusals_identity"`
				DSNumber    int    `gorm:"column:ds_number;uniqueIndex:idx_ds_refusals_identity"`
				DepositedAt time.Time
				Errors      string
				CreatedAt   time.Time
				UpdatedAt   time.Time
			}
			type campaign struct {
				DSDemarche int `gorm:"column:ds_demarche;not null;default:0"`
			}
			type application struct {
				DSNumber *int `gorm:"column:ds_number;index"`
			}
			if err := tx.Table("ds_connectors").Migrator().CreateTable(&dsConnector{}); err != nil {
				return err
			}
			if err := tx.Table("ds_refusals").Migrator().CreateTable(&dsRefusal{}); err != nil {
				return err
			}
			if err := tx.Table("campaigns").Migrator().AddColumn(&campaign{}, "DSDemarche"); err != nil {
				return err
			}
			if err := tx.Table("applications").Migrator().AddColumn(&application{}, "DSNumber"); err != nil {
				return err
			}
			return tx.Table("applications").Migrator().CreateIndex(&application{}, "DSNumber")
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Table("applications").Migrator().DropColumn(&struct{}{}, "ds_number"); err != nil {
				return err
			}
			if err := tx.Table("campaigns").Migrator().DropColumn(&struct{}{}, "ds_demarche"); err != nil {
				return err
			}
			return tx.Migrator().DropTable("ds_refusals", "ds_connectors")
		},
	},
}
