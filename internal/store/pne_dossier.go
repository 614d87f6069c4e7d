package store

import (
	"context"

	"github.com/dian-p104/aap/models"
)

// OfAssociation returns the association's row in a year's PNE list (§8.4: the
// structures funded the year before), or ErrNotFound when it is not on it.
func (s *PNEStructures) OfAssociation(ctx context.Context, year int, associationKey string) (*models.PNEStructure, error) {
	var row models.PNEStructure
	err := s.db.WithContext(ctx).Where("year = ? AND association_key = ?", year, associationKey).Take(&row).Error
	return &row, notFound(err)
}
