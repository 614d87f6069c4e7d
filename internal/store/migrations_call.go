package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// callMigrations create the tables of a call's life up to its convention:
// campaigns, the outbox, applications, the selection, conventions and CPO tranches.
var callMigrations = []*gormigrate.Migration{
	{
		ID: "2026112901_create_campaigns",
		Migrate: func(tx *gorm.DB) error {
			type campaign struct {
				ID                 string `gorm:"primaryKey;size:36"`
				WorkflowID         string `gorm:"size:160;uniqueIndex"`
				Year               int    `gorm:"index:idx_campaigns_year_territory"`
				Level              string `gorm:"size:16"`
				Territory          string `gorm:"size:3;index:idx_campaigns_year_territory"`
				Title              string `gorm:"size:300"`
				BudgetCents        int64
				Themes             string
				PublishAt          time.Time
				CloseAt            time.Time
				AGIRArticulation   string `gorm:"column:agir_articulation"`
				Indicators         string
				EvaluationCriteria string
				ContactEmail       string `gorm:"size:254"`
				PolicyName         string `gorm:"size:16"`
				Phase              string `gorm:"size:32;index"`
				PublishedAt        *time.Time
				ClosedAt           *time.Time
				IdempotencyKey     *string `gorm:"size:200;uniqueIndex"`
				RequestHash        string  `gorm:"size:64"`
				CreatedAt          time.Time
				UpdatedAt          time.Time
			}
			return tx.Table("campaigns").Migrator().CreateTable(&campaign{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("campaigns") },
	},
	{
		ID: "2026112902_create_emails",
		Migrate: func(tx *gorm.DB) error {
			type email struct {
				ID         uint64 `gorm:"primaryKey"`
				Key        string `gorm:"size:300;uniqueIndex"`
				MessageID  string `gorm:"size:200"`
				CampaignID string `gorm:"size:36;index"`
				Purpose    string `gorm:"size:64;index"`
				Recipient  string `gorm:"size:254;index"`
				Subject    string `gorm:"size:300"`
				State      string `gorm:"size:16;index"`
				Attempts   int
				LastError  string `gorm:"size:1000"`
				LeaseUntil *time.Time
				SentAt     *time.Time
				CreatedAt  time.Time
				UpdatedAt  time.Time
			}
			return tx.Table("emails").Migrator().CreateTable(&email{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("emails") },
	},
	{
		ID: "2026112903_create_applications",
		Migrate: func(tx *gorm.DB) error {
			type application struct {
				ID                  string `gorm:"primaryKey;size:36"`
				CampaignID          string `gorm:"size:36;uniqueIndex:idx_applications_identity"`
				WorkflowID          string `gorm:"size:200;uniqueIndex"`
				Year                int    `gorm:"index"`
				AssociationKey      string `gorm:"size:32;uniqueIndex:idx_applications_identity;index"`
				SIRET               string `gorm:"column:siret;size:14"`
				RNA                 string `gorm:"column:rna;size:10"`
				AssociationName     string `gorm:"size:300"`
				AssociationEmail    string `gorm:"size:254"`
				CERSigned           bool   `gorm:"column:cer_signed"`
				Title               string `gorm:"size:300"`
				TitleKey            string `gorm:"size:300;uniqueIndex:idx_applications_identity;index"`
				Theme               string `gorm:"size:32;index"`
				Description         string
				RequestedCents      int64
				TotalBudgetCents    int64
				CoFinancing         string
				BeneficiariesBPI    int  `gorm:"column:beneficiaries_bpi"`
				BeneficiariesNonBPI int  `gorm:"column:beneficiaries_non_bpi"`
				AGIRRedundant       bool `gorm:"column:agir_redundant"`
				DoubleFundingWith   string
				State               string  `gorm:"size:32;index"`
				IdempotencyKey      *string `gorm:"size:200;uniqueIndex"`
				RequestHash         string  `gorm:"size:64"`
				CreatedAt           time.Time
				UpdatedAt           time.Time
			}
			return tx.Table("applications").Migrator().CreateTable(&application{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("applications") },
	},
	{
		ID: "2026112904_selection",
		Migrate: func(tx *gorm.DB) error {
			type application struct {
				Decision                   string `gorm:"size:16"`
				GrantedCents               int64
				Score                      int
				DecisionReason             string `gorm:"size:2000"`
				DoubleFundingJustification string `gorm:"size:2000"`
				DecidedAt                  *time.Time
			}
			type campaign struct {
				SelectedAt   *time.Time
				CancelReason string `gorm:"size:2000"`
			}
			type pneResult struct {
				ID             uint64 `gorm:"primaryKey"`
				AssociationKey string `gorm:"size:32;uniqueIndex:idx_pne_results_identity"`
				Year           int    `gorm:"uniqueIndex:idx_pne_results_identity"`
				Answered       bool
				AnsweredAt     *time.Time
				CreatedAt      time.Time
				UpdatedAt      time.Time
			}
			for _, col := range []string{"Decision", "GrantedCents", "Score", "DecisionReason", "DoubleFundingJustification", "DecidedAt"} {
				if err := tx.Table("applications").Migrator().AddColumn(&application{}, col); err != nil {
					return err
				}
			}
			for _, col := range []string{"SelectedAt", "CancelReason"} {
				if err := tx.Table("campaigns").Migrator().AddColumn(&campaign{}, col); err != nil {
					return err
				}
			}
			return tx.Table("pne_results").Migrator().CreateTable(&pneResult{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("pne_results") },
	},
	{
		ID: "2026112905_conventions",
		Migrate: func(tx *gorm.DB) error {
			type campaign struct{ Policy string }
			type convention struct {
				ID                    string `gorm:"primaryKey;size:36"`
				ApplicationID         string `gorm:"size:36;uniqueIndex"`
				CampaignID            string `gorm:"size:36;index"`
				Reference             string `gorm:"size:40;uniqueIndex"`
				Kind                  string `gorm:"size:16"`
				GrantedCents          int64
				PNECloseDate          time.Time
				FiscalYearEnd         time.Time
				FinancialReportMonths int
				State                 string `gorm:"size:32;index"`
				SignedBy              string `gorm:"size:300"`
				SignedAt              *time.Time
				LapsedAt              *time.Time
				CreatedAt             time.Time
				UpdatedAt             time.Time
			}
			if err := tx.Table("campaigns").Migrator().AddColumn(&campaign{}, "Policy"); err != nil {
				return err
			}
			return tx.Table("conventions").Migrator().CreateTable(&convention{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("conventions") },
	},
	{
		ID: "2026112906_cpo_tranches",
		Migrate: func(tx *gorm.DB) error {
			type application struct {
				CPOTranches string `gorm:"column:cpo_tranches"`
			}
			type convention struct{ Tranches string }
			if err := tx.Table("applications").Migrator().AddColumn(&application{}, "CPOTranches"); err != nil {
				return err
			}
			return tx.Table("conventions").Migrator().AddColumn(&convention{}, "Tranches")
		},
		Rollback: func(tx *gorm.DB) error {
			if err := tx.Table("applications").Migrator().DropColumn(&struct{}{}, "cpo_tranches"); err != nil {
				return err
			}
			return tx.Table("conventions").Migrator().DropColumn(&struct{}{}, "tranches")
		},
	},
}
