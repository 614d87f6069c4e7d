package api

import (
	"strconv"

	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// filingPage is the online filing form of a call, empty or sent back with its errors.
type filingPage struct {
	web.Chrome
	Call     callCard
	Token    string
	Honeypot string
	Sections []formSection
	// Errors are the refused fields, each linked to its field (the DSFR's error summary).
	Errors []summaryError
}

// formSection is one fieldset of the form.
type formSection struct {
	Legend, Hint string
	Fields       []formField
}

// formField is one DSFR field; Name is the API's JSON path, ID the same made safe for a URL fragment.
type formField struct {
	Kind                                 string // text, email, date, number, textarea, select, checkbox, file
	ID, Name, Label, Hint, Value, Error  string
	InputMode, Autocomplete, Placeholder string
	MaxLength                            int
	Required, Checked                    bool
	Options                              []themeOption
}

// ErrorID is the id of the field's error message (aria-describedby).
func (f formField) ErrorID() string { return f.ID + "-erreur" }

// HintID is the id of the field's hint.
func (f formField) HintID() string { return f.ID + "-aide" }

// summaryError is one refused field in the summary at the top of the form.
type summaryError struct{ Href, Text string }

// fieldID makes a JSON path an HTML id that a fragment reaches as is.
func fieldID(name string) string {
	out := make([]byte, 0, len(name))
	for i := 0; i < len(name); i++ {
		switch ch := name[i]; ch {
		case '.', '[':
			out = append(out, '-')
		case ']':
		default:
			out = append(out, ch)
		}
	}
	return string(out)
}

// errorAliases show a rule about several fields next to the first of them.
var errorAliases = map[string]string{
	"project.beneficiaries": "project.beneficiaries.bpi",
}

// buildFilingPage lays the form out with the typed values and each field's error.
func buildFilingPage(card callCard, token string, values filingForm, errs []FieldError) filingPage {
	byField := map[string]string{}
	for _, e := range errs {
		field := e.Field
		if alias, ok := errorAliases[field]; ok {
			field = alias
		}
		if byField[field] == "" {
			byField[field] = e.Message
		} else {
			byField[field] += " ; " + e.Message
		}
	}
	f := func(kind, name, label, hint string) formField {
		return formField{Kind: kind, ID: fieldID(name), Name: name, Label: label, Hint: hint, Value: values[name],
			Error: byField[name], Required: true}
	}
	optional := func(ff formField) formField { ff.Required = false; return ff }
	with := func(ff formField, inputMode, autocomplete string, maxLength int) formField {
		ff.InputMode, ff.Autocomplete, ff.MaxLength = inputMode, autocomplete, maxLength
		return ff
	}
	cer := f("checkbox", "association.cer_signed",
		"L'association a souscrit le contrat d'engagement républicain et s'engage à le respecter",
		"Obligatoire pour toute demande de subvention (loi du 24 août 2021 ; instruction, §4.2.1).")
	cer.Checked = values["association.cer_signed"] == "true"
	theme := f("select", "project.theme", "Thématique du projet", "Une des thématiques que l'appel finance.")
	theme.Options = themeOptions(card.Campaign, values["project.theme"])
	sections := []formSection{
		{Legend: "L'association", Fields: []formField{
			with(f("text", "association.name", "Nom de l'association", ""), "", "organization", 300),
			with(optional(f("text", "association.siret", "SIRET de l'établissement",
				"14 chiffres, clé de contrôle comprise. À défaut de SIRET, indiquez le numéro RNA.")), "numeric", "off", 17),
			with(optional(f("text", "association.rna", "Numéro RNA", "W suivi de 9 caractères, par exemple W691234567.")), "", "off", 10),
			with(f("email", "association.email", "Adresse électronique de l'association",
				"L'accusé de réception y est envoyé, avec un lien pour confirmer l'adresse ; puis chaque étape du dossier."), "email", "email", 254),
			with(f("text", "association.legal_representative", "Représentant légal : nom et qualité", "Par exemple : Marie Curie, présidente."), "", "name", 300),
			cer,
		}},
		{Legend: "Le projet", Fields: []formField{
			with(f("text", "project.title", "Intitulé du projet", "5 à 300 caractères."), "", "off", 300),
			theme,
			with(f("textarea", "project.description", "Description du projet", "Objectifs, actions, calendrier, lieux ; 20 caractères au moins."), "", "", 10000),
			with(f("textarea", "project.public", "Public visé", "Étrangers primo-arrivants : signataires du contrat d'intégration républicaine (CIR) depuis moins de 5 ans, bénéficiaires de la protection internationale (BPI)…"), "", "", 2000),
			with(f("textarea", "project.public_check", "Vérification de l'éligibilité du public", "Comment l'association vérifie que chaque bénéficiaire relève du public de l'appel (CIR, titre de séjour…)."), "", "", 2000),
			with(f("text", "project.beneficiaries.bpi", "Bénéficiaires de la protection internationale (BPI) attendus", "Nombre de personnes ; 0 s'il n'y en a pas."), "numeric", "off", 7),
			with(f("text", "project.beneficiaries.non_bpi", "Autres bénéficiaires primo-arrivants attendus", "Nombre de personnes ; 0 s'il n'y en a pas."), "numeric", "off", 7),
		}},
		{Legend: "Le budget", Hint: "Montants en euros, par exemple 12 500,50.", Fields: []formField{
			with(f("text", "project.total_budget_eur", "Budget total du projet, en euros", "Toutes charges de l'action comprises."), "decimal", "off", 20),
			with(f("text", "project.requested_eur", "Subvention demandée à l'État, en euros", "Au plus le budget total, moins les cofinancements, et l'enveloppe de l'appel."), "decimal", "off", 20),
			with(f("date", "project.fiscal_year_end", "Date de clôture de l'exercice de l'association", "Celle de l'exercice qui portera la subvention, par exemple 2027-12-31."), "", "off", 10),
		}},
		{Legend: "Les cofinancements (facultatif)", Hint: "Les autres financeurs du projet : collectivités, fondations, fonds européens…", Fields: coFinancingFields(f, optional, with)},
		{Legend: "Les pièces jointes", Hint: "PDF, PNG ou JPEG ; 10 Mo au plus par pièce. En cas d'erreur sur le formulaire, joignez-les de nouveau.", Fields: attachmentFields(f)},
	}
	page := filingPage{Chrome: publicChrome("Déposer un dossier", web.Crumb{Label: card.Title, Href: PathCalls + "/" + card.ID}, web.Crumb{Label: "Déposer un dossier"}),
		Call: card, Token: token, Honeypot: honeypotField, Sections: sections}
	page.Errors = summaryOf(sections, errs)
	return page
}

func coFinancingFields(f func(kind, name, label, hint string) formField, optional func(formField) formField,
	with func(formField, string, string, int) formField) []formField {
	var out []formField
	for i := range coFinancingRows {
		n := strconv.Itoa(i + 1)
		out = append(out,
			with(optional(f("text", coFinancingField(i, "funder"), "Cofinanceur "+n, "")), "", "organization", 300),
			with(optional(f("text", coFinancingField(i, "amount_eur"), "Montant du cofinancement "+n+", en euros", "")), "decimal", "off", 20))
	}
	return out
}

func attachmentFields(f func(kind, name, label, hint string) formField) []formField {
	out := make([]formField, 0, len(attachmentKinds))
	for _, k := range attachmentKinds {
		ff := f("file", "attachments."+k.Kind, k.Label, k.Hint)
		ff.Required = k.Kind != models.AttachmentAccounts
		out = append(out, ff)
	}
	return out
}

// summaryOf lists the refused fields in the form's order, each linked to its field,
// then the refusals no field shows.
func summaryOf(sections []formSection, errs []FieldError) []summaryError {
	var out []summaryError
	shown := map[string]bool{}
	for _, s := range sections {
		for _, ff := range s.Fields {
			if ff.Error != "" {
				out = append(out, summaryError{Href: "#" + ff.ID, Text: ff.Label + " : " + ff.Error})
				shown[ff.Name] = true
			}
		}
	}
	for _, e := range errs {
		name := e.Field
		if alias, ok := errorAliases[name]; ok {
			name = alias
		}
		if !shown[name] {
			out = append(out, summaryError{Text: e.Field + " : " + e.Message})
		}
	}
	return out
}
