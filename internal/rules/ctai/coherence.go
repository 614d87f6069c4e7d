package ctai

import (
	"fmt"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
)

// Coherence holds the figures of DIAN's coherence check (§3.4: « l'adéquation
// entre le financement demandé et le nombre de bénéficiaires du CIR couverts
// par le CTAI »; §8.1: « une enveloppe spécifique est fixée au niveau
// central »; §3.5: the large-territory exception « dans la limite de
// l'enveloppe financière annuelle disponible »).
type Coherence struct {
	// StateFundingCents is what the State is asked: the actions and the coordinator's State share.
	StateFundingCents int64 `json:"state_funding_cents"`
	// CoordinatorStateCents is the State's share of the coordinator's post, counted in the ceiling.
	CoordinatorStateCents int64 `json:"coordinator_state_cents"`
	// CIRCount is the CIR signatories covered; CentsPerCIR the funding asked per signatory (0 without any).
	CIRCount    int   `json:"cir_count"`
	CentsPerCIR int64 `json:"cents_per_cir"`
	// EnvelopeCents is the year's national CTAI envelope (0: not set in the policy).
	EnvelopeCents int64 `json:"envelope_cents"`
	// EnvelopeUsedCents is what favourable opinions of the year's other requests delegated so far.
	EnvelopeUsedCents int64 `json:"envelope_used_cents"`
	// BeyondEnvelope: granting all that is asked would pass the envelope.
	BeyondEnvelope bool `json:"beyond_envelope"`
	// AboveNewContractMax: more than the ceiling of a new contract is asked (the exception).
	AboveNewContractMax bool `json:"above_new_contract_max"`
	// Lines explain the figures in French.
	Lines []string `json:"lines"`
}

// CoherenceOf computes the figures of a request, the year's other requests
// having used envelopeUsedCents of the envelope.
func CoherenceOf(r Request, p policy.CTAI, envelopeUsedCents int64) Coherence {
	c := Coherence{StateFundingCents: r.StateFundingCents(), CoordinatorStateCents: r.CoordinatorStateCents(),
		CIRCount: r.CIRCount, EnvelopeCents: p.NationalEnvelopeEUR * 100, EnvelopeUsedCents: envelopeUsedCents}
	c.AboveNewContractMax = c.StateFundingCents > p.NewContractMaxEUR*100
	c.BeyondEnvelope = BeyondEnvelope(p, envelopeUsedCents, c.StateFundingCents)
	if r.CIRCount > 0 {
		c.CentsPerCIR = c.StateFundingCents / int64(r.CIRCount)
		c.Lines = append(c.Lines, fmt.Sprintf("Financement demandé par signataire du CIR couvert : %s (%s pour %d signataires, §3.4).",
			french.Euros(c.CentsPerCIR), french.Euros(c.StateFundingCents), r.CIRCount))
	} else {
		c.Lines = append(c.Lines, "Aucun signataire du CIR déclaré sur le territoire : l'adéquation du financement au nombre de bénéficiaires du CIR couverts ne peut être appréciée (§3.4).")
	}
	if c.CoordinatorStateCents > 0 {
		c.Lines = append(c.Lines, fmt.Sprintf("Part de l'État dans le poste de coordinateur, comptée dans le plafond : %s (§3.5.2).", french.Euros(c.CoordinatorStateCents)))
	}
	c.Lines = append(c.Lines, envelopeLine(c))
	return c
}

// BeyondEnvelope reports whether delegating cents, after usedCents, passes the
// year's national envelope; an envelope the policy does not set is never passed.
func BeyondEnvelope(p policy.CTAI, usedCents, cents int64) bool {
	return p.NationalEnvelopeEUR > 0 && usedCents+cents > p.NationalEnvelopeEUR*100
}

func envelopeLine(c Coherence) string {
	if c.EnvelopeCents == 0 {
		return fmt.Sprintf("Enveloppe nationale des CTAI : non fixée dans les règles de l'année ; %s déjà délégués par les avis favorables de l'année (§8.1).",
			french.Euros(c.EnvelopeUsedCents))
	}
	left := c.EnvelopeCents - c.EnvelopeUsedCents
	line := fmt.Sprintf("Enveloppe nationale des CTAI : %s, dont %s déjà délégués par les avis favorables de l'année ; reste %s (§8.1).",
		french.Euros(c.EnvelopeCents), french.Euros(c.EnvelopeUsedCents), french.Euros(left))
	if c.BeyondEnvelope {
		line += fmt.Sprintf(" Le financement demandé (%s) dépasse ce reste : un avis favorable devra être motivé.", french.Euros(c.StateFundingCents))
	}
	return line
}
