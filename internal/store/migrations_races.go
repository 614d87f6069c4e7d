package store

import (
	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// racesMigrations come after identityMigrations: the rows through which two
// commands recorded at the same instant are serialised, so that the second is
// checked with the first's figures.
var racesMigrations = []*gormigrate.Migration{
	{
		// §3.5: the large-territory exception is granted « dans la limite de
		// l'enveloppe financière annuelle disponible ». The year's row holds what
		// the favourable opinions delegated; an opinion is checked against it and
		// adds to it in one conditional update (CTAIRequests.RecordDecision). It
		// is created on the year's first opinion from the opinions recorded then.
		ID: "2026120830_ctai_envelopes",
		Migrate: func(tx *gorm.DB) error {
			type ctaiEnvelope struct {
				Year      int   `gorm:"primaryKey;autoIncrement:false"`
				UsedCents int64 `gorm:"not null;default:0"`
			}
			return tx.Table("ctai_envelopes").Migrator().CreateTable(&ctaiEnvelope{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("ctai_envelopes") },
	},
	{
		// §8.1: the objectives are measured per territory across the year's calls. The
		// selections of one region's calls (its own and its departments') are recorded one
		// after the other through the row of the region and year, each checked again with
		// the others' figures in its recording transaction (Applications.RecordSelectionWith).
		ID: "2026120831_selection_locks",
		Migrate: func(tx *gorm.DB) error {
			type selectionLock struct {
				Year       int    `gorm:"primaryKey;autoIncrement:false"`
				Region     string `gorm:"primaryKey;size:3"`
				Selections int64  `gorm:"not null;default:0"`
			}
			return tx.Table("selection_locks").Migrator().CreateTable(&selectionLock{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("selection_locks") },
	},
}
