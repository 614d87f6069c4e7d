package api

import (
	"fmt"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/web"
)

// dossierForm is what the association typed, sent back with the errors.
type dossierForm struct {
	Signer      string
	Report      linkReportForm
	FieldErrors []linkFieldError
	FileError   string
}

func (f dossierForm) errorOf(field string) string {
	for _, e := range f.FieldErrors {
		if e.Field == field {
			return e.Text
		}
	}
	return ""
}

// actionForm is the DSFR form of action on the dossier of f.
func (f dossierFacts) actionForm(action string, typed dossierForm) *dossierAction {
	switch action {
	case actionConfirm:
		return &dossierAction{Name: action, Title: "Confirmer votre adresse électronique",
			Intro:  []string{"Confirmez que l'accusé de réception de votre dossier vous est bien parvenu à l'adresse " + f.App.AssociationEmail + " : c'est à elle que la décision et la convention seront envoyées."},
			Button: "Je confirme avoir reçu l'accusé de réception"}
	case actionSign:
		return &dossierAction{Name: action, Title: "Accepter la convention",
			Intro: []string{"En signant, vous acceptez la convention n° " + f.Convention.Reference + " (à télécharger ci-dessous) et ses engagements : " +
				"l'emploi de la subvention pour l'action, le compte-rendu financier, la réponse au Plan national d'évaluation et les contrôles."},
			Fields: []web.Field{{ID: "signed_by", Label: "Nom et qualité du signataire", Hint: "Par exemple : Marie Curie, présidente",
				Value: typed.Signer, MinLength: 2, MaxLength: 300, Required: true, Autocomplete: "name", Error: typed.errorOf("signed_by")}},
			Button: "Signer la convention"}
	case actionPNE:
		return &dossierAction{Name: action, Title: "Déclarer votre réponse au Plan national d'évaluation",
			Intro: []string{"Votre association a reçu par courriel le questionnaire du Plan national d'évaluation (" + selection.PNEName(f.PNE.Year) + ")" +
				", à remplir avant le " + french.Date(f.Convention.PNECloseDate) + ". Une fois qu'il est rempli, déclarez-le ici."},
			Button: "Je déclare avoir répondu au questionnaire"}
	case actionReport:
		r := f.reportDue()
		title, of, granted := "Envoyer le compte-rendu financier", "", "la subvention accordée"
		if r.Tranche > 0 {
			// A CPO: one report per yearly tranche (§8.2, §8.4), the oldest awaited first.
			title += fmt.Sprintf(" de la tranche %d", r.FiscalYear)
			of = fmt.Sprintf(" de la tranche %d (%s, exercice %d)", r.FiscalYear, french.Euros(r.AmountCents), r.FiscalYear)
			granted = fmt.Sprintf("la tranche %d", r.FiscalYear)
		}
		return &dossierAction{Name: action, Title: title,
			Intro: []string{"Indiquez ce que l'action a coûté et la part de la subvention employée, et joignez le compte-rendu financier" + of +
				" (Cerfa n° 15059*02) signé par le représentant légal de l'association, au plus tard le " + frenchDay(r.DueDate) + "."},
			Fields: []web.Field{
				{ID: "spent_eur", Label: "Dépenses réalisées pour l'action, en euros", Hint: "Par exemple 12 500,50",
					Value: typed.Report.Spent, InputMode: "decimal", MaxLength: 20, Required: true, Error: typed.errorOf("spent_eur")},
				{ID: "subsidy_used_eur", Label: "Part de la subvention employée, en euros", Hint: "Au plus les dépenses réalisées et " + granted,
					Value: typed.Report.SubsidyUsed, InputMode: "decimal", MaxLength: 20, Required: true, Error: typed.errorOf("subsidy_used_eur")},
			},
			File: true, FileError: typed.FileError, Button: "Envoyer le compte-rendu financier"}
	}
	return nil
}

// actionTitles name each action where the page says it is due but this link cannot do it.
var actionTitles = map[string]string{
	actionConfirm: "confirmer votre adresse électronique",
	actionSign:    "signer la convention",
	actionPNE:     "déclarer votre réponse au Plan national d'évaluation",
	actionReport:  "envoyer le compte-rendu financier",
}
