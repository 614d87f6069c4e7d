package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// PendingYears returns, of years, those whose questionnaire the association may
// still answer, ascending: it is on the year's list with no answer confirmed, and
// the year's closure has not recorded its result (pne_results has a row for every
// structure of a closed year, so no row means not closed yet, whatever the date).
func (s *PNEResults) PendingYears(ctx context.Context, associationKey string, years []int) ([]int, error) {
	var out []int
	if len(years) == 0 {
		return out, nil
	}
	err := s.db.WithContext(ctx).Model(&models.PNEStructure{}).
		Where("association_key = ? AND year IN ? AND answered_at IS NULL", associationKey, years).
		Where("NOT EXISTS (SELECT 1 FROM pne_results r WHERE r.association_key = pne_structures.association_key AND r.year = pne_structures.year)").
		Order("year").Pluck("year", &out).Error
	return out, err
}

// ProvisionalPNEBlocks returns the PNE blocks still provisional (not lifted) of the
// associations on year's list: those the year's closure rechecks, oldest first.
func (s *FinancialReports) ProvisionalPNEBlocks(ctx context.Context, year int) ([]models.RenewalBlock, error) {
	var out []models.RenewalBlock
	err := s.db.WithContext(ctx).
		Where("rule = ? AND provisional = ? AND lifted_at IS NULL", models.BlockPNE, true).
		Where("association_key IN (?)", s.db.Model(&models.PNEStructure{}).Select("association_key").Where("year = ?", year)).
		Order("id").Find(&out).Error
	return out, err
}

// Recheck outcomes of a provisional block at the PNE's closure.
const (
	// RecheckConfirmed: the association did not answer in time; the block is final.
	RecheckConfirmed = "confirmed"
	// RecheckLifted: the association answered before the closure; the block is lifted.
	RecheckLifted = "lifted"
)

// SettleProvisional records the closure's recheck of a provisional block (at):
// confirmed (final, with the closed year's reason) or lifted. It writes only a
// block still provisional and answers whether it did, with its audit entry
// (renewal_block_confirmed or renewal_block_lifted) in the same transaction.
func (s *FinancialReports) SettleProvisional(ctx context.Context, id uint64, outcome, reason string, at time.Time) (bool, error) {
	fields := map[string]any{"provisional": false, "rechecked_at": at.UTC(), "updated_at": time.Now().UTC()}
	switch outcome {
	case RecheckConfirmed:
		fields["reason"] = reason
	case RecheckLifted:
		fields["lifted_at"] = at.UTC()
	default:
		return false, fmt.Errorf("renewal block %d: unknown recheck outcome %q", id, outcome)
	}
	settled := false
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var b models.RenewalBlock
		if err := tx.Where("id = ?", id).Take(&b).Error; err != nil {
			return notFound(err)
		}
		res := tx.Model(&models.RenewalBlock{}).Where("id = ? AND provisional = ? AND lifted_at IS NULL", id, true).Updates(fields)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		settled = true
		return recordAudit(ctx, tx, AuditApplication, b.ApplicationID, "renewal_block_"+outcome,
			map[string]any{"rule": b.Rule, "source": b.Source, "provisional": true},
			map[string]any{"rule": b.Rule, "source": b.Source, "provisional": false, "outcome": outcome, "rechecked_at": at.UTC()})
	})
	return settled, err
}
