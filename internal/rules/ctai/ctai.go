// Package ctai holds the instruction's rules for the contrats territoriaux
// d'accueil et d'intégration (§3): pure functions over a collectivité's request,
// each returning an outcome with its explanation in French. Amounts are integer
// cents; the ceilings come from the year's policy (package policy).
package ctai

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
)

// Kinds of request (§3.4).
const (
	KindNew     = "new"     // nouveau contrat
	KindRenewal = "renewal" // renouvellement
)

// Opinions given on a request (§3.3).
const (
	OpinionFavourable   = "favorable"
	OpinionUnfavourable = "defavorable"
)

// Rules, one outcome each.
const (
	RuleCeiling     = "plafond"
	RuleDomains     = "domaines"
	RuleHousing     = "logement"
	RuleCoordinator = "coordinateur"
	RuleInvestment  = "investissement"
	RuleBilan       = "bilan"
)

// HousingDomain is the one mandatory axis where the collectivité is competent (§3.2).
const HousingDomain = "logement"

// Domains are the integration domains an action may belong to (§3.2).
var Domains = map[string]string{
	"logement":      "Accès au logement",
	"langue":        "Apprentissage du français",
	"emploi":        "Emploi et formation professionnelle",
	"mobilite":      "Aide à la mobilité",
	"acces_droits":  "Accès aux droits",
	"sante":         "Accès aux soins",
	"parentalite":   "Aide à la parentalité",
	"culture_sport": "Activités culturelles et sportives",
	"citoyennete":   "Principes de la République",
	"numerique":     "Lutte contre la fracture numérique",
}

// Action is one action of the contract, with the State funding asked for it.
type Action struct {
	Title       string `json:"title"`
	Domain      string `json:"domain"`
	BudgetCents int64  `json:"budget_cents"`
	// New marks, in a renewal, an action the previous contract did not have:
	// it has no bilan to give (§3.3 asks one for each action of the contract).
	New bool `json:"new,omitempty"`
}

// Coordinator is the contract coordinator's post and the collectivité's share of it (§3.5.2).
type Coordinator struct {
	CostCents       int64 `json:"cost_cents"`
	LocalShareCents int64 `json:"local_share_cents"`
}

// ActionBilan is the bilan of one action of the previous contract (§3.3).
type ActionBilan struct {
	Action string `json:"action"`
	// Beneficiaries by typology: BPI and others, by age band, by sex.
	BeneficiariesBPI    int `json:"beneficiaries_bpi"`
	BeneficiariesOthers int `json:"beneficiaries_others"`
	AgeUnder26          int `json:"age_under_26"`
	Age26To45           int `json:"age_26_to_45"`
	AgeOver45           int `json:"age_over_45"`
	Women               int `json:"women"`
	Men                 int `json:"men"`
	// ExpensesCents actually made, and the reliquat left unspent; a nil
	// reliquat was not identified (§3.3: « identification précise des reliquats potentiels »).
	ExpensesCents int64  `json:"expenses_cents"`
	ReliquatCents *int64 `json:"reliquat_cents"`
	// Associations mobilised for the action, by name.
	Associations []string `json:"associations"`
	// FundedAssociations are those the action funded, with the amount each
	// received and, when given, its SIREN or RNA number: §8.5 controls on site
	// « les associations financées dans le cadre des CTAI », the most funded first.
	FundedAssociations []FundedAssociation `json:"funded_associations,omitempty"`
	// Achievement of the quantitative and qualitative objectives.
	QuantitativeObjectives string `json:"quantitative_objectives"`
	QualitativeObjectives  string `json:"qualitative_objectives"`
}

// FundedAssociation is an association an action of the contract funded (§8.5).
type FundedAssociation struct {
	Name string `json:"name"`
	// SIRENOrRNA is its SIREN, SIRET or RNA number, as the bilan gives it; empty if not given.
	SIRENOrRNA  string `json:"siren_or_rna,omitempty"`
	AmountCents int64  `json:"amount_cents"`
}

// Request is what the rules read of a collectivité's request.
type Request struct {
	Kind             string
	Inhabitants      int
	CIRCount         int
	HousingCompetent bool
	Actions          []Action
	// Coordinator is nil when the contract has none.
	Coordinator     *Coordinator
	InvestmentCents int64
	// PreviousDelegatedCents is what the State delegated last year (renewals).
	PreviousDelegatedCents int64
	Bilan                  []ActionBilan
}

// RequestedCents is the State funding asked for the actions: the sum of their budgets.
func (r Request) RequestedCents() int64 {
	var sum int64
	for _, a := range r.Actions {
		sum += a.BudgetCents
	}
	return sum
}

// CoordinatorStateCents is the State's share of the coordinator's post: its
// cost less the collectivité's share (§3.5.2: « financement … assuré
// conjointement par l'État et par la collectivité »).
func (r Request) CoordinatorStateCents() int64 {
	if c := r.Coordinator; c != nil && c.CostCents > c.LocalShareCents {
		return c.CostCents - c.LocalShareCents
	}
	return 0
}

// StateFundingCents is all the State is asked to fund: the actions and its
// share of the coordinator's post (§3.5.3: P104 credits may fund « le
// recrutement d'un coordonnateur du contrat »), so both count in the ceiling.
func (r Request) StateFundingCents() int64 { return r.RequestedCents() + r.CoordinatorStateCents() }

// Outcome is one rule's verdict with its explanation in French.
type Outcome struct {
	Rule    string `json:"rule"`
	Passed  bool   `json:"passed"`
	Message string `json:"message"`
	// Missing lists, for the bilan, each element missing ("action : élément").
	Missing []string `json:"missing,omitempty"`
}

// Proposal is what the engine proposes to DIAN: the opinion the rules lead
// to, every rule's outcome explained, and the coherence figures DIAN checks
// before deciding (§3.4: « la DIAN et la DIAIR valideront les demandes … après
// avoir effectué un contrôle de cohérence »). It is not the opinion: a DIAN
// agent records that (Decision).
type Proposal struct {
	Opinion   string    `json:"opinion"`
	Outcomes  []Outcome `json:"outcomes"`
	Coherence Coherence `json:"coherence"`
}

// Failed counts the rules the request breaks.
func (p Proposal) Failed() int {
	n := 0
	for _, o := range p.Outcomes {
		if !o.Passed {
			n++
		}
	}
	return n
}

// Propose applies every rule and computes the coherence figures, the year's
// envelope used so far by the other requests being envelopeUsedCents: the
// proposed opinion is favourable only when every rule passes.
func Propose(r Request, p policy.CTAI, envelopeUsedCents int64) Proposal {
	outs := []Outcome{Ceiling(r, p), DomainCount(r, p), Housing(r), CoordinatorShare(r, p), Investment(r)}
	if r.Kind == KindRenewal {
		outs = append(outs, BilanComplete(r))
	}
	pr := Proposal{Opinion: OpinionFavourable, Outcomes: outs, Coherence: CoherenceOf(r, p, envelopeUsedCents)}
	if pr.Failed() > 0 {
		pr.Opinion = OpinionUnfavourable
	}
	return pr
}

// Ceiling: a new contract gets at most new_contract_max_eur, except a territory
// of more than large_territory_min_inhabitants with at least large_territory_min_cir
// CIR (case by case); a renewal at most last year's delegated amount, or up to
// new_contract_max_eur for a contract under it (§3.5).
//
// The amount compared is the State funding asked, the State's share of the
// coordinator included (StateFundingCents).
func Ceiling(r Request, p policy.CTAI) Outcome {
	asked := r.StateFundingCents()
	max := p.NewContractMaxEUR * 100
	if r.Kind == KindRenewal {
		ceiling, why := r.PreviousDelegatedCents, "les sommes déléguées l'année précédente"
		if ceiling < max {
			ceiling, why = max, "le plafond d'un contrat qui recevait moins de "+french.Euros(max)
		}
		if asked > ceiling {
			return outcome(RuleCeiling, false, fmt.Sprintf("%s dépasse %s (%s) : un renouvellement ne peut excéder les sommes déléguées l'année précédente (%s), ni %s pour un contrat sous ce montant (§3.5).",
				askedLabel(r), why, french.Euros(ceiling), french.Euros(r.PreviousDelegatedCents), french.Euros(max)))
		}
		return outcome(RuleCeiling, true, fmt.Sprintf("%s ne dépasse pas %s (%s) (§3.5).", askedLabel(r), why, french.Euros(ceiling)))
	}
	if asked <= max {
		return outcome(RuleCeiling, true, fmt.Sprintf("%s ne dépasse pas le plafond d'un nouveau contrat (%s) (§3.5).", askedLabel(r), french.Euros(max)))
	}
	if r.Inhabitants > p.LargeTerritoryMinInhabitants && r.CIRCount >= p.LargeTerritoryMinCIR {
		return outcome(RuleCeiling, true, fmt.Sprintf("%s dépasse le plafond d'un nouveau contrat (%s), mais le territoire compte plus de %d habitants (%d) et au moins %d CIR (%d) : dérogation possible « au cas par cas, dans la limite de l'enveloppe financière annuelle disponible », appréciée par la DIAN (§3.5).",
			askedLabel(r), french.Euros(max), p.LargeTerritoryMinInhabitants, r.Inhabitants, p.LargeTerritoryMinCIR, r.CIRCount))
	}
	return outcome(RuleCeiling, false, fmt.Sprintf("%s dépasse le plafond d'un nouveau contrat (%s) ; la dérogation demande plus de %d habitants (%d) et au moins %d CIR (%d) (§3.5).",
		askedLabel(r), french.Euros(max), p.LargeTerritoryMinInhabitants, r.Inhabitants, p.LargeTerritoryMinCIR, r.CIRCount))
}

// DomainCount: the actions cover at least min_integration_domains domains (§3.2).
func DomainCount(r Request, p policy.CTAI) Outcome {
	ds := domainsOf(r)
	labels := make([]string, len(ds))
	for i, d := range ds {
		labels[i] = strings.ToLower(Domains[d])
	}
	list := strings.Join(labels, ", ")
	if len(ds) < p.MinIntegrationDomains {
		return outcome(RuleDomains, false, fmt.Sprintf("Les actions couvrent %d domaine(s) de l'intégration (%s) ; il en faut au moins %d (§3.2).", len(ds), list, p.MinIntegrationDomains))
	}
	return outcome(RuleDomains, true, fmt.Sprintf("Les actions couvrent %d domaines de l'intégration (%s), au moins %d requis (§3.2).", len(ds), list, p.MinIntegrationDomains))
}

// Housing: the housing axis is mandatory where the collectivité is competent (§3.2).
func Housing(r Request) Outcome {
	has := false
	for _, d := range domainsOf(r) {
		has = has || d == HousingDomain
	}
	switch {
	case !r.HousingCompetent:
		return outcome(RuleHousing, true, "La collectivité n'est pas compétente en matière de logement : l'axe logement n'est pas exigé (§3.2).")
	case has:
		return outcome(RuleHousing, true, "La collectivité est compétente en matière de logement et le contrat comporte un axe logement (§3.2).")
	default:
		return outcome(RuleHousing, false, "La collectivité est compétente en matière de logement mais aucune action ne relève de l'accès au logement, axe obligatoire (§3.2).")
	}
}

// CoordinatorShare: the collectivité pays at least coordinator_min_local_share_percent of the coordinator's post (§3.5.2).
func CoordinatorShare(r Request, p policy.CTAI) Outcome {
	c := r.Coordinator
	if c == nil || c.CostCents == 0 {
		return outcome(RuleCoordinator, true, "Le contrat ne prévoit pas de poste de coordinateur : règle sans objet (§3.5.2).")
	}
	// Integers only: share/cost >= min% ⇔ share×100 >= cost×min.
	pct := float64(c.LocalShareCents*1000/c.CostCents) / 10
	if c.LocalShareCents*100 < c.CostCents*int64(p.CoordinatorMinLocalSharePerc) {
		return outcome(RuleCoordinator, false, fmt.Sprintf("La collectivité finance %s du poste de coordinateur sur %s (%s %%) ; au moins %d %% sont attendus (§3.5.2).",
			french.Euros(c.LocalShareCents), french.Euros(c.CostCents), frenchPercent(pct), p.CoordinatorMinLocalSharePerc))
	}
	return outcome(RuleCoordinator, true, fmt.Sprintf("La collectivité finance %s du poste de coordinateur sur %s (%s %%), au moins %d %% requis (§3.5.2).",
		french.Euros(c.LocalShareCents), french.Euros(c.CostCents), frenchPercent(pct), p.CoordinatorMinLocalSharePerc))
}

// Investment: no investment spending is funded (§3.5.3).
func Investment(r Request) Outcome {
	if r.InvestmentCents > 0 {
		return outcome(RuleInvestment, false, fmt.Sprintf("La demande comporte %s de dépenses d'investissement, qui ne peuvent être financées (§3.5.3).", french.Euros(r.InvestmentCents)))
	}
	return outcome(RuleInvestment, true, "La demande ne comporte aucune dépense d'investissement (§3.5.3).")
}

// Deadline is the last day to file a request of this kind for the year (§3.4):
// renewals by ctai_renewal_due, new contracts by ctai_new_due, Paris dates.
func Deadline(kind string, year int, c policy.Calendar) policy.Date {
	if kind == KindRenewal {
		return c.CTAIRenewalDue.In(year)
	}
	return c.CTAINewDue.In(year)
}

// Late reports whether a request filed on that Paris day misses its deadline.
func Late(kind string, year int, c policy.Calendar, filedOn policy.Date) bool {
	return filedOn.After(Deadline(kind, year, c))
}

// KindLabel names the kind of request in French.
func KindLabel(kind string) string {
	if kind == KindRenewal {
		return "renouvellement"
	}
	return "nouveau contrat"
}

func domainsOf(r Request) []string {
	seen := map[string]bool{}
	var out []string
	for _, a := range r.Actions {
		if a.Domain != "" && !seen[a.Domain] {
			seen[a.Domain] = true
			out = append(out, a.Domain)
		}
	}
	sort.Strings(out)
	return out
}

func frenchPercent(v float64) string { return strings.Replace(fmt.Sprintf("%.1f", v), ".", ",", 1) }

// RuleLabel names a rule in French, as the opinion email and the summary table show it.
func RuleLabel(rule string) string {
	switch rule {
	case RuleCeiling:
		return "Plafond de financement"
	case RuleDomains:
		return "Domaines de l'intégration"
	case RuleHousing:
		return "Axe logement"
	case RuleCoordinator:
		return "Cofinancement du coordinateur"
	case RuleInvestment:
		return "Dépenses d'investissement"
	case RuleBilan:
		return "Bilan du contrat précédent"
	}
	return rule
}

func outcome(rule string, passed bool, message string) Outcome {
	return Outcome{Rule: rule, Passed: passed, Message: message}
}

// askedLabel names the State funding asked, with the coordinator's share when there is one.
func askedLabel(r Request) string {
	if c := r.CoordinatorStateCents(); c > 0 {
		return fmt.Sprintf("Le financement demandé à l'État (%s, dont %s pour sa part du poste de coordinateur)",
			french.Euros(r.StateFundingCents()), french.Euros(c))
	}
	return fmt.Sprintf("Le financement demandé à l'État (%s)", french.Euros(r.StateFundingCents()))
}
