package models

import (
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// FinancialReport is the compte-rendu financier (Cerfa n° 15059*02) a signed
// convention's association owes within months after the subsidy's fiscal year
// (§8.4): one for an annual convention, one per yearly tranche of a CPO (§8.2). The row is written when the convention's workflow starts waiting for
// it (or when it arrives first); ReceivedAt is set once it is received, Overdue
// once the last reminder has passed without it: the history the renewal reads.
type FinancialReport struct {
	ID           uint64 `gorm:"primaryKey" json:"-"`
	ConventionID string `gorm:"size:36;uniqueIndex:idx_financial_reports_tranche" json:"convention_id"`
	// ConventionReference is the convention's number ("CONV-2027-69-…"), for the messages.
	ConventionReference string `gorm:"size:40" json:"convention_reference"`
	ApplicationID       string `gorm:"size:36;index" json:"application_id"`
	AssociationKey      string `gorm:"size:32;index" json:"-"`
	// FiscalYear is the subsidy's year the report accounts for (a CPO: the tranche's year).
	FiscalYear int `gorm:"uniqueIndex:idx_financial_reports_tranche" json:"fiscal_year"`
	// Tranche is the tranche's number in a CPO (1, 2, 3); 0 for an annual convention.
	Tranche int `gorm:"not null;default:0" json:"tranche,omitempty"`
	// AmountCents is the subsidy the report accounts for: the amount granted, or the tranche's.
	AmountCents int64 `gorm:"not null;default:0" json:"amount_cents"`
	// DueAt is the end of the last day to send it (Europe/Paris).
	DueAt time.Time `json:"due_at"`
	// ReceivedAt, SpentCents, SubsidyUsedCents and DocumentReference: the report as received.
	ReceivedAt        *time.Time `json:"received_at,omitempty"`
	SpentCents        int64      `json:"spent_cents"`
	SubsidyUsedCents  int64      `json:"subsidy_used_cents"`
	DocumentReference string     `gorm:"size:200" json:"document_reference,omitempty"`
	// Overdue: still missing after the last reminder (OverdueAt); stays true once received late.
	Overdue   bool       `gorm:"index" json:"overdue"`
	OverdueAt *time.Time `json:"overdue_at,omitempty"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Renewal block rules.
const (
	// BlockPNE: the association missed the PNE questionnaires the selection rule counts (§8.4).
	BlockPNE = "pne_missed"
	// BlockFinancialReport: a compte-rendu financier is overdue and not received (§8.4).
	BlockFinancialReport = "financial_report_missing"
)

// RenewalBlock records why a new dossier of an association that was funded
// before cannot be retained, where the rule's facts come from (a PNE year, a
// convention) and, once they change, when the block was lifted.
type RenewalBlock struct {
	ID             uint64 `gorm:"primaryKey" json:"-"`
	ApplicationID  string `gorm:"size:36;uniqueIndex:idx_renewal_blocks_identity" json:"application_id"`
	AssociationKey string `gorm:"size:32;index" json:"-"`
	Rule           string `gorm:"size:32;uniqueIndex:idx_renewal_blocks_identity" json:"rule"`
	// Source is "pne:<year>", "convention:<id>" (an annual convention's report) or
	// "convention:<id>/<year>" (a CPO tranche's report): what the block rests on.
	Source             string     `gorm:"size:64;uniqueIndex:idx_renewal_blocks_identity" json:"source"`
	SourceYear         int        `json:"source_year"`
	SourceConventionID string     `gorm:"size:36;index" json:"source_convention_id,omitempty"`
	Reason             string     `gorm:"size:2000" json:"reason"`
	Lift               string     `gorm:"size:2000" json:"lift"`
	LiftedAt           *time.Time `json:"lifted_at,omitempty"`
	// Provisional: a PNE block that rests on a questionnaire not closed yet, which
	// the association may still answer; the closure rechecks it (§8.4: the
	// questionnaire sent in March closes on 31 May). ReviewAt is that closure
	// (nil when the policy gives no date), RecheckedAt when the closure confirmed
	// the block (Provisional then false) or lifted it (LiftedAt set too).
	Provisional bool       `gorm:"not null;default:false" json:"provisional"`
	ReviewAt    *time.Time `json:"review_at,omitempty"`
	RecheckedAt *time.Time `json:"rechecked_at,omitempty"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
}

// ProvisionalNote names a provisional block to its readers (pages, emails):
// « blocage provisoire, revu à la clôture du PNE le 31 mai 2027 »; "" when final.
func (b RenewalBlock) ProvisionalNote() string {
	switch {
	case !b.Provisional:
		return ""
	case b.ReviewAt == nil:
		return "blocage provisoire, revu à la clôture du PNE"
	}
	return "blocage provisoire, revu à la clôture du PNE le " + french.Date(*b.ReviewAt)
}

// BlocksInForce tells whether any of a dossier's blocks is in force (not lifted):
// final, or provisional only. A provisional block is not counted as final: the
// association may still answer the questionnaire before its closure (§8.4).
func BlocksInForce(blocks []RenewalBlock) (final, provisional bool) {
	for _, b := range blocks {
		switch {
		case b.LiftedAt != nil:
		case b.Provisional:
			provisional = true
		default:
			final = true
		}
	}
	return final, provisional
}

// ReportSource is the renewal block's Source for a convention's compte-rendu
// financier: the convention, and the tranche's year for a CPO.
func ReportSource(r FinancialReport) string {
	if r.Tranche == 0 {
		return "convention:" + r.ConventionID
	}
	return fmt.Sprintf("convention:%s/%d", r.ConventionID, r.FiscalYear)
}
