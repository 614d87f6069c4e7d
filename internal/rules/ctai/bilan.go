package ctai

import (
	"fmt"
	"strings"
)

// BilanComplete: a renewal needs an exhaustive bilan of every action of the
// contract; none, or an incomplete one, leads to an unfavourable proposal, and
// the outcome lists each missing element (Missing). §3.3: « Pour chaque action
// intégrée au contrat, il vous reviendra d'obtenir a minima … : nombre de
// bénéficiaires par typologie de publics (répartition BPI/autres publics,
// répartition par âge, par sexe) ; dépenses effectivement réalisées et
// identification précise des reliquats potentiels ; liste de l'ensemble des
// associations ayant été mobilisées … ; mesure de l'atteinte des objectifs
// quantitatifs et qualitatifs fixés au contrat. … En cas d'absence de
// transmission de bilan ou de bilan insatisfaisant …, il vous est demandé
// d'émettre un avis défavorable ».
//
// Every action of the request not marked New must have its bilan (matched by
// its title, case and spaces folded).
func BilanComplete(r Request) Outcome {
	if len(r.Bilan) == 0 {
		return Outcome{Rule: RuleBilan, Message: "Aucun bilan n'est joint à la demande de renouvellement : avis défavorable proposé (§3.3).",
			Missing: []string{"bilan : absent"}}
	}
	var missing []string
	for _, a := range r.Actions {
		if !a.New && !hasBilan(r.Bilan, a.Title) {
			missing = append(missing, fmt.Sprintf("%s : aucun bilan pour cette action du contrat", a.Title))
		}
	}
	for i, b := range r.Bilan {
		name := b.Action
		if name == "" {
			name = fmt.Sprintf("action n° %d", i+1)
		}
		for _, g := range bilanGaps(b) {
			missing = append(missing, fmt.Sprintf("%s : %s", name, g))
		}
	}
	if len(missing) > 0 {
		return Outcome{Rule: RuleBilan, Message: "Le bilan est incomplet (§3.3) : " + strings.Join(missing, " ; ") + ".", Missing: missing}
	}
	return outcome(RuleBilan, true, fmt.Sprintf("Le bilan couvre %d action(s) : bénéficiaires par typologie, âge et sexe, dépenses et reliquats, associations mobilisées, atteinte des objectifs (§3.3).", len(r.Bilan)))
}

func hasBilan(bilan []ActionBilan, title string) bool {
	for _, b := range bilan {
		if foldTitle(b.Action) == foldTitle(title) {
			return true
		}
	}
	return false
}

// foldTitle compares titles without case and with runs of spaces as one.
func foldTitle(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

func bilanGaps(b ActionBilan) []string {
	var gaps []string
	total := b.BeneficiariesBPI + b.BeneficiariesOthers
	if total == 0 {
		gaps = append(gaps, "aucun bénéficiaire déclaré (BPI / autres publics)")
	}
	if ages := b.AgeUnder26 + b.Age26To45 + b.AgeOver45; ages != total {
		gaps = append(gaps, fmt.Sprintf("répartition par âge (%d) différente du nombre de bénéficiaires (%d)", ages, total))
	}
	if sexes := b.Women + b.Men; sexes != total {
		gaps = append(gaps, fmt.Sprintf("répartition par sexe (%d) différente du nombre de bénéficiaires (%d)", sexes, total))
	}
	if b.ExpensesCents <= 0 {
		gaps = append(gaps, "dépenses effectivement réalisées non renseignées")
	}
	if b.ReliquatCents == nil {
		gaps = append(gaps, "reliquats non identifiés (0 s'il n'y en a aucun)")
	}
	if len(b.Associations) == 0 && len(b.FundedAssociations) == 0 {
		gaps = append(gaps, "associations mobilisées non listées")
	}
	if strings.TrimSpace(b.QuantitativeObjectives) == "" {
		gaps = append(gaps, "atteinte des objectifs quantitatifs non mesurée")
	}
	if strings.TrimSpace(b.QualitativeObjectives) == "" {
		gaps = append(gaps, "atteinte des objectifs qualitatifs non mesurée")
	}
	return gaps
}
