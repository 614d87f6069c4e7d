package selection

import (
	"fmt"
	"math/big"
	"sort"
	"strings"

	"github.com/dian-p104/aap/internal/french"
)

// Check returns every violation (nil when the selection is acceptable), in a deterministic
// order: first the structural violations of the decisions in input order, then the dossiers
// without a decision (by ApplicationID), then the per-dossier rules in the order of decisions,
// then the global rules (envelope, then the objectives of §8.1 left unjustified).
//
// The output depends on the order of decisions but not on the order of dossiers.
// Check judges the call as its own territory, with no justification (CheckWith).
func Check(r Rules, dossiers []Dossier, decisions []Decision) []Violation {
	return CheckWith(r, Objectives{}, dossiers, decisions)
}

// CheckWith is Check with the call's territories and the committee's justification: an
// objective of §8.1 left unmet in a territory is a violation only without a justification.
func CheckWith(r Rules, o Objectives, dossiers []Dossier, decisions []Decision) []Violation {
	byID, js := index(dossiers, decisions)
	var out violations
	firstAt := out.checkDecisions(byID, decisions)
	out.checkExhaustive(dossiers, byID, firstAt)
	for _, j := range js {
		out.checkDossier(r, j)
	}
	out.checkEnvelope(r, sum(r, js))
	out.checkObjectives(r, o, dossiers, decisions)
	if len(out) == 0 {
		return nil
	}
	return out
}

// violations collects what Check finds, in the order found.
type violations []Violation

func (v *violations) add(rule, id, field, format string, args ...any) {
	*v = append(*v, Violation{Rule: rule, ApplicationID: id, Field: field, Message: fmt.Sprintf(format, args...)})
}

// checkDecisions applies the structural rules, decision by decision, and
// returns the index of the first decision naming each dossier of the call.
func (v *violations) checkDecisions(byID map[string]Dossier, decisions []Decision) map[string]int {
	firstAt := make(map[string]int, len(decisions))
	for i, dec := range decisions {
		id := dec.ApplicationID
		field := func(name string) string { return fmt.Sprintf("decisions[%d].%s", i, name) }
		if _, ok := byID[id]; !ok {
			if strings.TrimSpace(id) == "" {
				v.add(RuleUnknownApplication, id, field("application_id"), "la décision ne désigne aucun dossier")
			} else {
				v.add(RuleUnknownApplication, id, field("application_id"), "la décision porte sur le dossier %s, qui n'est pas un dossier de l'appel", quote(id))
			}
		} else if first, dup := firstAt[id]; dup {
			v.add(RuleDuplicateDecision, id, field("application_id"), "le dossier %s a déjà une décision (decisions[%d]) : une seule décision par dossier", quote(id), first)
		} else {
			firstAt[id] = i
		}
		switch dec.Decision {
		case Retained:
		case NotRetained:
			if strings.TrimSpace(dec.Reason) == "" {
				v.add(RuleReasonRequired, id, field("reason"), "le dossier %s n'est pas retenu : le motif est obligatoire, l'association en est informée", quote(id))
			}
		default:
			v.add(RuleDecisionEnum, id, field("decision"), "décision %s inconnue : « %s » ou « %s » attendu", quote(dec.Decision), Retained, NotRetained)
		}
		if dec.Score < MinScore || dec.Score > MaxScore {
			v.add(RuleScoreRange, id, field("score"), "la note (%d) doit être comprise entre %d et %d", dec.Score, MinScore, MaxScore)
		}
	}
	return firstAt
}

// checkExhaustive: the review is exhaustive (§8), every dossier has a decision.
// The dossiers without one are reported by ApplicationID.
// It walks the dossiers' slice, not a map, so that workflows may call it (no map order); the
// maps are only looked up.
func (v *violations) checkExhaustive(dossiers []Dossier, byID map[string]Dossier, firstAt map[string]int) {
	var missing []string
	listed := map[string]bool{} // a set, not a scan of missing: a call of 10,000 dossiers stays linear
	for _, d := range dossiers {
		if _, ok := firstAt[d.ApplicationID]; !ok && !listed[d.ApplicationID] {
			listed[d.ApplicationID] = true
			missing = append(missing, d.ApplicationID)
		}
	}
	sort.Strings(missing)
	for _, id := range missing {
		v.add(RuleMissingDecision, id, "decisions", "le dossier %s (%s) n'a pas de décision : l'instruction des dossiers est exhaustive (§8)", quote(id), byID[id].AssociationName)
	}
}

// checkDossier applies the per-dossier rules to one judged decision.
func (v *violations) checkDossier(r Rules, j judged) {
	dec, d, id := j.decision, j.dossier, j.decision.ApplicationID
	field := func(name string) string { return fmt.Sprintf("decisions[%d].%s", j.index, name) }
	switch dec.Decision {
	case Retained:
		if dec.GrantedCents <= 0 {
			v.add(RuleGrantedPositive, id, field("granted_eur"), "le dossier %s est retenu avec un montant accordé de %s : un montant positif est attendu", quote(id), french.Euros(dec.GrantedCents))
		}
	case NotRetained:
		if dec.GrantedCents != 0 {
			v.add(RuleGrantedNotRetained, id, field("granted_eur"), "le dossier %s n'est pas retenu mais un montant de %s lui est accordé : 0,00\u00a0€ attendu", quote(id), french.Euros(dec.GrantedCents))
		}
	}
	if dec.GrantedCents > d.RequestedCents {
		v.add(RuleGrantedAboveRequest, id, field("granted_eur"), "le montant accordé au dossier %s (%s) dépasse la subvention demandée (%s)", quote(id), french.Euros(dec.GrantedCents), french.Euros(d.RequestedCents))
	}
	if dec.Decision != Retained {
		if len(dec.CPOTranches) > 0 {
			v.add(RuleCPOTranches, id, field("cpo_tranches"), "le dossier %s n'est pas retenu : pas de convention pluriannuelle", quote(id))
		}
		return
	}
	if msg := checkTranches(r.Year, dec); msg != "" {
		v.add(RuleCPOTranches, id, field("cpo_tranches"), "dossier %s : %s", quote(id), msg)
	}
	if d.AGIRRedundant {
		v.add(RuleAGIRRedundant, id, field("decision"), "le dossier %s (%s) finance un accompagnement global redondant avec AGIR : il ne peut être retenu (§8.2)", quote(id), d.AssociationName)
	}
	if years, blocked := PNEBlocked(r, d.PNEMissedYears); blocked {
		v.add(RulePNEBlocked, id, field("decision"), "l'association %s n'a pas répondu au questionnaire PNE %s : son dossier %s ne peut être retenu en %d (§8.4)", d.AssociationName, yearList(years), quote(id), r.Year)
	}
	for _, report := range d.MissingFinancialReports {
		v.add(RuleFinancialReportMissing, id, field("decision"), "l'association %s n'a pas envoyé %s : son dossier %s ne peut être retenu tant qu'il n'est pas reçu (§8.4)", d.AssociationName, report, quote(id))
	}
	if len(d.DoubleFundingWith) > 0 && strings.TrimSpace(dec.DoubleFundingJustified) == "" {
		others := make([]string, len(d.DoubleFundingWith))
		for k, o := range d.DoubleFundingWith {
			others[k] = quote(o)
		}
		v.add(RuleDoubleFundingUnjustified, id, field("double_funding_justification"), "le dossier %s est aussi présenté ou financé ailleurs (%s) : le double financement doit être justifié (§3.2, §8.2)", quote(id), strings.Join(others, ", "))
	}
}

// checkEnvelope: the call's envelope is a hard ceiling (§8.1, unlike its objectives).
func (v *violations) checkEnvelope(r Rules, a aggregate) {
	if a.granted.Cmp(big.NewInt(r.EnvelopeCents)) > 0 {
		v.add(RuleEnvelope, "", "decisions", "le total accordé (%s) dépasse l'enveloppe de l'appel (%s)", french.EurosBig(a.granted), french.Euros(r.EnvelopeCents))
	}
}

// below tells whether part < minPercent % of total, by cross-multiplication:
// part*100 < minPercent*total. Exactly at the threshold is not below.
func below(part, total *big.Int, minPercent int) bool {
	lhs := new(big.Int).Mul(part, big.NewInt(100))
	rhs := new(big.Int).Mul(total, big.NewInt(int64(minPercent)))
	return lhs.Cmp(rhs) < 0
}
