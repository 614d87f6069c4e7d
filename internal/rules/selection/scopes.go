package selection

import "github.com/dian-p104/aap/internal/rules/territory"

// TerritorySums are the retained dossiers' figures of the year's other calls of one call
// territory: a department's calls (Departmental) or a region's own calls.
type TerritorySums struct {
	Departmental bool
	Territory    string // INSEE code
	Sums
}

// ScopesOf lists the territories of a call (departmental or regional, of the INSEE code
// territoryCode) with the figures of the year's other calls (§8.1: the objectives are measured
// per call and per territory): a departmental call's department and its region with the
// region's departments; a regional call's region with its departments. A department unknown
// to the code list has no scope: the call is judged as its own territory.
func ScopesOf(departmental bool, territoryCode string, others []TerritorySums) []Scope {
	region, ok := RegionOf(departmental, territoryCode)
	if !ok {
		return nil
	}
	var scopes []Scope
	if departmental {
		scopes = append(scopes, Scope{Kind: ScopeDepartment, Code: territoryCode, Label: territory.Label(territoryCode, false)})
	}
	scopes = append(scopes, Scope{Kind: ScopeRegion, Code: region, Label: territory.Label(region, true)})
	for _, o := range others {
		rowRegion, ok := RegionOf(o.Departmental, o.Territory)
		if !ok || rowRegion != region {
			continue
		}
		for i := range scopes {
			if scopes[i].Kind == ScopeRegion || (o.Departmental && o.Territory == scopes[i].Code) {
				scopes[i].Others = scopes[i].Others.plus(o.Sums)
			}
		}
	}
	return scopes
}

// RegionOf is the region of a call's territory: the department's region, or the regional
// call's own code; false for a department unknown to the code list.
func RegionOf(departmental bool, territoryCode string) (string, bool) {
	if !departmental {
		return territoryCode, true
	}
	d, ok := territory.LookupDepartment(territoryCode)
	return d.RegionCode, ok
}

func (s Sums) plus(o Sums) Sums {
	return Sums{GrantedCents: s.GrantedCents + o.GrantedCents, EmploymentLanguageCents: s.EmploymentLanguageCents + o.EmploymentLanguageCents,
		BeneficiariesBPI: s.BeneficiariesBPI + o.BeneficiariesBPI, BeneficiariesNonBPI: s.BeneficiariesNonBPI + o.BeneficiariesNonBPI}
}
