package territory

import "fmt"

// Label names a territory for people: "Rhône (69)", "Auvergne-Rhône-Alpes (région 84)".
func Label(code string, regional bool) string {
	if regional {
		if r, ok := LookupRegion(code); ok {
			return fmt.Sprintf("%s (région %s)", r.Name, r.Code)
		}
	} else if d, ok := LookupDepartment(code); ok {
		return fmt.Sprintf("%s (%s)", d.Name, d.Code)
	}
	return code
}

// RegionName is a region's name, or its code when it is unknown.
func RegionName(code string) string {
	if r, ok := LookupRegion(code); ok {
		return r.Name
	}
	return code
}

// DepartmentName is a department's name, or its code when it is unknown.
func DepartmentName(code string) string {
	if d, ok := LookupDepartment(code); ok {
		return d.Name
	}
	return code
}
