package store

import (
	"fmt"
	"strings"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/models"
)

// EnvelopeExceededError refuses a favourable opinion without motivation that
// would pass the year's national CTAI envelope, with the envelope's figures
// read in the refusing transaction (after any opinion recorded meanwhile).
type EnvelopeExceededError struct {
	// UsedCents is what the year's other favourable opinions delegated.
	UsedCents, DelegatedCents, EnvelopeCents int64
}

func (e *EnvelopeExceededError) Error() string {
	return fmt.Sprintf("CTAI envelope: %s used + %s delegated > %s", french.Euros(e.UsedCents),
		french.Euros(e.DelegatedCents), french.Euros(e.EnvelopeCents))
}

// ctaiEnvelope is the year's row of what the favourable opinions delegated
// (migration 2026120830_ctai_envelopes).
type ctaiEnvelope struct {
	Year      int `gorm:"primaryKey;autoIncrement:false"`
	UsedCents int64
}

func (ctaiEnvelope) TableName() string { return "ctai_envelopes" }

// useEnvelope adds a favourable opinion's amount to the year's envelope row,
// unless it would pass a set envelope without a motivation: then it returns an
// *EnvelopeExceededError and adds nothing. The conditional UPDATE holds the
// row's lock until the transaction ends (PostgreSQL), and SQLite's
// transactions are immediate: a concurrent opinion waits and sees this one.
func useEnvelope(tx *gorm.DB, year int, requestID string, d ctai.Decision, envelopeCents int64) error {
	if err := createEnvelope(tx, year, requestID); err != nil {
		return err
	}
	q := tx.Model(&ctaiEnvelope{}).Where("year = ?", year)
	if envelopeCents > 0 && strings.TrimSpace(d.Motivation) == "" {
		q = q.Where("used_cents + ? <= ?", d.DelegatedCents, envelopeCents)
	}
	res := q.Update("used_cents", gorm.Expr("used_cents + ?", d.DelegatedCents))
	if res.Error != nil || res.RowsAffected == 1 {
		return res.Error
	}
	var env ctaiEnvelope
	if err := tx.Where("year = ?", year).Take(&env).Error; err != nil {
		return err
	}
	return &EnvelopeExceededError{UsedCents: env.UsedCents, DelegatedCents: d.DelegatedCents, EnvelopeCents: envelopeCents}
}

// createEnvelope creates the year's row, on its first opinion, from the
// favourable opinions already recorded but requestID's (being recorded): none
// but those decided before the row existed. A concurrent creation waits for
// the first and does nothing.
func createEnvelope(tx *gorm.DB, year int, requestID string) error {
	var used int64
	if err := tx.Model(&models.CTAIRequest{}).
		Where("year = ? AND state = ? AND opinion = ? AND id <> ?", year, models.CTAIReviewed, ctai.OpinionFavourable, requestID).
		Select("COALESCE(SUM(delegated_cents), 0)").Scan(&used).Error; err != nil {
		return err
	}
	return tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&ctaiEnvelope{Year: year, UsedCents: used}).Error
}
