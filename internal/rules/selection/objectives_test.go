package selection

import (
	"testing"

	"github.com/stretchr/testify/require"
)

const justified = "appel régional thématique santé mentale, thématique insuffisamment couverte par les appels départementaux (§8.2)"

func rulesOf(vs []Violation) []string {
	var out []string
	for _, v := range vs {
		out = append(out, v.Rule+"@"+v.Field)
	}
	return out
}

// A health-only call judged alone is under the 70 % objective: refused without a
// justification, accepted with one, and the deviation is still measured.
func TestHealthOnlyCallNeedsAJustification(t *testing.T) {
	r := rules2024()
	ds := []Dossier{dos("S", theme("sante"))}
	decs := []Decision{ret("S", 50_000_00)}

	got := CheckWith(r, Objectives{}, ds, decs)
	require.Equal(t, []string{RuleEmploymentLanguageShare + "@" + RuleObjectivesJustification}, rulesOf(got))
	require.Contains(t, got[0].Message, pct("0,0"))
	require.Contains(t, got[0].Message, "justification écrite")

	require.Nil(t, CheckWith(r, Objectives{Justification: justified}, ds, decs))
	require.Len(t, CheckWith(r, Objectives{Justification: "   "}, ds, decs), 1, "a blank justification is none")
	devs := Deviations(r, Objectives{Justification: justified}, ds, decs)
	require.Len(t, devs, 1)
	require.Equal(t, ScopeCall, devs[0].Scope)
	require.Equal(t, pct("0,0"), devs[0].Percent)
	require.Equal(t, 70, devs[0].TargetPercent)
}

// The department has granted 1 000 000 € in its other calls, 800 000 € of them to
// employment and language: a health call of up to 142 857,14 € keeps it at 70 %.
func TestEmploymentLanguageObjectiveAcrossTheDepartment(t *testing.T) {
	r := rules2024()
	dep := Scope{Kind: ScopeDepartment, Code: "69", Label: "Rhône (69)",
		Others: Sums{GrantedCents: 1_000_000_00, EmploymentLanguageCents: 800_000_00}}
	ds := []Dossier{dos("S", theme("sante"), request(200_000_00))}
	atThreshold := []Decision{ret("S", 142_857_14)}
	pastIt := []Decision{ret("S", 142_857_15)}
	o := Objectives{Scopes: []Scope{dep}}

	// At the threshold: the department stays at 70 %, accepted without justification,
	// although the call alone (0 %) is under: the call's deviation is measured, not refused.
	require.Nil(t, CheckWith(r, o, ds, atThreshold))
	devs := Deviations(r, o, ds, atThreshold)
	require.Len(t, devs, 1)
	require.Equal(t, ScopeCall, devs[0].Scope)

	// One cent past it: refused without justification, naming the department and its figures.
	got := CheckWith(r, o, ds, pastIt)
	require.Equal(t, []string{RuleEmploymentLanguageShare + "@" + RuleObjectivesJustification}, rulesOf(got))
	require.Contains(t, got[0].Message, "Rhône (69)")
	require.Contains(t, got[0].Message, eur("800 000,00"))
	require.Contains(t, got[0].Message, eur("1 142 857,15"))
	require.Contains(t, got[0].Message, pct("69,9"))

	// … and accepted with one; the department's deviation is listed for DIAN.
	o.Justification = justified
	require.Nil(t, CheckWith(r, o, ds, pastIt))
	devs = Deviations(r, o, ds, pastIt)
	require.Len(t, devs, 2)
	require.Equal(t, ScopeDepartment, devs[1].Scope)
	require.Equal(t, "69", devs[1].Code)
	require.True(t, devs[1].Territorial())
}

// The region's other calls count 60 BPI and 20 others: a call adding 10 and 10 leaves
// it at exactly 30 %, one more BPI takes it under.
func TestNonBPIObjectiveAcrossTheRegion(t *testing.T) {
	r := rules2024()
	reg := Scope{Kind: ScopeRegion, Code: "84", Label: "Auvergne-Rhône-Alpes (région 84)",
		Others: Sums{GrantedCents: 100_000_00, EmploymentLanguageCents: 100_000_00, BeneficiariesBPI: 60, BeneficiariesNonBPI: 20}}
	o := Objectives{Scopes: []Scope{reg}}
	decs := []Decision{ret("A", 10_000_00)}

	require.Nil(t, CheckWith(r, o, []Dossier{dos("A", beneficiaries(10, 10))}, decs), "exactly 30 %")
	got := CheckWith(r, o, []Dossier{dos("A", beneficiaries(11, 10))}, decs)
	require.Equal(t, []string{RuleNonBPIShare + "@" + RuleObjectivesJustification}, rulesOf(got))
	require.Contains(t, got[0].Message, "30 bénéficiaires sur 101")
	require.Contains(t, got[0].Message, pct("29,7"))
	require.Contains(t, got[0].Message, "Auvergne-Rhône-Alpes")

	o.Justification = justified
	require.Nil(t, CheckWith(r, o, []Dossier{dos("A", beneficiaries(11, 10))}, decs))
}

// A call under an objective whose territory meets it needs no justification; a call
// meeting it in a territory left under it does.
func TestTheTerritoryDecides(t *testing.T) {
	r := rules2024()
	ds := []Dossier{dos("E", theme("emploi"))}
	decs := []Decision{ret("E", 10_000_00)}
	under := Scope{Kind: ScopeDepartment, Code: "01", Label: "Ain (01)", Others: Sums{GrantedCents: 100_000_00}}
	require.Equal(t, []string{RuleEmploymentLanguageShare + "@" + RuleObjectivesJustification},
		rulesOf(CheckWith(r, Objectives{Scopes: []Scope{under}}, ds, decs)), "the call meets it, the department (9,0 %) does not")
	require.Len(t, Deviations(r, Objectives{Scopes: []Scope{under}}, ds, decs), 1)
}

// The envelope stays a hard ceiling: no justification lifts it.
func TestJustificationDoesNotLiftTheEnvelope(t *testing.T) {
	r := rules2024()
	r.EnvelopeCents = 10_000_00
	ds := []Dossier{dos("S", theme("sante"))}
	o := Objectives{Justification: justified}
	require.Nil(t, CheckWith(r, o, ds, []Decision{ret("S", 10_000_00)}), "at the envelope")
	require.Equal(t, []string{RuleEnvelope + "@decisions"}, rulesOf(CheckWith(r, o, ds, []Decision{ret("S", 10_000_01)})))
}
