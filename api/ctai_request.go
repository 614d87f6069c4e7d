package api

import (
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/identity"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// CTAIRequestBody is the body of POST /api/v1/ctai: a collectivité's request
// for CTAI funding (§3), new or renewal, with its bilan for a renewal.
type CTAIRequestBody struct {
	Year                 int              `json:"year"`
	Kind                 string           `json:"kind"`
	Collectivite         CTAICollectivite `json:"collectivite"`
	Territory            string           `json:"territory"`
	CorrespondentEmail   string           `json:"correspondent_email"`
	Inhabitants          *int             `json:"inhabitants"`
	CIRCount             *int             `json:"cir_count"`
	HousingCompetent     *bool            `json:"housing_competent"`
	Actions              []CTAIActionBody `json:"actions"`
	Coordinator          *CTAICoordinator `json:"coordinator"`
	InvestmentEUR        json.Number      `json:"investment_eur"`
	PreviousDelegatedEUR json.Number      `json:"previous_delegated_eur"`
	Bilan                []CTAIBilanBody  `json:"bilan"`
}

// CTAICollectivite names the collectivité asking.
type CTAICollectivite struct {
	Name      string `json:"name"`
	InseeCode string `json:"insee_code"`
	Email     string `json:"email"`
}

// CTAIActionBody is one action with the State funding asked for it.
type CTAIActionBody struct {
	Title     string      `json:"title"`
	Domain    string      `json:"domain"`
	BudgetEUR json.Number `json:"budget_eur"`
	// New marks, in a renewal, an action the previous contract did not have (no bilan).
	New bool `json:"new"`
}

// CTAICoordinator is the coordinator's post and the collectivité's share of it.
type CTAICoordinator struct {
	CostEUR       json.Number `json:"cost_eur"`
	LocalShareEUR json.Number `json:"local_share_eur"`
}

// CTAIBilanBody is the bilan of one action of the previous contract (§3.3).
type CTAIBilanBody struct {
	Action        string            `json:"action"`
	Beneficiaries CTAIBeneficiaries `json:"beneficiaries"`
	Ages          CTAIAges          `json:"ages"`
	Sex           CTAISex           `json:"sex"`
	ExpensesEUR   json.Number       `json:"expenses_eur"`
	ReliquatEUR   json.Number       `json:"reliquat_eur"`
	Associations  []string          `json:"associations"`
	// FundedAssociations are the associations the action funded, with the amount
	// each received (§8.5: they are control candidates).
	FundedAssociations []CTAIFundedAssociationBody `json:"funded_associations"`
	Objectives         CTAIObjectivesBody          `json:"objectives"`
}

// CTAIFundedAssociationBody is one association an action funded, with its amount.
type CTAIFundedAssociationBody struct {
	Name string `json:"name"`
	// SIRENOrRNA is optional: a SIREN (9 digits), a SIRET (14) or an RNA number (W + 9 characters).
	SIRENOrRNA string      `json:"siren_or_rna"`
	AmountEUR  json.Number `json:"amount_eur"`
}

// CTAIBeneficiaries by typology.
type CTAIBeneficiaries struct {
	BPI    int `json:"bpi"`
	Others int `json:"others"`
}

// CTAIAges are the beneficiaries by age band.
type CTAIAges struct {
	Under26    int `json:"under_26"`
	From26To45 int `json:"from_26_to_45"`
	Over45     int `json:"over_45"`
}

// CTAISex are the beneficiaries by sex.
type CTAISex struct {
	Women int `json:"women"`
	Men   int `json:"men"`
}

// CTAIObjectivesBody measures the achievement of the contract's objectives.
type CTAIObjectivesBody struct {
	Quantitative string `json:"quantitative"`
	Qualitative  string `json:"qualitative"`
}

// collectiviteCode: a commune's INSEE code (5 characters, Corsica 2A/2B), a
// department's or region's (2 or 3), or an EPCI's SIREN (9 digits).
var collectiviteCode = regexp.MustCompile(`^([0-9]{5}|2[AB][0-9]{3}|[0-9]{9}|[0-9]{2,3}|2[AB])$`)

// validate checks every field at once; the rules of §3 are not checked here:
// they make the opinion, given by the workflow.
func (b *CTAIRequestBody) validate(now time.Time, policies *policy.Set) (models.CTAIRequest, policy.Policy, []FieldError) {
	v := &validation{}
	r := models.CTAIRequest{Year: b.Year, Kind: b.Kind, CollectiviteName: strings.TrimSpace(b.Collectivite.Name),
		CollectiviteCode: strings.TrimSpace(b.Collectivite.InseeCode), CollectiviteEmail: strings.TrimSpace(b.Collectivite.Email),
		Territory: strings.TrimSpace(b.Territory), CorrespondentEmail: strings.TrimSpace(b.CorrespondentEmail)}
	var pol policy.Policy
	maxYear := now.In(french.Paris).Year() + 1
	switch {
	case b.Year == 0:
		v.add("year", "required", "l'année de financement est obligatoire")
	case b.Year < policies.FirstYear() || b.Year > maxYear:
		v.add("year", "range", "l'année doit être comprise entre %d (première instruction connue) et %d", policies.FirstYear(), maxYear)
	default:
		p, err := policies.ForYear(b.Year)
		if err != nil {
			v.add("year", "policy", "aucune instruction annuelle ne couvre %d", b.Year)
		}
		pol = p
	}
	if b.Kind != ctai.KindNew && b.Kind != ctai.KindRenewal {
		v.add("kind", "enum", "« new » (nouveau contrat) ou « renewal » (renouvellement)")
	}
	checkText(v, "collectivite.name", r.CollectiviteName, 2, 300)
	if !collectiviteCode.MatchString(r.CollectiviteCode) {
		v.add("collectivite.insee_code", "format", "code INSEE de la commune (5 caractères), du département ou de la région, ou SIREN de l'EPCI (9 chiffres)")
	}
	checkEmail(v, "collectivite.email", r.CollectiviteEmail)
	if _, ok := territory.LookupDepartment(r.Territory); !ok {
		v.add("territory", "department", "code INSEE d'un département (ex. 69, 2A, 971) : celui du correspondant qui instruit la demande")
	}
	checkEmail(v, "correspondent_email", r.CorrespondentEmail)
	r.Inhabitants = checkCount(v, "inhabitants", b.Inhabitants, 1, "nombre d'habitants du territoire couvert")
	r.CIRCount = checkCount(v, "cir_count", b.CIRCount, 0, "nombre de CIR signés l'année précédente sur le territoire")
	if b.HousingCompetent == nil {
		v.add("housing_competent", "required", "obligatoire : true si la collectivité est compétente en matière de logement")
	} else {
		r.HousingCompetent = *b.HousingCompetent
	}
	r.Actions = b.checkActions(v)
	for _, a := range r.Actions {
		r.RequestedCents += a.BudgetCents
	}
	if c := b.Coordinator; c != nil {
		cost := checkEuros(v, "coordinator.cost_eur", c.CostEUR)
		share := checkEurosAllowZero(v, "coordinator.local_share_eur", c.LocalShareEUR)
		if share > cost && cost > 0 {
			v.add("coordinator.local_share_eur", "max", "la part de la collectivité ne peut dépasser le coût du poste")
		}
		r.Coordinator = &ctai.Coordinator{CostCents: cost, LocalShareCents: share}
	}
	if b.InvestmentEUR != "" {
		r.InvestmentCents = checkEurosAllowZero(v, "investment_eur", b.InvestmentEUR)
	}
	switch {
	case b.Kind == ctai.KindRenewal:
		r.PreviousDelegatedCents = checkEuros(v, "previous_delegated_eur", b.PreviousDelegatedEUR)
		r.Bilan = b.checkBilan(v)
	case b.Kind == ctai.KindNew && b.PreviousDelegatedEUR != "":
		v.add("previous_delegated_eur", "renewal_only", "sans objet pour un nouveau contrat")
	}
	if b.Kind == ctai.KindNew && len(b.Bilan) > 0 {
		v.add("bilan", "renewal_only", "le bilan accompagne une demande de renouvellement, pas un nouveau contrat")
	}
	if !v.failed() {
		// §3.4: renewals by ctai_renewal_due, new contracts by ctai_new_due (Paris dates).
		filed := policy.DateOf(now)
		if ctai.Late(b.Kind, b.Year, pol.Calendar, filed) {
			v.add("kind", "hors_delais", "demande de %s déposée hors délais le %s : la date limite était le %s (§3.4)",
				ctai.KindLabel(b.Kind), filed.French(), ctai.Deadline(b.Kind, b.Year, pol.Calendar).French())
		}
	}
	r.PolicyName = pol.Name
	return r, pol, v.errs
}

func checkCount(v *validation, field string, n *int, min int, what string) int {
	switch {
	case n == nil:
		v.add(field, "required", "obligatoire : %s", what)
	case *n < min:
		v.add(field, "min", "au moins %d", min)
	default:
		return *n
	}
	return 0
}

func (b *CTAIRequestBody) checkActions(v *validation) []ctai.Action {
	if len(b.Actions) == 0 {
		v.add("actions", "required", "au moins une action, avec son domaine et son budget")
		return nil
	}
	if len(b.Actions) > 100 {
		v.add("actions", "max_items", "au plus 100 actions")
		return nil
	}
	out := make([]ctai.Action, len(b.Actions))
	for i, a := range b.Actions {
		field := fmt.Sprintf("actions[%d]", i)
		out[i] = ctai.Action{Title: strings.TrimSpace(a.Title), Domain: a.Domain, New: a.New}
		checkText(v, field+".title", out[i].Title, 2, 300)
		if _, ok := ctai.Domains[a.Domain]; !ok {
			v.add(field+".domain", "enum", "domaine inconnu : %s", domainList())
		}
		out[i].BudgetCents = checkEuros(v, field+".budget_eur", a.BudgetEUR)
	}
	return out
}

func (b *CTAIRequestBody) checkBilan(v *validation) []ctai.ActionBilan {
	out := make([]ctai.ActionBilan, len(b.Bilan))
	for i, x := range b.Bilan {
		field := fmt.Sprintf("bilan[%d]", i)
		checkText(v, field+".action", strings.TrimSpace(x.Action), 2, 300)
		counts := map[string]int{"beneficiaries.bpi": x.Beneficiaries.BPI, "beneficiaries.others": x.Beneficiaries.Others,
			"ages.under_26": x.Ages.Under26, "ages.from_26_to_45": x.Ages.From26To45, "ages.over_45": x.Ages.Over45,
			"sex.women": x.Sex.Women, "sex.men": x.Sex.Men}
		for _, name := range []string{"beneficiaries.bpi", "beneficiaries.others", "ages.under_26", "ages.from_26_to_45", "ages.over_45", "sex.women", "sex.men"} {
			if counts[name] < 0 {
				v.add(field+"."+name, "min", "un nombre de bénéficiaires ne peut être négatif")
			}
		}
		var expenses int64
		var reliquat *int64 // left out: not identified, which the bilan rule reports (§3.3)
		if x.ExpensesEUR != "" {
			expenses = checkEurosAllowZero(v, field+".expenses_eur", x.ExpensesEUR)
		}
		if x.ReliquatEUR != "" {
			cents := checkEurosAllowZero(v, field+".reliquat_eur", x.ReliquatEUR)
			reliquat = &cents
		}
		var assocs []string
		for j, a := range x.Associations {
			if a = strings.TrimSpace(a); a == "" {
				v.add(fmt.Sprintf("%s.associations[%d]", field, j), "required", "nom de l'association vide")
			}
			assocs = append(assocs, a)
		}
		funded := checkFundedAssociations(v, field+".funded_associations", x.FundedAssociations)
		out[i] = ctai.ActionBilan{Action: strings.TrimSpace(x.Action),
			BeneficiariesBPI: x.Beneficiaries.BPI, BeneficiariesOthers: x.Beneficiaries.Others,
			AgeUnder26: x.Ages.Under26, Age26To45: x.Ages.From26To45, AgeOver45: x.Ages.Over45,
			Women: x.Sex.Women, Men: x.Sex.Men, ExpensesCents: expenses, ReliquatCents: reliquat, Associations: assocs, FundedAssociations: funded,
			QuantitativeObjectives: strings.TrimSpace(x.Objectives.Quantitative), QualitativeObjectives: strings.TrimSpace(x.Objectives.Qualitative)}
	}
	return out
}

// checkFundedAssociations reads the associations an action funded: a name, an
// amount in euros (zero allowed: an association mobilised without funds) and,
// optionally, the SIREN, SIRET or RNA number that identifies it across calls.
func checkFundedAssociations(v *validation, field string, in []CTAIFundedAssociationBody) []ctai.FundedAssociation {
	if len(in) > 200 {
		v.add(field, "max_items", "au plus 200 associations par action")
		return nil
	}
	var out []ctai.FundedAssociation
	for j, a := range in {
		f := fmt.Sprintf("%s[%d]", field, j)
		fa := ctai.FundedAssociation{Name: strings.TrimSpace(a.Name), SIRENOrRNA: strings.ToUpper(strings.ReplaceAll(strings.TrimSpace(a.SIRENOrRNA), " ", ""))}
		checkText(v, f+".name", fa.Name, 2, 300)
		if fa.SIRENOrRNA != "" {
			if _, ok := identity.NumberKey(fa.SIRENOrRNA); !ok {
				v.add(f+".siren_or_rna", "format", "SIREN (9 chiffres), SIRET (14 chiffres) ou numéro RNA (W suivi de 9 caractères, ex. W691234567)")
			} else if len(fa.SIRENOrRNA) == 14 && !validSIRET(fa.SIRENOrRNA) {
				v.add(f+".siren_or_rna", "checksum", "SIRET invalide : la clé de contrôle ne correspond pas")
			}
		}
		fa.AmountCents = checkEurosAllowZero(v, f+".amount_eur", a.AmountEUR)
		out = append(out, fa)
	}
	return out
}

func domainList() string {
	names := make([]string, 0, len(ctai.Domains))
	for d := range ctai.Domains {
		names = append(names, d)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
