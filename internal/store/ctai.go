package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/models"
)

// CTAIRequests reads and writes the collectivités' CTAI requests (§3).
type CTAIRequests struct{ db *gorm.DB }

// NewCTAIRequests returns the CTAI request queries on db.
func NewCTAIRequests(db *gorm.DB) *CTAIRequests { return &CTAIRequests{db: db} }

// Create stores r, unless the collectivité already filed a request of that
// kind for that year: then it returns that one and created=false. Two
// concurrent filings end with one row (the unique index on year, kind, code).
func (s *CTAIRequests) Create(ctx context.Context, r *models.CTAIRequest) (stored *models.CTAIRequest, created bool, err error) {
	if existing, err := s.byIdentity(ctx, r.Year, r.Kind, r.CollectiviteCode); err == nil {
		return existing, false, nil
	} else if err != ErrNotFound {
		return nil, false, err
	}
	insertErr := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditCTAIRequest, r.ID, "filed", nil,
			map[string]any{"year": r.Year, "kind": r.Kind, "collectivite_code": r.CollectiviteCode, "requested_cents": r.RequestedCents})
	})
	if insertErr == nil {
		return r, true, nil
	}
	if existing, err := s.byIdentity(ctx, r.Year, r.Kind, r.CollectiviteCode); err == nil {
		return existing, false, nil
	}
	return nil, false, fmt.Errorf("insert CTAI request: %w", insertErr)
}

func (s *CTAIRequests) byIdentity(ctx context.Context, year int, kind, code string) (*models.CTAIRequest, error) {
	var r models.CTAIRequest
	err := s.db.WithContext(ctx).Where("year = ? AND kind = ? AND collectivite_code = ?", year, kind, code).Take(&r).Error
	return &r, notFound(err)
}

// Get returns one request or ErrNotFound.
func (s *CTAIRequests) Get(ctx context.Context, id string) (*models.CTAIRequest, error) {
	var r models.CTAIRequest
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return nil, fmt.Errorf("CTAI request %s: %w", id, ErrNotFound)
	}
	return &r, err
}

// Delete removes a request whose workflow could not be started, so that the
// refused filing leaves nothing behind.
func (s *CTAIRequests) Delete(ctx context.Context, id string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return deleteWithItsTrail(tx, AuditCTAIRequest, id, &models.CTAIRequest{})
	})
}

// RecordOpinion records the opinion and each rule's outcome. Recording it
// again (a retried activity) writes the same values; the first date stays.
func (s *CTAIRequests) RecordOpinion(ctx context.Context, id string, ev ctai.Evaluation, at time.Time) error {
	r, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	when := at.UTC()
	if r.OpinionAt != nil {
		when = *r.OpinionAt
	}
	if r.OpinionAt != nil && r.Opinion == ev.Opinion {
		return nil // recorded already (a retried activity)
	}
	before := map[string]any{"state": r.State, "opinion": r.Opinion}
	r.Opinion, r.Outcomes, r.OpinionAt, r.State = ev.Opinion, ev.Outcomes, &when, models.CTAIReviewed
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Model(r).Select("opinion", "outcomes", "opinion_at", "state", "updated_at").Updates(r).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditCTAIRequest, r.ID, "opinion_recorded", before,
			map[string]any{"state": r.State, "opinion": r.Opinion})
	})
}

// ListYear returns the requests of a year by territory, collectivité and kind.
func (s *CTAIRequests) ListYear(ctx context.Context, year int) ([]models.CTAIRequest, error) {
	var rows []models.CTAIRequest
	err := s.db.WithContext(ctx).Where("year = ?", year).Order("territory, collectivite_name, kind, id").Find(&rows).Error
	return rows, err
}
