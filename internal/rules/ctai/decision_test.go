package ctai_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/rules/ctai"
)

// The coherence figures DIAN reads before deciding (§3.4, §8.1).
func TestCoherenceFigures(t *testing.T) {
	p := policy2024(t).CTAI
	p.NationalEnvelopeEUR = 1_000_000
	r := with(asking(ctai.KindNew, 15_000_000), 160_000, 600)
	r.Coordinator = &ctai.Coordinator{CostCents: 5_000_000, LocalShareCents: 1_000_000}
	c := ctai.CoherenceOf(r, p, 80_000_000)
	assert.EqualValues(t, 19_000_000, c.StateFundingCents)
	assert.EqualValues(t, 4_000_000, c.CoordinatorStateCents)
	assert.EqualValues(t, 31_666, c.CentsPerCIR, "190,000 € for 600 signatories")
	assert.True(t, c.AboveNewContractMax)
	assert.False(t, c.BeyondEnvelope, "800,000 + 190,000 ≤ 1,000,000")
	assert.Contains(t, c.Lines[0], "316,66\u00a0€")
	assert.Contains(t, c.Lines[1], "40\u00a0000,00\u00a0€")
	assert.Contains(t, c.Lines[2], "reste 200\u00a0000,00\u00a0€")

	assert.False(t, ctai.CoherenceOf(r, p, 81_000_000).BeyondEnvelope, "at the envelope exactly")
	beyond := ctai.CoherenceOf(r, p, 81_000_001)
	assert.True(t, beyond.BeyondEnvelope, "one cent past it")
	assert.Contains(t, beyond.Lines[2], "devra être motivé")

	p.NationalEnvelopeEUR = 0
	unset := ctai.CoherenceOf(with(asking(ctai.KindNew, 100), 10, 0), p, 5)
	assert.False(t, unset.BeyondEnvelope)
	assert.Zero(t, unset.CentsPerCIR)
	assert.Contains(t, unset.Lines[0], "Aucun signataire du CIR")
	assert.Contains(t, unset.Lines[1], "non fixée")
}

func TestCheckDecision(t *testing.T) {
	p := policy2024(t).CTAI
	p.NationalEnvelopeEUR = 1_000_000 // 100,000,000 cents
	asked := int64(40_000_000)
	favourable := ctai.Proposal{Opinion: ctai.OpinionFavourable, Coherence: ctai.Coherence{StateFundingCents: asked}}
	unfavourable := ctai.Proposal{Opinion: ctai.OpinionUnfavourable, Coherence: ctai.Coherence{StateFundingCents: asked},
		Outcomes: []ctai.Outcome{{Rule: ctai.RuleBilan}}}
	fav := func(c int64, why string) ctai.Decision {
		return ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: c, Motivation: why}
	}
	cases := []struct {
		name  string
		d     ctai.Decision
		p     ctai.Proposal
		used  int64
		rules []string
	}{
		{"agreeing, at the ceiling", fav(15_000_000, ""), favourable, 0, nil},
		{"one cent above the ceiling", fav(15_000_001, ""), favourable, 0, []string{ctai.MotivationAboveCeiling}},
		{"above the ceiling, motivated", fav(15_000_001, "Métropole de 500 000 habitants"), favourable, 0, nil},
		{"at the envelope", fav(10_000_000, ""), favourable, 90_000_000, nil},
		{"one cent beyond the envelope", fav(10_000_001, ""), favourable, 90_000_000, []string{ctai.MotivationBeyondEnvelope}},
		{"beyond the envelope, motivated", fav(10_000_001, "Redéploiement"), favourable, 90_000_000, nil},
		{"overriding an unfavourable proposal", fav(100, ""), unfavourable, 0, []string{ctai.MotivationOverride}},
		{"overriding, motivated", fav(100, "Bilan reçu depuis"), unfavourable, 0, nil},
		{"all that was asked", fav(asked, "exception"), favourable, 0, nil},
		{"one cent more than asked", fav(asked+1, "exception"), favourable, 0, []string{ctai.DecisionDelegatedMax}},
		{"favourable without amount", fav(0, ""), favourable, 0, []string{ctai.DecisionDelegatedRequired}},
		{"unfavourable, motivated", ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: "Bilan absent"}, favourable, 0, nil},
		{"unfavourable, blank motivation", ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: " \n"}, unfavourable, 0, []string{ctai.MotivationUnfavourable}},
		{"unfavourable with an amount", ctai.Decision{Opinion: ctai.OpinionUnfavourable, DelegatedCents: 1, Motivation: "x"}, unfavourable, 0, []string{ctai.DecisionDelegatedForbidden}},
		{"no opinion", ctai.Decision{}, favourable, 0, []string{ctai.DecisionOpinionEnum}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, v := range ctai.CheckDecision(c.d, c.p, p, c.used) {
				got = append(got, v.Rule)
				assert.NotEmpty(t, v.Field)
				assert.NotEmpty(t, v.Message)
			}
			assert.Equal(t, c.rules, got)
		})
	}
	p.NationalEnvelopeEUR = 0
	require.Empty(t, ctai.CheckDecision(fav(100, ""), favourable, p, 1<<40), "no envelope set: never beyond it")
}
