package ctai_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/policies"
)

func policy2024(t *testing.T) policy.Policy {
	t.Helper()
	set, err := policy.Load(policies.FS)
	require.NoError(t, err)
	p, err := set.ForYear(2024)
	require.NoError(t, err)
	return p
}

// asking returns a request whose actions ask for cents in two domains.
func asking(kind string, cents int64) ctai.Request {
	return ctai.Request{Kind: kind, Actions: []ctai.Action{
		{Title: "Logement", Domain: "logement", BudgetCents: cents / 2},
		{Title: "Français", Domain: "langue", BudgetCents: cents - cents/2},
	}}
}

func TestCeiling(t *testing.T) {
	p := policy2024(t).CTAI
	require.EqualValues(t, 150000, p.NewContractMaxEUR)
	cases := []struct {
		name   string
		req    ctai.Request
		passed bool
	}{
		{"new at the ceiling", asking(ctai.KindNew, 15_000_000), true},
		{"new one cent over", asking(ctai.KindNew, 15_000_001), false},
		{"new over, large territory at the thresholds", with(asking(ctai.KindNew, 20_000_000), 100_001, 500), true},
		{"new over, inhabitants at 100,000 (not more)", with(asking(ctai.KindNew, 20_000_000), 100_000, 500), false},
		{"new over, 499 CIR", with(asking(ctai.KindNew, 20_000_000), 100_001, 499), false},
		{"renewal at last year's amount over the ceiling", previous(asking(ctai.KindRenewal, 20_000_000), 20_000_000), true},
		{"renewal one cent over last year's amount", previous(asking(ctai.KindRenewal, 20_000_001), 20_000_000), false},
		{"renewal under the ceiling may go up to it", previous(asking(ctai.KindRenewal, 15_000_000), 9_000_000), true},
		{"renewal under the ceiling, one cent past it", previous(asking(ctai.KindRenewal, 15_000_001), 9_000_000), false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := ctai.Ceiling(c.req, p)
			assert.Equal(t, ctai.RuleCeiling, o.Rule)
			assert.Equal(t, c.passed, o.Passed, o.Message)
			assert.NotEmpty(t, o.Message)
		})
	}
	o := ctai.Ceiling(asking(ctai.KindNew, 15_000_001), p)
	assert.Contains(t, o.Message, "150\u00a0000,01\u00a0€")
	assert.Contains(t, o.Message, "150\u00a0000,00\u00a0€")
}

// The State's share of the coordinator counts in the ceiling (§3.5.2, §3.5.3):
// 150,000 € of actions and a coordinator funded 80,000 € by the State is 230,000 €.
func TestCeilingCountsTheCoordinatorsStateShare(t *testing.T) {
	p := policy2024(t).CTAI
	coordinated := func(actions int64, stateShare int64) ctai.Request {
		r := asking(ctai.KindNew, actions)
		r.Coordinator = &ctai.Coordinator{CostCents: stateShare + 2_000_000, LocalShareCents: 2_000_000}
		return r
	}
	o := ctai.Ceiling(coordinated(15_000_000, 8_000_000), p)
	assert.False(t, o.Passed, o.Message)
	assert.Contains(t, o.Message, "230\u00a0000,00\u00a0€, dont 80\u00a0000,00\u00a0€ pour sa part du poste de coordinateur")
	assert.True(t, ctai.Ceiling(coordinated(7_000_000, 8_000_000), p).Passed, "70,000 + 80,000 is the ceiling")
	assert.False(t, ctai.Ceiling(coordinated(7_000_001, 8_000_000), p).Passed, "one cent past it")
}

func with(r ctai.Request, inhabitants, cir int) ctai.Request {
	r.Inhabitants, r.CIRCount = inhabitants, cir
	return r
}

func previous(r ctai.Request, cents int64) ctai.Request {
	r.PreviousDelegatedCents = cents
	return r
}

func TestDomainsAndHousing(t *testing.T) {
	p := policy2024(t).CTAI
	require.Equal(t, 2, p.MinIntegrationDomains)
	one := ctai.Request{Actions: []ctai.Action{{Domain: "langue"}, {Domain: "langue"}}}
	two := ctai.Request{Actions: []ctai.Action{{Domain: "langue"}, {Domain: "emploi"}}}
	o := ctai.DomainCount(one, p)
	assert.False(t, o.Passed, "two actions in the same domain are one domain")
	assert.Contains(t, o.Message, "1 domaine(s)")
	assert.True(t, ctai.DomainCount(two, p).Passed)

	competent := two
	competent.HousingCompetent = true
	assert.False(t, ctai.Housing(competent).Passed, "competent for housing without a housing action")
	assert.True(t, ctai.Housing(two).Passed, "not competent: housing not required")
	competent.Actions = append(competent.Actions, ctai.Action{Domain: ctai.HousingDomain})
	assert.True(t, ctai.Housing(competent).Passed)
}

func TestCoordinatorShare(t *testing.T) {
	p := policy2024(t).CTAI
	require.Equal(t, 20, p.CoordinatorMinLocalSharePerc)
	cases := []struct {
		name        string
		coordinator *ctai.Coordinator
		passed      bool
	}{
		{"no coordinator", nil, true},
		{"exactly 20 %", &ctai.Coordinator{CostCents: 5_000_000, LocalShareCents: 1_000_000}, true},
		{"one cent under 20 %", &ctai.Coordinator{CostCents: 5_000_000, LocalShareCents: 999_999}, false},
		{"nothing paid locally", &ctai.Coordinator{CostCents: 5_000_000}, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			o := ctai.CoordinatorShare(ctai.Request{Coordinator: c.coordinator}, p)
			assert.Equal(t, c.passed, o.Passed, o.Message)
		})
	}
}

func TestInvestment(t *testing.T) {
	assert.True(t, ctai.Investment(ctai.Request{}).Passed)
	o := ctai.Investment(ctai.Request{InvestmentCents: 1})
	assert.False(t, o.Passed)
	assert.Contains(t, o.Message, "0,01\u00a0€")
}

func completeBilan() ctai.ActionBilan {
	return ctai.ActionBilan{Action: "Logement", BeneficiariesBPI: 10, BeneficiariesOthers: 20,
		AgeUnder26: 5, Age26To45: 15, AgeOver45: 10, Women: 14, Men: 16,
		ExpensesCents: 4_000_000, ReliquatCents: cents(100_000), Associations: []string{"Habitat solidaire"},
		QuantitativeObjectives: "30 ménages relogés sur 25 visés", QualitativeObjectives: "Partenariat bailleurs consolidé"}
}

func TestBilan(t *testing.T) {
	ok := ctai.Request{Kind: ctai.KindRenewal, Bilan: []ctai.ActionBilan{completeBilan()}}
	assert.True(t, ctai.BilanComplete(ok).Passed, ctai.BilanComplete(ok).Message)
	none := ctai.BilanComplete(ctai.Request{Kind: ctai.KindRenewal})
	assert.False(t, none.Passed)
	assert.Contains(t, none.Message, "Aucun bilan")

	gaps := map[string]func(*ctai.ActionBilan){
		"répartition par âge":        func(b *ctai.ActionBilan) { b.AgeOver45-- },
		"répartition par sexe":       func(b *ctai.ActionBilan) { b.Men++ },
		"dépenses":                   func(b *ctai.ActionBilan) { b.ExpensesCents = 0 },
		"associations":               func(b *ctai.ActionBilan) { b.Associations = nil },
		"objectifs quantitatifs":     func(b *ctai.ActionBilan) { b.QuantitativeObjectives = " " },
		"objectifs qualitatifs":      func(b *ctai.ActionBilan) { b.QualitativeObjectives = "" },
		"aucun bénéficiaire déclaré": func(b *ctai.ActionBilan) { *b = ctai.ActionBilan{Action: "Logement", ExpensesCents: 1} },
		"reliquats non identifiés":   func(b *ctai.ActionBilan) { b.ReliquatCents = nil },
	}
	for want, break_ := range gaps {
		t.Run(want, func(t *testing.T) {
			b := completeBilan()
			break_(&b)
			o := ctai.BilanComplete(ctai.Request{Kind: ctai.KindRenewal, Bilan: []ctai.ActionBilan{b}})
			assert.False(t, o.Passed)
			assert.Contains(t, o.Message, want)
			assert.Contains(t, o.Message, "Logement :")
			require.NotEmpty(t, o.Missing, "the reviewer sees which element is missing")
			assert.Contains(t, strings.Join(o.Missing, "|"), want)
		})
	}
	funded := completeBilan()
	funded.Associations = nil
	funded.FundedAssociations = []ctai.FundedAssociation{{Name: "Habitat solidaire", AmountCents: 1_500_000}}
	assert.True(t, ctai.BilanComplete(ctai.Request{Kind: ctai.KindRenewal, Bilan: []ctai.ActionBilan{funded}}).Passed,
		"the associations funded, with their amounts, list the associations mobilised")
	zero := completeBilan()
	zero.ReliquatCents = cents(0)
	assert.True(t, ctai.BilanComplete(ctai.Request{Kind: ctai.KindRenewal, Bilan: []ctai.ActionBilan{zero}}).Passed,
		"a reliquat of 0 is identified")
}

// §3.3: « Pour chaque action intégrée au contrat »: each action of the renewal has
// its bilan, unless it is new in the renewal.
func TestBilanCoversEveryAction(t *testing.T) {
	r := ctai.Request{Kind: ctai.KindRenewal, Bilan: []ctai.ActionBilan{completeBilan()}, Actions: []ctai.Action{
		{Title: "  logement ", Domain: "logement"}, {Title: "Français", Domain: "langue"}}}
	o := ctai.BilanComplete(r)
	assert.False(t, o.Passed, "the second action has no bilan")
	assert.Equal(t, []string{"Français : aucun bilan pour cette action du contrat"}, o.Missing, "the first matches, case and spaces folded")
	r.Actions[1].New = true
	assert.True(t, ctai.BilanComplete(r).Passed, "an action new in the renewal has no bilan to give")
}

func cents(v int64) *int64 { return &v }

func TestProposeOpinion(t *testing.T) {
	p := policy2024(t).CTAI
	good := asking(ctai.KindNew, 10_000_000)
	ev := ctai.Propose(good, p, 0)
	assert.Equal(t, ctai.OpinionFavourable, ev.Opinion)
	assert.Len(t, ev.Outcomes, 5, "a new contract has no bilan rule")

	renewal := previous(asking(ctai.KindRenewal, 10_000_000), 10_000_000)
	ev = ctai.Propose(renewal, p, 0)
	assert.Equal(t, ctai.OpinionUnfavourable, ev.Opinion, "a renewal without bilan")
	require.Len(t, ev.Outcomes, 6)
	assert.Equal(t, ctai.RuleBilan, ev.Outcomes[5].Rule)
	french := completeBilan()
	french.Action = "Français"
	renewal.Bilan = []ctai.ActionBilan{completeBilan(), french}
	assert.Equal(t, ctai.OpinionFavourable, ctai.Propose(renewal, p, 0).Opinion)
	renewal.InvestmentCents = 1
	assert.Equal(t, ctai.OpinionUnfavourable, ctai.Propose(renewal, p, 0).Opinion, "one failing rule is enough")
}

func TestDeadlines(t *testing.T) {
	c := policy2024(t).Calendar
	cases := []struct {
		kind  string
		filed policy.Date
		late  bool
	}{
		{ctai.KindRenewal, policy.Date{Year: 2024, Month: 6, Day: 30}, false},
		{ctai.KindRenewal, policy.Date{Year: 2024, Month: 7, Day: 1}, true},
		{ctai.KindNew, policy.Date{Year: 2024, Month: 9, Day: 30}, false},
		{ctai.KindNew, policy.Date{Year: 2024, Month: 10, Day: 1}, true},
		{ctai.KindNew, policy.Date{Year: 2023, Month: 12, Day: 31}, false},
	}
	for _, c2 := range cases {
		assert.Equal(t, c2.late, ctai.Late(c2.kind, 2024, c, c2.filed), "%s filed %v", c2.kind, c2.filed)
	}
	assert.Equal(t, "30 juin 2024", ctai.Deadline(ctai.KindRenewal, 2024, c).French())
	assert.Equal(t, "30 septembre 2024", ctai.Deadline(ctai.KindNew, 2024, c).French())
}
