package store

import (
	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// Scope is the part of the country a caller may see: everything (DIAN), or
// regional calls of some regions and departmental calls of some departments.
// The zero Scope sees nothing.
type Scope struct {
	All         bool
	Regions     []string
	Departments []string
}

// Everything is DIAN's scope (and the workflows').
var Everything = Scope{All: true}

// Covers reports whether a call of this level and territory is inside the scope.
func (s Scope) Covers(level, territory string) bool {
	if s.All {
		return true
	}
	codes := s.Departments
	if level == models.LevelRegional {
		codes = s.Regions
	}
	for _, c := range codes {
		if c == territory {
			return true
		}
	}
	return false
}

// CoversPlace reports whether a place of this region and department (either may be
// empty) is inside the scope: its region's or its department's. A regional call's
// control, a CTAI, a PNE structure: the region's correspondent and the department's
// both reach them.
func (s Scope) CoversPlace(region, department string) bool {
	return s.Covers(models.LevelRegional, region) || s.Covers(models.LevelDepartmental, department)
}

// campaigns narrows a query on campaigns (columns level, territory) to the scope.
func (s Scope) campaigns(q *gorm.DB, table string) *gorm.DB {
	if s.All {
		return q
	}
	return q.Where("(("+table+"level = ? AND "+table+"territory IN ?) OR ("+table+"level = ? AND "+table+"territory IN ?))",
		models.LevelRegional, nonEmpty(s.Regions), models.LevelDepartmental, nonEmpty(s.Departments))
}

// structures narrows a query on PNE structures (columns region, department): a
// region's correspondent sees its region's structures, a department's its own.
func (s Scope) structures(q *gorm.DB) *gorm.DB {
	if s.All {
		return q
	}
	return q.Where("(region IN ? OR department IN ?)", nonEmpty(s.Regions), nonEmpty(s.Departments))
}

// nonEmpty keeps "IN ?" valid SQL: an empty list matches no code.
func nonEmpty(codes []string) []string {
	if len(codes) == 0 {
		return []string{"-"}
	}
	return codes
}
