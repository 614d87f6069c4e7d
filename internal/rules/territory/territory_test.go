package territory

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestCounts(t *testing.T) {
	require.Len(t, Regions(), 18)
	require.Len(t, Departments(), 101)
}

func TestCodesUnique(t *testing.T) {
	seenR := map[string]bool{}
	for _, r := range Regions() {
		require.False(t, seenR[r.Code], "duplicate region code %q", r.Code)
		seenR[r.Code] = true
		require.NotEmpty(t, r.Name)
	}
	seenD := map[string]bool{}
	for _, d := range Departments() {
		require.False(t, seenD[d.Code], "duplicate department code %q", d.Code)
		seenD[d.Code] = true
		require.NotEmpty(t, d.Name)
	}
}

func TestEveryDepartmentHasKnownRegion(t *testing.T) {
	for _, d := range Departments() {
		_, ok := LookupRegion(d.RegionCode)
		require.True(t, ok, "department %q refers to unknown region %q", d.Code, d.RegionCode)
	}
}

func TestEveryRegionHasDepartments(t *testing.T) {
	total := 0
	for _, r := range Regions() {
		ds := DepartmentsOf(r.Code)
		require.NotEmpty(t, ds, "region %q has no department", r.Code)
		for _, d := range ds {
			require.Equal(t, r.Code, d.RegionCode)
		}
		total += len(ds)
	}
	require.Equal(t, 101, total)
}

func TestDepartmentCountsPerRegion(t *testing.T) {
	want := map[string]int{
		"01": 1,  // Guadeloupe
		"02": 1,  // Martinique
		"03": 1,  // Guyane
		"04": 1,  // La Réunion
		"06": 1,  // Mayotte
		"11": 8,  // Île-de-France
		"24": 6,  // Centre-Val de Loire
		"27": 8,  // Bourgogne-Franche-Comté
		"28": 5,  // Normandie
		"32": 5,  // Hauts-de-France
		"44": 10, // Grand Est
		"52": 5,  // Pays de la Loire
		"53": 4,  // Bretagne
		"75": 12, // Nouvelle-Aquitaine
		"76": 13, // Occitanie
		"84": 12, // Auvergne-Rhône-Alpes
		"93": 6,  // Provence-Alpes-Côte d'Azur
		"94": 2,  // Corse
	}
	require.Len(t, want, 18)
	for code, n := range want {
		require.Len(t, DepartmentsOf(code), n, "region %q", code)
	}
}

func TestSpecificMappings(t *testing.T) {
	cases := []struct{ dept, name, region string }{
		{"69", "Rhône", "84"},
		{"13", "Bouches-du-Rhône", "93"},
		{"2A", "Corse-du-Sud", "94"},
		{"2B", "Haute-Corse", "94"},
		{"974", "La Réunion", "04"},
		{"976", "Mayotte", "06"},
		{"75", "Paris", "11"},
		{"971", "Guadeloupe", "01"},
		{"01", "Ain", "84"},
		{"90", "Territoire de Belfort", "27"},
	}
	for _, c := range cases {
		d, ok := LookupDepartment(c.dept)
		require.True(t, ok, c.dept)
		require.Equal(t, Department{Code: c.dept, Name: c.name, RegionCode: c.region}, d)
	}
}

func TestLookupDepartment(t *testing.T) {
	for _, code := range []string{"69", "2A", "974"} {
		_, ok := LookupDepartment(code)
		require.True(t, ok, "department %q should be accepted", code)
	}
	for _, code := range []string{"20", "975", "2a", "", "1", "069", " 69", "977"} {
		_, ok := LookupDepartment(code)
		require.False(t, ok, "department %q should be refused", code)
	}
}

func TestLookupRegion(t *testing.T) {
	r, ok := LookupRegion("84")
	require.True(t, ok)
	require.Equal(t, Region{Code: "84", Name: "Auvergne-Rhône-Alpes"}, r)

	r, ok = LookupRegion("11")
	require.True(t, ok)
	require.Equal(t, "Île-de-France", r.Name)

	for _, code := range []string{"05", "", "1", "974", "20"} {
		_, ok := LookupRegion(code)
		require.False(t, ok, "region %q should be refused", code)
	}
}

func TestDepartmentsOfUnknownRegion(t *testing.T) {
	require.Nil(t, DepartmentsOf("05"))
	require.Nil(t, DepartmentsOf(""))
	require.Nil(t, DepartmentsOf("69"))
}

func TestSorted(t *testing.T) {
	require.True(t, slices.IsSortedFunc(Regions(), func(a, b Region) int {
		return strings.Compare(a.Code, b.Code)
	}))
	ds := Departments()
	require.True(t, slices.IsSortedFunc(ds, func(a, b Department) int {
		return strings.Compare(a.Code, b.Code)
	}))
	require.Equal(t, "01", ds[0].Code)
	require.Equal(t, "976", ds[len(ds)-1].Code)

	corse := DepartmentsOf("94")
	require.Equal(t, []string{"2A", "2B"}, []string{corse[0].Code, corse[1].Code})
}

func TestReturnedSlicesAreCopies(t *testing.T) {
	rs := Regions()
	rs[0] = Region{Code: "XX", Name: "mutated"}
	require.Equal(t, "01", Regions()[0].Code)

	ds := Departments()
	ds[0].Name = "mutated"
	require.Equal(t, "Ain", Departments()[0].Name)
	d, _ := LookupDepartment("01")
	require.Equal(t, "Ain", d.Name)

	of := DepartmentsOf("94")
	of[0].RegionCode = "00"
	require.Equal(t, "94", DepartmentsOf("94")[0].RegionCode)
}
