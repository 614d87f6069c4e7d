package api

import (
	"context"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// objectives gathers the call's territories with the figures of the year's other recorded
// selections (§8.1: the objectives are measured per call and per territory): a departmental
// call's department and its region with the region's departments; a regional call's region
// with its departments. Two selections of one territory recorded at the same instant each
// see the other's absence here: the transaction that records a selection checks it again
// with the figures then recorded (Applications.RecordSelectionWith), so the second is judged
// with the first's.
func (s *SelectionService) objectives(ctx context.Context, c *models.Campaign, themes []string, justification string) (selection.Objectives, error) {
	rows, err := s.Applications.RetainedByTerritory(ctx, c.Year, themes, c.ID)
	if err != nil {
		return selection.Objectives{}, err
	}
	return selection.Objectives{Justification: justification,
		Scopes: selection.ScopesOf(c.Level == models.LevelDepartmental, c.Territory, store.TerritorySumsOf(rows))}, nil
}
