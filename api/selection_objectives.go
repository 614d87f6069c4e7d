package api

import (
	"context"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// objectives gathers the call's territories with the figures of the year's other recorded
// selections (§8.1: the objectives are measured per call and per territory): a departmental
// call's department and its region with the region's departments; a regional call's region
// with its departments. Two selections of one territory recorded at the same instant each
// see the other's absence: the overview then shows both with the territory's true shares.
func (s *SelectionService) objectives(ctx context.Context, c *models.Campaign, themes []string, justification string) (selection.Objectives, error) {
	rows, err := s.Applications.RetainedByTerritory(ctx, c.Year, themes, c.ID)
	if err != nil {
		return selection.Objectives{}, err
	}
	region := c.Territory
	var dep *selection.Scope
	if c.Level == models.LevelDepartmental {
		d, ok := territory.LookupDepartment(c.Territory)
		if !ok {
			return selection.Objectives{Justification: justification}, nil
		}
		region = d.RegionCode
		dep = &selection.Scope{Kind: selection.ScopeDepartment, Code: d.Code, Label: territory.Label(d.Code, false)}
	}
	reg := selection.Scope{Kind: selection.ScopeRegion, Code: region, Label: territory.Label(region, true)}
	for _, r := range rows {
		rowRegion, rowDep := r.Territory, ""
		if r.Level == models.LevelDepartmental {
			d, ok := territory.LookupDepartment(r.Territory)
			if !ok {
				continue
			}
			rowRegion, rowDep = d.RegionCode, d.Code
		}
		if rowRegion == region {
			addSums(&reg.Others, r)
		}
		if dep != nil && rowDep == dep.Code {
			addSums(&dep.Others, r)
		}
	}
	o := selection.Objectives{Justification: justification}
	if dep != nil {
		o.Scopes = append(o.Scopes, *dep)
	}
	o.Scopes = append(o.Scopes, reg)
	return o, nil
}

func addSums(s *selection.Sums, r store.TerritoryRetained) {
	s.GrantedCents += r.Granted
	s.EmploymentLanguageCents += r.EmploymentLanguage
	s.BeneficiariesBPI += r.BPI
	s.BeneficiariesNonBPI += r.NonBPI
}
