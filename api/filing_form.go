package api

import (
	"encoding/json"
	"mime/multipart"
	"strconv"
	"strings"

	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/models"
)

// coFinancingRows is how many co-financings the form offers.
const coFinancingRows = 3

// filingForm is what the association typed, by field name (the API's JSON path:
// association.siret, project.co_financing[0].funder…), sent back with the errors.
type filingForm map[string]string

// readFilingForm turns the submitted form into the API's request, marked complete
// (the form requires the whole dossier), with the attachments it carries and what
// was refused reading it (a control character, a number that is not one, a file).
func readFilingForm(form *multipart.Form) (filingForm, *ApplicationRequest) {
	values := filingForm{}
	var refused []FieldError
	for name, vs := range form.Value {
		if len(vs) == 0 {
			continue
		}
		if r := textinput.Check(name, vs[0]); r != nil {
			refused = append(refused, FieldError{Field: name, Rule: r.Rule, Message: r.Message})
			continue
		}
		values[name] = vs[0]
	}
	req := &ApplicationRequest{complete: true,
		Association: AssociationInput{SIRET: strings.ReplaceAll(values["association.siret"], " ", ""), RNA: values["association.rna"],
			Name: values["association.name"], Email: values["association.email"], CERSigned: values["association.cer_signed"] == "true",
			LegalRepresentative: values["association.legal_representative"]},
		Project: ProjectInput{Title: values["project.title"], Theme: values["project.theme"], Description: values["project.description"],
			RequestedEUR: formAmount(values["project.requested_eur"]), TotalBudgetEUR: formAmount(values["project.total_budget_eur"]),
			Public: values["project.public"], PublicCheck: values["project.public_check"], FiscalYearEnd: values["project.fiscal_year_end"]},
	}
	req.Project.Beneficiaries.BPI = formCount(values, "project.beneficiaries.bpi", &refused)
	req.Project.Beneficiaries.NonBPI = formCount(values, "project.beneficiaries.non_bpi", &refused)
	req.Project.CoFinancing = values.coFinancing()
	for _, k := range attachmentKinds {
		files := form.File["attachments."+k.Kind]
		if len(files) == 0 || files[0].Filename == "" {
			continue
		}
		if a, refusal := readAttachment(k.Kind, files[0]); refusal != nil {
			refused = append(refused, *refusal)
		} else {
			req.attachments = append(req.attachments, a)
		}
	}
	req.refused = refused
	return values, req
}

// coFinancing are the rows the association filled, renumbered from 0 so that the
// errors (project.co_financing[1].amount_eur) name the row shown again at that place.
func (f filingForm) coFinancing() []CoFinancingInput {
	var out []CoFinancingInput
	for i := range coFinancingRows {
		funder, amount := coFinancingField(i, "funder"), coFinancingField(i, "amount_eur")
		if strings.TrimSpace(f[funder]) == "" && strings.TrimSpace(f[amount]) == "" {
			continue
		}
		out = append(out, CoFinancingInput{Funder: f[funder], AmountEUR: formAmount(f[amount])})
	}
	for i := range coFinancingRows {
		funder, amount := coFinancingField(i, "funder"), coFinancingField(i, "amount_eur")
		f[funder], f[amount] = "", ""
		if i < len(out) {
			f[funder], f[amount] = out[i].Funder, string(out[i].AmountEUR)
		}
	}
	return out
}

func coFinancingField(i int, leaf string) string {
	return "project.co_financing[" + strconv.Itoa(i) + "]." + leaf
}

// formAmount reads euros typed the French way ("12 500,50 €") as the API's ("12500.50").
func formAmount(s string) json.Number {
	return json.Number(strings.NewReplacer(" ", "", "\u00a0", "", "\u202f", "", "€", "", ",", ".").Replace(strings.TrimSpace(s)))
}

// formCount reads a number of people; empty is nil (the validation requires it).
func formCount(values filingForm, field string, refused *[]FieldError) *int {
	s := strings.ReplaceAll(strings.TrimSpace(values[field]), " ", "")
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		*refused = append(*refused, FieldError{Field: field, Rule: "integer", Message: "nombre entier attendu (0 s'il n'y en a pas)"})
		return nil
	}
	return &n
}

// themeOption is one of the call's themes in the form's list.
type themeOption struct {
	Code, Label string
	Selected    bool
}

func themeOptions(c *models.Campaign, selected string) []themeOption {
	out := make([]themeOption, len(c.Themes))
	for i, t := range c.Themes {
		out[i] = themeOption{Code: t, Label: models.ThemeLabel(t), Selected: t == selected}
	}
	return out
}
