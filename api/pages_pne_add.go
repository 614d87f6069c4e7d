package api

import (
	"net/url"
)

// pneAddForm is the form adding a structure by hand to a year's PNE list (§8.4).
type pneAddForm struct {
	CSRF, Action   string
	Message, Error string
	Others         []string
	Fields         []*pageField
}

// newPNEAddForm builds the form, with the refused values and their errors when out refused them.
func newPNEAddForm(csrf, action string, out pageOutcome, typed url.Values) *pneAddForm {
	value := func(name, def string) string {
		if typed != nil {
			return typed.Get(name)
		}
		return def
	}
	f := &pneAddForm{CSRF: csrf, Action: action, Error: out.Error, Fields: []*pageField{
		{Kind: "text", ID: "ajout-nom", Name: "name", Label: "Nom de la structure", Value: value("name", ""), MaxLength: 300, Required: true},
		{Kind: "text", ID: "ajout-siret", Name: "siret", Label: "SIRET", Hint: "14 chiffres ; ou, à défaut, le numéro RNA ci-dessous.",
			Value: value("siret", ""), InputMode: "numeric", MaxLength: 14},
		{Kind: "text", ID: "ajout-rna", Name: "rna", Label: "Numéro RNA", Hint: "W suivi de 9 caractères (ex. W691234567).", Value: value("rna", ""), MaxLength: 10},
		{Kind: "email", ID: "ajout-email", Name: "email", Label: "Adresse électronique de la structure",
			Hint:  "Une adresse unique par structure (§8.4) : le questionnaire PNE et ses relances y sont envoyés.",
			Value: value("email", ""), Autocomplete: "email", MaxLength: 254, Required: true},
		{Kind: "text", ID: "ajout-departement", Name: "department", Label: "Département des actions financées",
			Hint: "Code INSEE (ex. 69, 2A, 971) : le correspondant de ce département suit la structure.", Value: value("department", ""), MaxLength: 3, Required: true},
		{Kind: "text", ID: "ajout-actions", Name: "funded_actions", Label: "Nombre d'actions financées", Value: value("funded_actions", "1"),
			InputMode: "numeric", MaxLength: 4, Required: true},
		{Kind: "textarea", ID: "ajout-motif", Name: "reason", Label: "Motif de l'ajout",
			Hint:  "Pourquoi la structure a bénéficié des crédits sans figurer sur la liste (au moins 5 caractères) ; le motif est journalisé avec votre nom.",
			Value: value("reason", ""), MaxLength: pneReasonMax, Required: true},
	}}
	f.Others = formErrors(f.Fields, out.Fields, nil)
	return f
}
