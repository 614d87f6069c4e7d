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
	if err := s.db.WithContext(ctx).Create(t).Error; err != nil {
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
	res := s.db.WithContext(ctx).Model(&models.APIToken{}).Where("id = ?", id).
		Update("revoked_at", gorm.Expr("COALESCE(revoked_at, ?)", at.UTC()))
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("token %d: %w", id, ErrNotFound)
	}
	return nil
}

// Touch records when a token was last used (at most once a minute per token, so
// reads do not turn into a write each).
func (s *Tokens) Touch(ctx context.Context, id uint64, at time.Time) error {
	return s.db.WithContext(ctx).Model(&models.APIToken{}).
		Where("id = ? AND (last_used_at IS NULL OR last_used_at < ?)", id, at.Add(-time.Minute).UTC()).
		Update("last_used_at", at.UTC()).Error
}
