package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/models"
)

// ErrReportDiffers: a compte-rendu financier was already received for the
// convention, with other figures; the first one stands.
var ErrReportDiffers = errors.New("financial report already received with other figures")

// FinancialReports reads and writes the comptes-rendus financiers (§8.4) and the renewal blocks.
type FinancialReports struct{ db *gorm.DB }

// NewFinancialReports returns the financial report queries on db.
func NewFinancialReports(db *gorm.DB) *FinancialReports { return &FinancialReports{db: db} }

// Expect stores the report a convention owes for its year (a CPO: one per tranche)
// unless it is already stored, and returns the stored row.
func (s *FinancialReports) Expect(ctx context.Context, r *models.FinancialReport) (*models.FinancialReport, error) {
	return expectReport(s.db.WithContext(ctx), r)
}

func expectReport(db *gorm.DB, r *models.FinancialReport) (*models.FinancialReport, error) {
	if err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "convention_id"}, {Name: "fiscal_year"}}, DoNothing: true}).Create(r).Error; err != nil {
		return nil, fmt.Errorf("insert financial report: %w", err)
	}
	var stored models.FinancialReport
	err := db.Where("convention_id = ? AND fiscal_year = ?", r.ConventionID, r.FiscalYear).Take(&stored).Error
	return &stored, notFound(err)
}

// ByConvention returns a convention's report of year (a CPO: the tranche's) or ErrNotFound.
func (s *FinancialReports) ByConvention(ctx context.Context, conventionID string, year int) (*models.FinancialReport, error) {
	var r models.FinancialReport
	err := s.db.WithContext(ctx).Where("convention_id = ? AND fiscal_year = ?", conventionID, year).Take(&r).Error
	return &r, notFound(err)
}

// OfConvention returns a convention's reports, expected or received, oldest year first.
func (s *FinancialReports) OfConvention(ctx context.Context, conventionID string) ([]models.FinancialReport, error) {
	var out []models.FinancialReport
	err := s.db.WithContext(ctx).Where("convention_id = ?", conventionID).Order("fiscal_year").Find(&out).Error
	return out, err
}

// Receipt is a compte-rendu financier as the association sends it.
type Receipt struct {
	At                time.Time
	SpentCents        int64
	SubsidyUsedCents  int64
	DocumentReference string
}

// Receive records the report (expected is the row to create if none is stored
// yet) and lifts the renewal blocks it was the source of, in one transaction.
// Sending the same figures again changes nothing and answers the stored report
// (first=false); other figures after the first are ErrReportDiffers.
func (s *FinancialReports) Receive(ctx context.Context, expected *models.FinancialReport, in Receipt) (report *models.FinancialReport, first bool, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		stored, err := expectReport(tx, expected)
		if err != nil {
			return err
		}
		if stored.ReceivedAt != nil {
			report = stored
			if stored.SpentCents != in.SpentCents || stored.SubsidyUsedCents != in.SubsidyUsedCents || stored.DocumentReference != in.DocumentReference {
				return ErrReportDiffers
			}
			return nil
		}
		at := in.At.UTC()
		res := tx.Model(&models.FinancialReport{}).Where("id = ? AND received_at IS NULL", stored.ID).Updates(map[string]any{
			"received_at": at, "spent_cents": in.SpentCents, "subsidy_used_cents": in.SubsidyUsedCents,
			"document_reference": in.DocumentReference,
		})
		if res.Error != nil {
			return res.Error
		}
		first = res.RowsAffected == 1
		if !first {
			// Another report was received meanwhile: it stands; this one is it again or differs.
			if err := tx.Where("id = ?", stored.ID).Take(stored).Error; err != nil {
				return err
			}
			report = stored
			if stored.SpentCents != in.SpentCents || stored.SubsidyUsedCents != in.SubsidyUsedCents || stored.DocumentReference != in.DocumentReference {
				return ErrReportDiffers
			}
			return nil
		}
		if err := recordAudit(ctx, tx, AuditConvention, stored.ConventionID, "financial_report_received", nil, map[string]any{
			"fiscal_year": stored.FiscalYear, "tranche": stored.Tranche, "spent_cents": in.SpentCents, "subsidy_used_cents": in.SubsidyUsedCents, "document_reference": in.DocumentReference,
		}); err != nil {
			return err
		}
		// A CPO's tranche lifts only its own blocks: another tranche's report still missing keeps its.
		lifted := tx.Model(&models.RenewalBlock{}).
			Where("source_convention_id = ? AND source_year = ? AND rule = ? AND lifted_at IS NULL",
				stored.ConventionID, stored.FiscalYear, models.BlockFinancialReport).
			Update("lifted_at", at)
		if lifted.Error != nil {
			return lifted.Error
		}
		if lifted.RowsAffected > 0 {
			if err := recordAudit(ctx, tx, AuditConvention, stored.ConventionID, "renewal_blocks_lifted", nil,
				map[string]any{"fiscal_year": stored.FiscalYear, "renewal_blocks": lifted.RowsAffected}); err != nil {
				return err
			}
		}
		report = &models.FinancialReport{}
		return tx.Where("id = ?", stored.ID).Take(report).Error
	})
	return report, first, err
}

// RecordMissing marks the convention's report of year (a CPO: the tranche's)
// overdue unless it was received; it answers whether the report is missing.
func (s *FinancialReports) RecordMissing(ctx context.Context, conventionID string, year int, at time.Time) (bool, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.FinancialReport{}).
			Where("convention_id = ? AND fiscal_year = ? AND received_at IS NULL AND overdue = ?", conventionID, year, false).
			Updates(map[string]any{"overdue": true, "overdue_at": at.UTC()})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return recordAudit(ctx, tx, AuditConvention, conventionID, "financial_report_missing", nil,
			map[string]any{"fiscal_year": year, "overdue_at": at.UTC()})
	})
	if err != nil {
		return false, err
	}
	r, err := s.ByConvention(ctx, conventionID, year)
	if err != nil {
		return false, err
	}
	return r.ReceivedAt == nil, nil
}

// Missing returns, for each association, its reports overdue and not received, oldest due first.
// The keys are read keysPerQuery at a time (a call's selection asks about all its associations).
func (s *FinancialReports) Missing(ctx context.Context, associationKeys []string) (map[string][]models.FinancialReport, error) {
	out := map[string][]models.FinancialReport{}
	rows, err := findByAssociationKeys[models.FinancialReport](s.db.WithContext(ctx).
		Where("overdue = ? AND received_at IS NULL", true).Order("due_at, id"), associationKeys)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.AssociationKey] = append(out[r.AssociationKey], r)
	}
	return out, nil
}

// Block records a renewal block unless the same (dossier, rule, source) is
// recorded; it answers the stored block.
func (s *FinancialReports) Block(ctx context.Context, b *models.RenewalBlock) (*models.RenewalBlock, error) {
	db := s.db.WithContext(ctx)
	err := db.Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "application_id"}, {Name: "rule"}, {Name: "source"}}, DoNothing: true}).Create(b)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return recordAudit(ctx, tx, AuditApplication, b.ApplicationID, "renewal_blocked", nil, map[string]any{"rule": b.Rule, "source": b.Source, "provisional": b.Provisional})
	})
	if err != nil {
		return nil, fmt.Errorf("insert renewal block: %w", err)
	}
	var stored models.RenewalBlock
	err = db.Where("application_id = ? AND rule = ? AND source = ?", b.ApplicationID, b.Rule, b.Source).Take(&stored).Error
	return &stored, notFound(err)
}

// Blocks returns a dossier's renewal blocks, lifted ones included, oldest first.
func (s *FinancialReports) Blocks(ctx context.Context, applicationID string) ([]models.RenewalBlock, error) {
	var out []models.RenewalBlock
	err := s.db.WithContext(ctx).Where("application_id = ?", applicationID).Order("created_at, id").Find(&out).Error
	return out, err
}
