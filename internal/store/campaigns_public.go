package store

import (
	"context"
	"time"

	"github.com/dian-p104/aap/models"
)

// maxPublicCalls bounds the public list of calls: a year holds at most one call per
// region and department and level, far fewer than this.
const maxPublicCalls = 1000

// OpenOrSoon returns the calls an association can answer now or soon: not cancelled,
// not closed, their closing date after now; by territory, then publication date.
func (s *Campaigns) OpenOrSoon(ctx context.Context, now time.Time) ([]models.Campaign, error) {
	var out []models.Campaign
	err := s.db.WithContext(ctx).
		Where("phase IN ? AND close_at > ?", []string{models.PhaseScheduled, models.PhasePublished}, now.UTC()).
		Order("territory, publish_at, id").Limit(maxPublicCalls).Find(&out).Error
	return out, err
}
