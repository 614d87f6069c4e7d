package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// Tokens reads and writes the API's bearer tokens (hashes only).
type Tokens struct{ db *gorm.DB }

// NewTokens returns the token queries on db.
func NewTokens(db *gorm.DB) *Tokens { return &Tokens{db: db} }

// Create stores a new token.
func (s *Tokens) Create(ctx context.Context, t *models.APIToken) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(t).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditToken, fmt.Sprint(t.ID), "created", nil, t) // the hash is not serialized
	})
	if err != nil {
		return fmt.Errorf("insert token: %w", err)
	}
	return nil
}

// ByHash returns the token whose secret hashes to hash, or ErrNotFound.
func (s *Tokens) ByHash(ctx context.Context, hash string) (*models.APIToken, error) {
	var t models.APIToken
	err := s.db.WithContext(ctx).Where("hash = ?", hash).Take(&t).Error
	return &t, notFound(err)
}

// List returns every token, oldest first.
func (s *Tokens) List(ctx context.Context) ([]models.APIToken, error) {
	var out []models.APIToken
	err := s.db.WithContext(ctx).Order("id").Find(&out).Error
	return out, err
}

// Revoke marks a token revoked at the given instant; revoking again keeps the first instant.
func (s *Tokens) Revoke(ctx context.Context, id uint64, at time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.APIToken{}).Where("id = ? AND revoked_at IS NULL", id).Update("revoked_at", at.UTC())
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			var n int64
			if err := tx.Model(&models.APIToken{}).Where("id = ?", id).Count(&n).Error; err != nil || n > 0 {
				return err // already revoked: the first instant stands
			}
			return fmt.Errorf("token %d: %w", id, ErrNotFound)
		}
		return recordAudit(ctx, tx, AuditToken, fmt.Sprint(id), "revoked", nil, map[string]any{"revoked_at": at.UTC()})
	})
}

// Touch records when a token was last used, unless another request recorded a use
// less than every ago (at most one write per token and span, so that reads do not
// turn into a write each, even when several replicas read the same stale row).
func (s *Tokens) Touch(ctx context.Context, id uint64, at time.Time, every time.Duration) error {
	return s.db.WithContext(ctx).Model(&models.APIToken{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at <= ?)", id, at.Add(-every).UTC()).
		Update("last_used_at", at.UTC()).Error
}
