package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// Campaigns reads and writes calls for projects.
type Campaigns struct{ db *gorm.DB }

// NewCampaigns returns the campaign queries on db.
func NewCampaigns(db *gorm.DB) *Campaigns { return &Campaigns{db: db} }

// Create stores c, unless a campaign with the same idempotency key exists: then
// it returns that one and created=false. Two concurrent requests with the same
// key end with one row: the loser's insert fails on the unique index and it
// reads the winner's row.
func (s *Campaigns) Create(ctx context.Context, c *models.Campaign) (stored *models.Campaign, created bool, err error) {
	if c.IdempotencyKey != nil {
		if existing, err := s.byIdempotencyKey(ctx, *c.IdempotencyKey); err == nil {
			return existing, false, nil
		} else if !errors.Is(err, ErrNotFound) {
			return nil, false, err
		}
	}
	insertErr := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(c).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditCampaign, c.ID, "created", nil, c)
	})
	if insertErr == nil {
		return c, true, nil
	}
	if c.IdempotencyKey != nil {
		if existing, err := s.byIdempotencyKey(ctx, *c.IdempotencyKey); err == nil {
			return existing, false, nil
		}
	}
	return nil, false, fmt.Errorf("insert campaign: %w", insertErr)
}

func (s *Campaigns) byIdempotencyKey(ctx context.Context, key string) (*models.Campaign, error) {
	var c models.Campaign
	err := s.db.WithContext(ctx).Where("idempotency_key = ?", key).Take(&c).Error
	return &c, notFound(err)
}

// Get returns one campaign or ErrNotFound.
func (s *Campaigns) Get(ctx context.Context, id string) (*models.Campaign, error) {
	var c models.Campaign
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	return &c, notFound(err)
}

// Delete removes a campaign whose workflow could not be started, so that the
// refused request leaves nothing behind.
func (s *Campaigns) Delete(ctx context.Context, id string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("campaign_id = ?", id).Delete(&models.DSConnector{}).Error; err != nil {
			return err
		}
		return deleteWithItsTrail(tx, AuditCampaign, id, &models.Campaign{})
	})
}

// CampaignFilter narrows a list; zero values do not filter.
type CampaignFilter struct {
	Year      int
	Territory string
	Phase     string
	// Scope narrows the list to the caller's area; nil: every campaign (the engine's own reads).
	Scope  *Scope
	Limit  int
	Offset int
}

// List returns one page of campaigns, newest first, and the total matching the filter.
// A call whose workflow is still to be started is not among them.
func (s *Campaigns) List(ctx context.Context, f CampaignFilter) ([]models.Campaign, int64, error) {
	q := withWorkflow(s.db.WithContext(ctx).Model(&models.Campaign{}), "")
	if f.Year != 0 {
		q = q.Where("year = ?", f.Year)
	}
	if f.Territory != "" {
		q = q.Where("territory = ?", f.Territory)
	}
	if f.Phase != "" {
		q = q.Where("phase = ?", f.Phase)
	}
	if f.Scope != nil {
		q = f.Scope.campaigns(q, "")
	}
	return page[models.Campaign](q, "created_at DESC, id", f.Limit, f.Offset)
}

// RecordPhase records that the campaign entered phase at the given instant.
// Repeating it (a retried activity) changes nothing: the first instant stays.
func (s *Campaigns) RecordPhase(ctx context.Context, id, phase string, at time.Time) error {
	// state_recorded_at moves only when the phase does: a retried write keeps the first instant.
	updates := map[string]any{"phase": phase, "updated_at": time.Now().UTC(),
		"state_recorded_at": gorm.Expr("CASE WHEN phase = ? THEN state_recorded_at ELSE ? END", phase, at.UTC())}
	switch phase {
	case models.PhasePublished:
		updates["published_at"] = gorm.Expr("COALESCE(published_at, ?)", at.UTC())
	case models.PhaseClosed:
		updates["closed_at"] = gorm.Expr("COALESCE(closed_at, ?)", at.UTC())
	}
	// A cancellation is final: a phase write that lands after it (one retried, or
	// in flight when the cancellation was recorded) leaves it in place.
	res := s.db.WithContext(ctx).Model(&models.Campaign{}).Where("id = ? AND phase <> ?", id, models.PhaseCancelled).Updates(updates)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		if _, err := s.Get(ctx, id); err != nil {
			return fmt.Errorf("campaign %s: %w", id, err)
		}
	}
	return nil
}

func notFound(err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return ErrNotFound
	}
	return err
}

// RecordCancelled records the call's cancellation, its reason and its audit entry (under
// the actor of ctx) in one transaction. The same cancellation again (a retried
// activity: same reason, same instant) is a no-op; another is ErrConflict.
func (s *Campaigns) RecordCancelled(ctx context.Context, id, reason string, at time.Time) error {
	var changed bool
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var was models.Campaign
		if err := tx.Where("id = ?", id).Take(&was).Error; err != nil {
			return notFound(err)
		}
		res := tx.Model(&models.Campaign{}).Where("id = ? AND phase <> ?", id, models.PhaseCancelled).
			Updates(map[string]any{"phase": models.PhaseCancelled, "cancel_reason": reason, "updated_at": at.UTC(), "state_recorded_at": at.UTC()})
		if res.Error != nil || res.RowsAffected != 1 {
			return res.Error
		}
		changed = true
		return recordAudit(ctx, tx, AuditCampaign, id, "cancelled",
			map[string]any{"phase": was.Phase}, map[string]any{"phase": models.PhaseCancelled, "reason": reason})
	})
	if err != nil || changed {
		return err
	}
	c, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if c.CancelReason == reason && c.UpdatedAt.Sub(at).Abs() < time.Millisecond {
		return nil // this cancellation, recorded by an earlier attempt
	}
	return fmt.Errorf("campaign %s already cancelled: %w", id, ErrConflict)
}
