package store

import (
	"time"

	"github.com/go-gormigrate/gormigrate/v2"
	"gorm.io/gorm"
)

// followUpMigrations come after: the PNE list, accounts and tokens, controls,
// financial reports, CTAI requests, then the columns added since. A new
// migration goes at the end of this list.
var followUpMigrations = []*gormigrate.Migration{
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
	{
		// The start intent of a dossier's workflow, in the dossier's own row (see Applications.StartPending).
		ID: "2026120601_application_workflow_pending",
		Migrate: func(tx *gorm.DB) error {
			type application struct {
				WorkflowPending bool `gorm:"not null;default:false;index"`
			}
			return tx.Table("applications").Migrator().AddColumn(&application{}, "WorkflowPending")
		},
		Rollback: func(tx *gorm.DB) error {
			return tx.Table("applications").Migrator().DropColumn(&struct{}{}, "workflow_pending")
		},
	},
	filingMigration, // migrations_filing.go
	{
		// §3.4: the engine proposes an opinion with its coherence figures; a DIAN
		// agent records the opinion. Requests evaluated before keep their opinion,
		// which is also their proposal.
		ID: "2026120611_ctai_decision",
		Migrate: func(tx *gorm.DB) error {
			type ctaiRequest struct {
				ProposedOpinion string `gorm:"size:16"`
				Coherence       string // JSON: the coherence figures of the proposal
				ProposedAt      *time.Time
				DelegatedCents  int64  `gorm:"not null;default:0"`
				Motivation      string `gorm:"size:4000"`
				DecidedBy       string `gorm:"size:200"`
			}
			m := tx.Table("ctai_requests").Migrator()
			for _, col := range []string{"ProposedOpinion", "Coherence", "ProposedAt", "DelegatedCents", "Motivation", "DecidedBy"} {
				if err := m.AddColumn(&ctaiRequest{}, col); err != nil {
					return err
				}
			}
			return tx.Exec("UPDATE ctai_requests SET proposed_opinion = opinion, proposed_at = opinion_at WHERE opinion <> ''").Error
		},
		Rollback: func(tx *gorm.DB) error {
			for _, col := range []string{"proposed_opinion", "coherence", "proposed_at", "delegated_cents", "motivation", "decided_by"} {
				if err := tx.Table("ctai_requests").Migrator().DropColumn(&struct{}{}, col); err != nil {
					return err
				}
			}
			return nil
		},
	},
	{
		// The start intent of a call's and of a CTAI request's workflow, in their own rows
		// (see Campaigns.StartPending, CTAIRequests.StartPending), as for the dossiers.
		ID: "2026120610_campaign_ctai_workflow_pending",
		Migrate: func(tx *gorm.DB) error {
			type pending struct {
				WorkflowPending bool `gorm:"not null;default:false;index"`
			}
			for _, table := range []string{"campaigns", "ctai_requests"} {
				if err := tx.Table(table).Migrator().AddColumn(&pending{}, "WorkflowPending"); err != nil {
					return err
				}
			}
			return nil
		},
		Rollback: func(tx *gorm.DB) error {
			for _, table := range []string{"campaigns", "ctai_requests"} {
				if err := tx.Table(table).Migrator().DropColumn(&struct{}{}, "workflow_pending"); err != nil {
					return err
				}
			}
			return nil
		},
	},
}
