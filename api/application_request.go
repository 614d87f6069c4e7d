package api

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/identity"
	"github.com/dian-p104/aap/models"
)

// ApplicationRequest is the body of POST /api/v1/campaigns/{id}/applications.
type ApplicationRequest struct {
	Association AssociationInput `json:"association"`
	Project     ProjectInput     `json:"project"`

	// The online form (filing_form.go) files through the same validation: it requires
	// the whole dossier (the fields optional through the API), brings the attachments
	// it read, and the refusals found reading the form (a file's type or size, a number).
	complete    bool
	attachments []models.Attachment
	refused     []FieldError
	submittedAt time.Time
}

// AssociationInput identifies the porteur de projet.
type AssociationInput struct {
	SIRET     string `json:"siret"`
	RNA       string `json:"rna"`
	Name      string `json:"name"`
	Email     string `json:"email"`
	CERSigned bool   `json:"cer_signed"`
	// LegalRepresentative: name and capacity (« Marie Curie, présidente »).
	LegalRepresentative string `json:"legal_representative"`
}

// ProjectInput describes the project for which a subsidy is asked.
type ProjectInput struct {
	Title          string             `json:"title"`
	Theme          string             `json:"theme"`
	Description    string             `json:"description"`
	RequestedEUR   json.Number        `json:"requested_eur"`
	TotalBudgetEUR json.Number        `json:"total_budget_eur"`
	CoFinancing    []CoFinancingInput `json:"co_financing"`
	Beneficiaries  BeneficiariesInput `json:"beneficiaries"`
	AGIRRedundant  bool               `json:"agir_redundant"`
	// Public the project serves, and how its eligibility is checked (§2.1).
	Public      string `json:"public"`
	PublicCheck string `json:"public_check"`
	// FiscalYearEnd is the last day of the association's fiscal year, "2027-12-31".
	FiscalYearEnd string `json:"fiscal_year_end"`
}

// CoFinancingInput is another funder of the project.
type CoFinancingInput struct {
	Funder    string      `json:"funder"`
	AmountEUR json.Number `json:"amount_eur"`
}

// BeneficiariesInput splits the expected beneficiaries: BPI and other primo-arrivants.
type BeneficiariesInput struct {
	BPI    *int `json:"bpi"`
	NonBPI *int `json:"non_bpi"`
}

// validate checks the dossier against its call and returns every failure at once.
func (r *ApplicationRequest) validate(c *models.Campaign) (models.Application, []FieldError) {
	v := &validation{}
	as, p := r.Association, r.Project
	a := models.Application{
		CampaignID: c.ID, Year: c.Year, AssociationName: strings.TrimSpace(as.Name), AssociationEmail: strings.TrimSpace(as.Email),
		CERSigned: as.CERSigned, Title: strings.TrimSpace(p.Title), Theme: p.Theme, Description: strings.TrimSpace(p.Description),
		AGIRRedundant: p.AGIRRedundant,
	}
	a.SIRET, a.RNA, a.AssociationKey = checkAssociationID(v, strings.TrimSpace(as.SIRET), strings.ToUpper(strings.TrimSpace(as.RNA)))
	checkText(v, "association.name", a.AssociationName, 2, 300)
	checkEmail(v, "association.email", a.AssociationEmail)
	if !as.CERSigned {
		v.add("association.cer_signed", "required_true", "le contrat d'engagement républicain doit être signé pour demander une subvention du programme 104 (§4.2.1)")
	}
	checkText(v, "project.title", a.Title, 5, 300)
	// The same project however written (NFD, zero-width space, fullwidth letters) is one.
	a.TitleKey = identity.TitleKey(a.Title)
	checkText(v, "project.description", a.Description, 20, 10000)
	checkCampaignTheme(v, p.Theme, c.Themes)
	a.RequestedCents = checkEuros(v, "project.requested_eur", p.RequestedEUR)
	a.TotalBudgetCents = checkEuros(v, "project.total_budget_eur", p.TotalBudgetEUR)
	a.CoFinancing = checkCoFinancing(v, p.CoFinancing)
	checkBudget(v, a, c)
	a.BeneficiariesBPI, a.BeneficiariesNonBPI = checkBeneficiaries(v, p.Beneficiaries)
	r.checkFilingDetails(v, &a, c)
	return a, withRefusals(r.refused, v.errs)
}

var (
	siretPattern = regexp.MustCompile(`^[0-9]{14}$`)
	rnaPattern   = regexp.MustCompile(`^W[0-9A-Z][0-9]{8}$`)
)

// checkAssociationID accepts a SIRET (14 digits, Luhn checksum) or an RNA number
// (W followed by 9 characters); one of them identifies the association.
func checkAssociationID(v *validation, siret, rna string) (string, string, string) {
	if siret == "" && rna == "" {
		v.add("association.siret", "required", "indiquez le SIRET ou le numéro RNA de l'association")
		return "", "", ""
	}
	if rna != "" && !rnaPattern.MatchString(rna) {
		v.add("association.rna", "format", "numéro RNA invalide : W suivi de 9 caractères (ex. W691234567)")
	}
	if siret != "" {
		switch {
		case !siretPattern.MatchString(siret):
			v.add("association.siret", "format", "SIRET invalide : 14 chiffres attendus")
		case !validSIRET(siret):
			v.add("association.siret", "checksum", "SIRET invalide : la clé de contrôle ne correspond pas")
		}
	}
	// The SIREN (the legal person) identifies better than the RNA when both are
	// given; the store resolves an RNA alone to the association it was linked to.
	return siret, rna, identity.Key(siret, rna)
}

// validSIRET checks the Luhn key of a SIRET. La Poste's establishments (SIREN
// 356000000) use another rule: the sum of the digits is a multiple of 5.
func validSIRET(s string) bool {
	sum := 0
	if strings.HasPrefix(s, "356000000") && s != "35600000000048" {
		for _, d := range s {
			sum += int(d - '0')
		}
		return sum%5 == 0
	}
	for i, d := range s {
		n := int(d - '0')
		if i%2 == 0 { // from the left, every other digit from the first, as 14 digits is even
			n *= 2
			if n > 9 {
				n -= 9
			}
		}
		sum += n
	}
	return sum%10 == 0
}

func checkCampaignTheme(v *validation, theme string, allowed []string) {
	switch {
	case theme == "":
		v.add("project.theme", "required", "thématique obligatoire")
	case !models.IsTheme(theme):
		v.add("project.theme", "enum", "thématique inconnue « %s »", theme)
	default:
		for _, t := range allowed {
			if t == theme {
				return
			}
		}
		v.add("project.theme", "campaign_theme", "l'appel ne porte pas sur la thématique « %s » (thématiques : %s)", theme, strings.Join(allowed, ", "))
	}
}

func checkCoFinancing(v *validation, items []CoFinancingInput) []models.CoFinancing {
	out := make([]models.CoFinancing, len(items))
	for i, item := range items {
		field := fmt.Sprintf("project.co_financing[%d]", i)
		out[i].Funder = strings.TrimSpace(item.Funder)
		checkText(v, field+".funder", out[i].Funder, 2, 300)
		out[i].AmountCents = checkEuros(v, field+".amount_eur", item.AmountEUR)
	}
	return out
}

// checkBudget: the subsidy and the co-financings fit in the project's budget, and
// the subsidy in the call's envelope.
func checkBudget(v *validation, a models.Application, c *models.Campaign) {
	if a.RequestedCents == 0 || a.TotalBudgetCents == 0 {
		return
	}
	funded := a.RequestedCents
	for _, cf := range a.CoFinancing {
		funded += cf.AmountCents
	}
	if funded > a.TotalBudgetCents {
		v.add("project.total_budget_eur", "covers_funding", "le budget total (%s) est inférieur à la subvention demandée et aux cofinancements (%s)",
			french.Euros(a.TotalBudgetCents), french.Euros(funded))
	}
	if a.RequestedCents > c.BudgetCents {
		v.add("project.requested_eur", "envelope", "la subvention demandée (%s) dépasse l'enveloppe de l'appel (%s)",
			french.Euros(a.RequestedCents), french.Euros(c.BudgetCents))
	}
}

func checkBeneficiaries(v *validation, b BeneficiariesInput) (bpi, nonBPI int) {
	count := func(field string, n *int) int {
		switch {
		case n == nil:
			v.add(field, "required", "nombre de bénéficiaires attendus obligatoire (0 s'il n'y en a pas)")
		case *n < 0:
			v.add(field, "min", "nombre positif ou nul attendu")
		default:
			return *n
		}
		return 0
	}
	bpi, nonBPI = count("project.beneficiaries.bpi", b.BPI), count("project.beneficiaries.non_bpi", b.NonBPI)
	if b.BPI != nil && b.NonBPI != nil && bpi+nonBPI == 0 {
		v.add("project.beneficiaries", "positive", "le projet doit bénéficier à au moins une personne")
	}
	return bpi, nonBPI
}
