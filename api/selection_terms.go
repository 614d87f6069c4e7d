package api

import (
	"strings"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// checkActionDepartment reads the department where a regional call's action
// takes place (§8.5: its convention counts there for the on-site controls).
// It is a department of the call's region, given only for a retained dossier of
// a regional call; left out, the action is interdepartmental (§8.2).
func checkActionDepartment(v *validation, field string, c *models.Campaign, d DecisionInput) string {
	code := strings.TrimSpace(d.ActionDepartment)
	if code == "" {
		return ""
	}
	switch {
	case c.Level != models.LevelRegional:
		v.add(field, "regional_call_only", "%s", "le département de l'action ne se donne que pour un appel régional ; cet appel est départemental ("+territory.Label(c.Territory, false)+")")
		return ""
	case d.Decision != selection.Retained:
		v.add(field, "retained_only", "le département de l'action ne se donne que pour un dossier retenu")
		return ""
	}
	dep, ok := territory.LookupDepartment(code)
	if !ok || dep.RegionCode != c.Territory {
		v.add(field, "department_of_region", "%s", "« "+code+" » n'est pas un département de la région "+territory.Label(c.Territory, true)+" (code INSEE attendu, par exemple « 69 »)")
		return ""
	}
	return dep.Code
}
