package ctai

import (
	"fmt"
	"strings"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
)

// Decision is the opinion a DIAN agent records on a request, agreeing with the
// proposal or overriding it. §3.4: « la DIAN et la DIAIR valideront les
// demandes de délégation de crédits après avoir effectué un contrôle de
// cohérence »: the engine proposes, DIAN decides.
type Decision struct {
	// Opinion is OpinionFavourable or OpinionUnfavourable.
	Opinion string `json:"opinion"`
	// DelegatedCents is the amount delegated by a favourable opinion (0 otherwise).
	DelegatedCents int64 `json:"delegated_cents"`
	// Motivation explains the opinion; required where CheckDecision says so.
	Motivation string `json:"motivation,omitempty"`
}

// Violation is one reason a decision is refused, tied to the field to correct.
type Violation struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Rules a decision can break.
const (
	DecisionOpinionEnum        = "enum"
	DecisionDelegatedRequired  = "required"
	DecisionDelegatedMax       = "max_requested"
	DecisionDelegatedForbidden = "unfavourable_no_amount"
	MotivationUnfavourable     = "required_unfavourable"
	MotivationOverride         = "required_override"
	MotivationAboveCeiling     = "required_above_ceiling"
	MotivationBeyondEnvelope   = "required_beyond_envelope"
)

// CheckDecision lists what is wrong with d on a request whose proposal is p,
// the year's other favourable opinions having delegated usedCents; nil when it
// can be recorded. An explicit motivation is demanded for an unfavourable
// opinion (§3.3: « bilan insatisfaisant »: the collectivité is told why), for a
// favourable one that overrides an unfavourable proposal, above the ceiling
// of a new contract (§3.5: « Des exceptions sont toutefois possibles au cas
// par cas ») and beyond the year's envelope (« dans la limite de l'enveloppe
// financière annuelle disponible »).
func CheckDecision(d Decision, p Proposal, rules policy.CTAI, usedCents int64) []Violation {
	var out []Violation
	add := func(field, rule, format string, args ...any) {
		out = append(out, Violation{Field: field, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	motivated := strings.TrimSpace(d.Motivation) != ""
	switch d.Opinion {
	case OpinionUnfavourable:
		if d.DelegatedCents != 0 {
			add("delegated_eur", DecisionDelegatedForbidden, "un avis défavorable ne délègue aucun montant")
		}
		if !motivated {
			add("motivation", MotivationUnfavourable, "un avis défavorable est motivé : la collectivité doit savoir pourquoi (§3.3)")
		}
	case OpinionFavourable:
		asked := p.Coherence.StateFundingCents
		switch {
		case d.DelegatedCents <= 0:
			add("delegated_eur", DecisionDelegatedRequired, "un avis favorable indique le montant délégué, en euros")
		case d.DelegatedCents > asked:
			add("delegated_eur", DecisionDelegatedMax, "le montant délégué (%s) dépasse le financement demandé à l'État (%s)",
				french.Euros(d.DelegatedCents), french.Euros(asked))
		}
		if motivated {
			break
		}
		if p.Opinion == OpinionUnfavourable {
			add("motivation", MotivationOverride, "l'avis proposé était défavorable (%s) : un avis favorable qui s'en écarte est motivé", failedLabels(p))
		}
		if max := rules.NewContractMaxEUR * 100; d.DelegatedCents > max {
			add("motivation", MotivationAboveCeiling, "le montant délégué (%s) dépasse %s : l'exception « au cas par cas » est motivée (§3.5)",
				french.Euros(d.DelegatedCents), french.Euros(max))
		}
		if BeyondEnvelope(rules, usedCents, d.DelegatedCents) {
			add("motivation", MotivationBeyondEnvelope, "avec ce montant, les avis favorables de l'année délégueraient %s, au-delà de l'enveloppe nationale (%s) : un dépassement est motivé (§3.5)",
				french.Euros(usedCents+d.DelegatedCents), french.Euros(rules.NationalEnvelopeEUR*100))
		}
	default:
		add("opinion", DecisionOpinionEnum, "« %s » (avec le montant délégué) ou « %s » (avec sa motivation)", OpinionFavourable, OpinionUnfavourable)
	}
	return out
}

func failedLabels(p Proposal) string {
	var labels []string
	for _, o := range p.Outcomes {
		if !o.Passed {
			labels = append(labels, strings.ToLower(RuleLabel(o.Rule)))
		}
	}
	return "critères non respectés : " + strings.Join(labels, ", ")
}
