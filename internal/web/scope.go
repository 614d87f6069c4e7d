package web

import (
	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// narrow keeps of an overview what a correspondent may see: its region (with
// its departments) or its department, in place of the nation, and the overdue
// items there. The figures of other territories are dropped, not hidden.
func narrow(ov *overview.Overview, level, code string) {
	empty := overview.Area{Code: code, Figures: overview.Figures{}, Shares: overview.Shares{
		EmploymentLanguageTarget: ov.National.Shares.EmploymentLanguageTarget,
		NonBPITarget:             ov.National.Shares.NonBPITarget, PNETarget: ov.National.Shares.PNETarget}}
	var mine overview.Area
	found := false
	region := code
	if level == models.LevelDepartmental {
		if d, ok := territory.LookupDepartment(code); ok {
			region, empty.Name = d.RegionCode, d.Name
		}
	} else if r, ok := territory.LookupRegion(code); ok {
		empty.Name = r.Name
	}
	for _, r := range ov.Regions {
		if r.Code != region {
			continue
		}
		if level == models.LevelRegional {
			mine, found = r, true
		}
		for _, d := range r.Departments {
			if level == models.LevelDepartmental && d.Code == code {
				mine, found = d, true
			}
		}
	}
	if !found {
		mine = empty
	}
	ov.National = mine
	ov.Regions = nil
	if found {
		ov.Regions = []overview.Area{mine}
	}
	kept := ov.Overdue[:0]
	for _, o := range ov.Overdue {
		if (level == models.LevelRegional && o.Region == code) ||
			(level == models.LevelDepartmental && o.Department == code) {
			kept = append(kept, o)
		}
	}
	ov.Overdue = kept
	mineOnly := func(region, department string) bool {
		return (level == models.LevelRegional && region == code) || (level == models.LevelDepartmental && department == code)
	}
	devs := ov.Deviations[:0]
	for _, d := range ov.Deviations {
		if mineOnly(d.Region, d.Department) {
			devs = append(devs, d)
		}
	}
	ov.Deviations = devs
	flags := ov.TerritoriesFlagged[:0]
	for _, f := range ov.TerritoriesFlagged {
		if mineOnly(f.Region, f.Department) {
			flags = append(flags, f)
		}
	}
	ov.TerritoriesFlagged = flags
}
