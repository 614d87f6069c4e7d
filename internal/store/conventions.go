package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/models"
)

// Conventions reads and writes subsidy agreements.
type Conventions struct{ db *gorm.DB }

// NewConventions returns the convention queries on db.
func NewConventions(db *gorm.DB) *Conventions { return &Conventions{db: db} }

// Ensure stores the dossier's convention unless it has one, and returns the stored one:
// a retried activity finds the first.
func (s *Conventions) Ensure(ctx context.Context, c *models.Convention) (*models.Convention, error) {
	db := s.db.WithContext(ctx)
	if err := db.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "application_id"}}, DoNothing: true}).Create(c).Error; err != nil {
		return nil, fmt.Errorf("insert convention: %w", err)
	}
	return s.ByApplication(ctx, c.ApplicationID)
}

// Get returns one convention or ErrNotFound.
func (s *Conventions) Get(ctx context.Context, id string) (*models.Convention, error) {
	var c models.Convention
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	return &c, notFound(err)
}

// ByApplication returns a dossier's convention or ErrNotFound.
func (s *Conventions) ByApplication(ctx context.Context, applicationID string) (*models.Convention, error) {
	var c models.Convention
	err := s.db.WithContext(ctx).Where("application_id = ?", applicationID).Take(&c).Error
	return &c, notFound(err)
}

// RecordSigned records the signature, and its audit entry under the actor of
// ctx, in one transaction, only while the convention awaits it. The same
// signature again (a retried activity: same signer, same instant) is a no-op;
// any other once the convention has left that state is ErrConflict.
func (s *Conventions) RecordSigned(ctx context.Context, id, signedBy string, at time.Time) error {
	changed, err := s.transition(ctx, id, map[string]any{"state": models.ConventionSigned, "signed_by": signedBy, "signed_at": at.UTC()})
	if err != nil || changed {
		return err
	}
	c, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if c.State == models.ConventionSigned && c.SignedBy == signedBy && c.SignedAt != nil && c.SignedAt.Sub(at).Abs() < time.Millisecond {
		return nil
	}
	return fmt.Errorf("convention %s is %s: %w", id, c.State, ErrConflict)
}

// RecordLapsed records that the convention lapsed unsigned; a second call is a no-op.
func (s *Conventions) RecordLapsed(ctx context.Context, id string, at time.Time) error {
	changed, err := s.transition(ctx, id, map[string]any{"state": models.ConventionLapsed, "lapsed_at": at.UTC()})
	if err != nil || changed {
		return err
	}
	_, err = s.Get(ctx, id)
	return err // already signed or lapsed: the first outcome stands
}

// transition leaves a convention awaiting signature (UPDATE … WHERE state =
// awaiting, rows affected) and records it in the audit trail in the same
// transaction; it reports whether this call made the change.
func (s *Conventions) transition(ctx context.Context, id string, updates map[string]any) (bool, error) {
	var changed bool
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.Convention{}).
			Where("id = ? AND state = ?", id, models.ConventionAwaitingSignature).Updates(updates)
		if res.Error != nil || res.RowsAffected != 1 {
			return res.Error
		}
		changed = true
		return recordAudit(ctx, tx, AuditConvention, id, "state_"+fmt.Sprint(updates["state"]),
			map[string]any{"state": models.ConventionAwaitingSignature}, updates)
	})
	return changed, err
}

// CancelUnsigned marks a dossier's convention cancelled unless it was signed; no convention is fine.
func (s *Conventions) CancelUnsigned(ctx context.Context, applicationID string) error {
	return s.db.WithContext(ctx).Model(&models.Convention{}).
		Where("application_id = ? AND state = ?", applicationID, models.ConventionAwaitingSignature).
		Update("state", models.ConventionCancelled).Error
}

// SignedInCampaign counts the call's signed conventions.
func (s *Conventions) SignedInCampaign(ctx context.Context, campaignID string) (int64, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Convention{}).
		Where("campaign_id = ? AND state = ?", campaignID, models.ConventionSigned).Count(&n).Error
	return n, err
}
