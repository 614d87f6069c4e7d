package store

import (
	"fmt"
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// migrations is the versioned schema history. A migration is never edited once
// released: each declares its own frozen copy of the tables it creates, so the
// result does not change when models/ moves on. Add a new one to change the schema.
var migrations = []*gormigrate.Migration{
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
	{
		// §8.4: the structures asked to answer each year's PNE questionnaire.
		ID: "2026112907_pne_structures",
		Migrate: func(tx *gorm.DB) error {
			type pneStructure struct {
				ID              uint64 `gorm:"primaryKey"`
				Year            int    `gorm:"uniqueIndex:idx_pne_structures_identity"`
				AssociationKey  string `gorm:"size:32;uniqueIndex:idx_pne_structures_identity"`
				AssociationName string `gorm:"size:300"`
				Email           string `gorm:"size:254;index"`
				Region          string `gorm:"size:3;index"`
				Department      string `gorm:"size:3;index"`
				FundedActions   int
				Token           string `gorm:"size:64;uniqueIndex"`
				AnsweredAt      *time.Time
				CreatedAt       time.Time
				UpdatedAt       time.Time
			}
			return tx.Table("pne_structures").Migrator().CreateTable(&pneStructure{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("pne_structures") },
	},
	{
		ID: "2026112911_auth",
		Migrate: func(tx *gorm.DB) error {
			type apiToken struct {
				ID         uint64 `gorm:"primaryKey"`
				Name       string `gorm:"size:200"`
				Hash       string `gorm:"size:64;uniqueIndex"`
				Role       string `gorm:"size:16"`
				Level      string `gorm:"size:16"`
				Territory  string `gorm:"size:3"`
				CreatedAt  time.Time
				ExpiresAt  *time.Time
				RevokedAt  *time.Time
				LastUsedAt *time.Time
			}
			type auditEntry struct {
				ID        uint64 `gorm:"primaryKey"`
				Actor     string `gorm:"size:200;index"`
				TokenID   *uint64
				Entity    string `gorm:"size:32;index:idx_audit_entity"`
				EntityID  string `gorm:"size:64;index:idx_audit_entity"`
				Action    string `gorm:"size:64"`
				Before    string
				After     string
				RequestID string    `gorm:"size:100"`
				At        time.Time `gorm:"index"`
			}
			if err := tx.Table("api_tokens").Migrator().CreateTable(&apiToken{}); err != nil {
				return err
			}
			return tx.Table("audit_entries").Migrator().CreateTable(&auditEntry{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("audit_entries", "api_tokens") },
	},
	{
		// §8.5: doubts flagged on conventions, on-site controls and their follow-up,
		// and each region's yearly synthesis sent to DIAN.
		ID: "2026112909_controls",
		Migrate: func(tx *gorm.DB) error {
			type conventionDoubt struct {
				ID           uint64 `gorm:"primaryKey"`
				ConventionID string `gorm:"size:36;uniqueIndex:idx_convention_doubts_identity"`
				Kind         string `gorm:"size:32;uniqueIndex:idx_convention_doubts_identity"`
				Note         string `gorm:"size:2000"`
				CreatedAt    time.Time
			}
			type control struct {
				ID                  string `gorm:"primaryKey;size:36"`
				ConventionID        string `gorm:"size:36;uniqueIndex"`
				Year                int    `gorm:"index:idx_controls_year_region"`
				Region              string `gorm:"size:3;index:idx_controls_year_region"`
				Department          string `gorm:"size:3"`
				PlannedOn           string `gorm:"size:10"`
				Controller          string `gorm:"size:300"`
				State               string `gorm:"size:16;index"`
				Outcome             string `gorm:"size:16"`
				Findings            string `gorm:"size:5000"`
				DoneOn              string `gorm:"size:10"`
				FollowUpKind        string `gorm:"size:32"`
				FollowUpAmountCents int64
				FollowUpState       string `gorm:"size:16;index"`
				FollowUpNote        string `gorm:"size:2000"`
				RecoveredCents      int64
				FollowUpClosedOn    string `gorm:"size:10"`
				CreatedAt           time.Time
				UpdatedAt           time.Time
			}
			type controlSynthesis struct {
				ID        uint64 `gorm:"primaryKey"`
				Year      int    `gorm:"uniqueIndex:idx_control_syntheses_identity"`
				Region    string `gorm:"size:3;uniqueIndex:idx_control_syntheses_identity"`
				DueOn     string `gorm:"size:10"`
				Controls  int
				SentAt    *time.Time
				CreatedAt time.Time
				UpdatedAt time.Time
			}
			if err := tx.Table("convention_doubts").Migrator().CreateTable(&conventionDoubt{}); err != nil {
				return err
			}
			if err := tx.Table("controls").Migrator().CreateTable(&control{}); err != nil {
				return err
			}
			return tx.Table("control_syntheses").Migrator().CreateTable(&controlSynthesis{})
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Migrator().DropTable("control_syntheses", "controls", "convention_doubts")
		},
	},
	{
		// §8.4: the compte-rendu financier of each signed convention, and the
		// renewals it (or the PNE) blocks.
		ID: "2026112908_financial_reports",
		Migrate: func(tx *gorm.DB) error {
			type financialReport struct {
				ID                  uint64 `gorm:"primaryKey"`
				ConventionID        string `gorm:"size:36;uniqueIndex"`
				ConventionReference string `gorm:"size:40"`
				ApplicationID       string `gorm:"size:36;index"`
				AssociationKey      string `gorm:"size:32;index"`
				FiscalYear          int
				DueAt               time.Time
				ReceivedAt          *time.Time
				SpentCents          int64
				SubsidyUsedCents    int64
				DocumentReference   string `gorm:"size:200"`
				Overdue             bool   `gorm:"index"`
				OverdueAt           *time.Time
				CreatedAt           time.Time
				UpdatedAt           time.Time
			}
			type renewalBlock struct {
				ID                 uint64 `gorm:"primaryKey"`
				ApplicationID      string `gorm:"size:36;uniqueIndex:idx_renewal_blocks_identity"`
				AssociationKey     string `gorm:"size:32;index"`
				Rule               string `gorm:"size:32;uniqueIndex:idx_renewal_blocks_identity"`
				Source             string `gorm:"size:64;uniqueIndex:idx_renewal_blocks_identity"`
				SourceYear         int
				SourceConventionID string `gorm:"size:36;index"`
				Reason             string `gorm:"size:2000"`
				Lift               string `gorm:"size:2000"`
				LiftedAt           *time.Time
				CreatedAt          time.Time
				UpdatedAt          time.Time
			}
			if err := tx.Table("financial_reports").Migrator().CreateTable(&financialReport{}); err != nil {
				return err
			}
			return tx.Table("renewal_blocks").Migrator().CreateTable(&renewalBlock{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("renewal_blocks", "financial_reports") },
	},
	{
		// §3: the collectivités' CTAI requests, their bilan, the opinion and each rule's outcome.
		ID: "2026112910_ctai_requests",
		Migrate: func(tx *gorm.DB) error {
			type ctaiRequest struct {
				ID                     string `gorm:"primaryKey;size:36"`
				WorkflowID             string `gorm:"size:160;uniqueIndex"`
				Year                   int    `gorm:"uniqueIndex:idx_ctai_requests_identity;index"`
				Kind                   string `gorm:"size:16;uniqueIndex:idx_ctai_requests_identity"`
				CollectiviteCode       string `gorm:"size:9;uniqueIndex:idx_ctai_requests_identity"`
				CollectiviteName       string `gorm:"size:300"`
				CollectiviteEmail      string `gorm:"size:254"`
				Territory              string `gorm:"size:3;index"`
				CorrespondentEmail     string `gorm:"size:254"`
				Inhabitants            int
				CIRCount               int `gorm:"column:cir_count"`
				HousingCompetent       bool
				Actions                string // JSON: title, domain, budget per action
				RequestedCents         int64
				Coordinator            string // JSON: cost and local share of the coordinator's post
				InvestmentCents        int64
				PreviousDelegatedCents int64
				Bilan                  string // JSON: per action beneficiaries by typology, expenses, reliquats, associations, objectives
				PolicyName             string `gorm:"size:16"`
				State                  string `gorm:"size:16;index"`
				Opinion                string `gorm:"size:16"`
				Outcomes               string // JSON: each rule's outcome and explanation
				OpinionAt              *time.Time
				RequestHash            string `gorm:"size:64"`
				FiledAt                time.Time
				CreatedAt              time.Time
				UpdatedAt              time.Time
			}
			return tx.Table("ctai_requests").Migrator().CreateTable(&ctaiRequest{})
		},
		Rollback: func(tx *gorm.DB) error { return tx.Migrator().DropTable("ctai_requests") },
	},
	{
		// The association's confirmation, through its link, that the accusé de réception arrived.
		ID: "2026112912_receipt_confirmation",
		Migrate: func(tx *gorm.DB) error {
			type application struct{ ReceiptConfirmedAt *time.Time }
			return tx.Table("applications").Migrator().AddColumn(&application{}, "ReceiptConfirmedAt")
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Table("applications").Migrator().DropColumn(&struct{}{}, "receipt_confirmed_at")
		},
	},
}

const migrationsTable = "schema_migrations"

func migrator(db *gorm.DB) *gormigrate.Gormigrate {
	opts := *gormigrate.DefaultOptions
	opts.TableName = migrationsTable
	opts.UseTransaction = true
	return gormigrate.New(db, &opts, migrations)
}

// Migrate applies every pending migration (`aap migrate`, and `aap dev` at start).
func Migrate(db *gorm.DB) error {
	if err := migrator(db).Migrate(); err != nil {
		return fmt.Errorf("migrate schema: %w", err)
	}
	return nil
}

// CheckSchema refuses to run on a database that `aap migrate` has not brought up to date,
// so an API or worker never writes to a schema it does not know.
func CheckSchema(db *gorm.DB) error {
	var applied []string
	if db.Migrator().HasTable(migrationsTable) {
		if err := db.Table(migrationsTable).Pluck("id", &applied).Error; err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
	}
	done := make(map[string]bool, len(applied))
	for _, id := range applied {
		done[id] = true
	}
	for _, m := range migrations {
		if !done[m.ID] {
			return fmt.Errorf("database schema is not up to date (missing %s): run `aap migrate` first", m.ID)
		}
	}
	return nil
}
