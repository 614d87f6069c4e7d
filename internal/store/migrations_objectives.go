package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// objectivesMigrations come after monDossierMigrations: a call's late calendar with the
// difficulty reported (§8.3), a selection's deviations from the objectives with their
// justification (§8.1) and its signed decision's reference, then the correspondent's
// assessment of a dossier's redundancy with AGIR (§8.2).
var objectivesMigrations = []*gormigrate.Migration{
	{
		ID: "2026120760_campaign_calendar_objectives",
		Migrate: func(tx *gorm.DB) error {
			type campaign struct {
				CalendarJustification   string `gorm:"size:5000"`
				PublishLate             bool   `gorm:"not null;default:false"`
				CloseLate               bool   `gorm:"not null;default:false"`
				ObjectivesJustification string `gorm:"size:5000"`
				ObjectivesDeviations    string
				DecisionReference       string `gorm:"size:200"`
			}
			m := tx.Table("campaigns").Migrator()
			for _, f := range []string{"CalendarJustification", "PublishLate", "CloseLate", "ObjectivesJustification", "ObjectivesDeviations", "DecisionReference"} {
				if err := m.AddColumn(&campaign{}, f); err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for _, c := range []string{"calendar_justification", "publish_late", "close_late", "objectives_justification", "objectives_deviations", "decision_reference"} {
				if err := tx.Table("campaigns").Migrator().DropColumn(&struct{}{}, c); err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		ID: "2026120761_application_agir_assessment",
		Migrate: func(tx *gorm.DB) error {
			type application struct {
				AGIRAssessment     string     `gorm:"column:agir_assessment;size:16"`
				AGIRAssessmentNote string     `gorm:"column:agir_assessment_note;size:2000"`
				AGIRAssessedBy     string     `gorm:"column:agir_assessed_by;size:200"`
				AGIRAssessedAt     *time.Time `gorm:"column:agir_assessed_at"`
			}
			m := tx.Table("applications").Migrator()
			for _, f := range []string{"AGIRAssessment", "AGIRAssessmentNote", "AGIRAssessedBy", "AGIRAssessedAt"} {
				if err := m.AddColumn(&application{}, f); err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for _, c := range []string{"agir_assessment", "agir_assessment_note", "agir_assessed_by", "agir_assessed_at"} {
				if err := tx.Table("applications").Migrator().DropColumn(&struct{}{}, c); err != nil {
					return err
				}
			}
			return nil
		},
	},
}
