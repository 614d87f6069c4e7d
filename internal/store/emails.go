package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// Emails reads the outbox: who received what, when, and how delivery went.
type Emails struct{ db *gorm.DB }

// NewEmails returns the outbox queries on db.
func NewEmails(db *gorm.DB) *Emails { return &Emails{db: db} }

// EmailFilter narrows a list; zero values do not filter.
type EmailFilter struct {
	Recipient  string
	CampaignID string
	Purpose    string
	// KeyPrefix keeps the emails of one workflow: "<workflow ID>/" (a dossier's).
	KeyPrefix string
	// Scope narrows the list to the emails of the caller's calls; nil: every email.
	Scope  *Scope
	Limit  int
	Offset int
}

// List returns one page of emails, newest first, and the total matching the filter.
func (s *Emails) List(ctx context.Context, f EmailFilter) ([]models.Email, int64, error) {
	q := s.db.WithContext(ctx).Model(&models.Email{})
	if f.Recipient != "" {
		q = q.Where("recipient = ?", f.Recipient)
	}
	if f.CampaignID != "" {
		q = q.Where("campaign_id = ?", f.CampaignID)
	}
	if f.Purpose != "" {
		q = q.Where("purpose = ?", f.Purpose)
	}
	if f.KeyPrefix != "" {
		q = q.Where("substr(key, 1, ?) = ?", len(f.KeyPrefix), f.KeyPrefix)
	}
	if f.Scope != nil && !f.Scope.All {
		q = q.Where("campaign_id IN (?)", f.Scope.campaigns(s.db.Model(&models.Campaign{}).Select("id"), ""))
	}
	return page[models.Email](q, "created_at DESC, id DESC", f.Limit, f.Offset)
}

// ByKey returns the outbox row of one email or ErrNotFound.
func (s *Emails) ByKey(ctx context.Context, key string) (*models.Email, error) {
	var e models.Email
	err := s.db.WithContext(ctx).Where("key = ?", key).Take(&e).Error
	return &e, notFound(err)
}
