package store

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/models"
)

// DSConnectors holds the calls' Démarches Simplifiées sources, the state of their pulls
// and the DS dossiers the rules refused.
type DSConnectors struct{ db *gorm.DB }

// NewDSConnectors returns the connector queries on db.
func NewDSConnectors(db *gorm.DB) *DSConnectors { return &DSConnectors{db: db} }

// Get returns a call's connector, or ErrNotFound when the call takes no dossier from DS.
func (s *DSConnectors) Get(ctx context.Context, campaignID string) (*models.DSConnector, error) {
	var c models.DSConnector
	err := s.db.WithContext(ctx).Where("campaign_id = ?", campaignID).Take(&c).Error
	return &c, notFound(err)
}

// SaveCursor records the position reached within a pull, after its page was filed:
// a pull interrupted resumes there.
func (s *DSConnectors) SaveCursor(ctx context.Context, campaignID, cursor string) error {
	return s.db.WithContext(ctx).Model(&models.DSConnector{}).Where("campaign_id = ?", campaignID).
		Update("cursor", cursor).Error
}

// PullSucceeded records a pull that reached the last page: the next one starts at
// updatedSince (DS's date of the last change seen), with no cursor.
func (s *DSConnectors) PullSucceeded(ctx context.Context, campaignID string, at time.Time, updatedSince *time.Time) error {
	return s.db.WithContext(ctx).Model(&models.DSConnector{}).Where("campaign_id = ?", campaignID).
		Updates(map[string]any{"cursor": "", "updated_since": updatedSince, "last_pull_at": at, "last_success_at": at,
			"last_error": "", "failures": 0}).Error
}

// PullFailed records a failed pull; its cursor and updatedSince stay, so nothing is skipped.
func (s *DSConnectors) PullFailed(ctx context.Context, campaignID string, at time.Time, reason string) error {
	if len(reason) > 2000 {
		reason = reason[:2000]
	}
	return s.db.WithContext(ctx).Model(&models.DSConnector{}).Where("campaign_id = ?", campaignID).
		Updates(map[string]any{"last_pull_at": at, "last_error": reason, "failures": gorm.Expr("failures + 1")}).Error
}

// Refuse lists a DS dossier the rules refused, with each field's error (the latest
// version of the dossier replaces the earlier).
func (s *DSConnectors) Refuse(ctx context.Context, r *models.DSRefusal) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "campaign_id"}, {Name: "ds_number"}},
		DoUpdates: clause.AssignmentColumns([]string{"errors", "deposited_at", "updated_at"}),
	}).Create(r).Error
}

// Accepted removes a DS dossier from the refused ones: a later version of it was filed.
func (s *DSConnectors) Accepted(ctx context.Context, campaignID string, number int) error {
	return s.db.WithContext(ctx).Where("campaign_id = ? AND ds_number = ?", campaignID, number).
		Delete(&models.DSRefusal{}).Error
}

// Refusals lists a call's refused DS dossiers by DS number.
func (s *DSConnectors) Refusals(ctx context.Context, campaignID string) ([]models.DSRefusal, error) {
	var out []models.DSRefusal
	err := s.db.WithContext(ctx).Where("campaign_id = ?", campaignID).Order("ds_number").Find(&out).Error
	return out, err
}

// FiledCount counts the call's dossiers that came from DS.
func (s *DSConnectors) FiledCount(ctx context.Context, campaignID string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Application{}).
		Where("campaign_id = ? AND ds_number IS NOT NULL", campaignID).Count(&n).Error
	return n, err
}
