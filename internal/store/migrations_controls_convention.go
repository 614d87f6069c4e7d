package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// controlsConventionMigrations follow §8.5 and §8.1 more closely: the region's
// supplementary control syntheses and the departments left without a control,
// then the decision's department of a regional call's action and its 3 % pay
// revaluation.
var controlsConventionMigrations = []*gormigrate.Migration{controlsFollowUpMigration, decisionTermsMigration}

// controlsFollowUpMigration counts a region's supplementary syntheses and
// records the departments without a control held by the synthesis date.
var controlsFollowUpMigration = &gormigrate.Migration{
	ID: "2026120780_controls_follow_up",
	Migrate: func(tx *gorm.DB) error {
		type controlSynthesis struct {
			Supplements      int `gorm:"not null;default:0"`
			LastSupplementAt *time.Time
		}
		for _, col := range []string{"Supplements", "LastSupplementAt"} {
			if err := tx.Table("control_syntheses").Migrator().AddColumn(&controlSynthesis{}, col); err != nil {
				return err
			}
		}
		type controlGap struct {
			ID         uint64 `gorm:"primaryKey"`
			Year       int    `gorm:"uniqueIndex:idx_control_gaps_identity"`
			Region     string `gorm:"size:3;uniqueIndex:idx_control_gaps_identity"`
			Department string `gorm:"size:3;uniqueIndex:idx_control_gaps_identity"`
			DueOn      string `gorm:"size:10"`
			Candidates int
			Planned    int
			CreatedAt  time.Time
		}
		return tx.Table("control_gaps").Migrator().CreateTable(&controlGap{})
	},
	Rollback: func(tx *gorm.DB) error {
		if err := tx.Migrator().DropTable("control_gaps"); err != nil {
			return err
		}
		for _, col := range []string{"supplements", "last_supplement_at"} {
			if err := tx.Table("control_syntheses").Migrator().DropColumn(&struct{}{}, col); err != nil {
				return err
			}
		}
		return nil
	},
}

// decisionTermsMigration adds the selection decision's terms the convention and
// the controls read: the department of a regional call's action, the 3 % revaluation.
var decisionTermsMigration = &gormigrate.Migration{
	ID: "2026120781_decision_terms",
	Migrate: func(tx *gorm.DB) error {
		type application struct {
			ActionDepartment string `gorm:"size:3"`
			PayRevaluation   bool   `gorm:"not null;default:false"`
			LanguageTraining bool   `gorm:"not null;default:false"`
		}
		for _, col := range []string{"ActionDepartment", "PayRevaluation", "LanguageTraining"} {
			if err := tx.Table("applications").Migrator().AddColumn(&application{}, col); err != nil {
				return err
			}
		}
		return nil
	},
	Rollback: func(tx *gorm.DB) error {
		for _, col := range []string{"action_department", "pay_revaluation", "language_training"} {
			if err := tx.Table("applications").Migrator().DropColumn(&struct{}{}, col); err != nil {
				return err
			}
		}
		return nil
	},
}
