package convention

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/french"
)

// Clause is one numbered article of the convention. Text is French prose; a line starting with
// "– " is an item of a list.
type Clause struct {
	Number int
	Title  string
	Text   string
}

// The articles, in the order of the convention; some only for a kind of action or convention.
const (
	artObject = iota
	artAmount
	artPublic
	artIndicators
	artPNE
	artFinancialReport
	artRefugiesInfo
	artCarifOref
	artPublicity
	artMixity
	artTranches
	artEvaluation
	artRevaluation
	artPayment
	artControl
	artRepayment
	artCER
	artDuration
	artCount
)

const (
	programme = "programme 104 « Intégration et accès à la nationalité française », action 12 « Intégration des étrangers primo-arrivants »"
	cerfaCRF  = "Cerfa n° 15059*02"
)

// numbers assigns article numbers to the articles this convention has (0: absent).
func (d Data) numbers() [artCount]int {
	var present [artCount]bool
	for i := range present {
		present[i] = true
	}
	present[artCarifOref] = d.LanguageTraining
	present[artTranches] = d.Kind == CPO
	present[artEvaluation] = d.Kind == CPO
	present[artRevaluation] = d.PayRevaluation
	var num [artCount]int
	n := 0
	for i, ok := range present {
		if ok {
			n++
			num[i] = n
		}
	}
	return num
}

// Clauses returns the numbered articles of the convention, in order, as French text.
//
// It is long on purpose: it is the convention itself, one add call per article in the order
// they are printed, so that a reader (or a lawyer checking the text against the instruction)
// reads the whole document top to bottom in one place; the articles share the figures computed
// at the top and cross-reference each other's numbers. Splitting it per article would scatter
// the text without making any part of it simpler.
func (d Data) Clauses() []Clause {
	num := d.numbers()
	art := func(k int) string { return "l'article " + strconv.Itoa(num[k]) }
	var out []Clause
	add := func(k int, title string, paragraphs ...string) {
		if num[k] == 0 {
			return
		}
		out = append(out, Clause{Number: num[k], Title: title, Text: strings.Join(paragraphs, "\n")})
	}
	cpo := d.Kind == CPO
	amount := french.Euros(d.GrantedCents) + " (" + formatEurosWords(d.GrantedCents) + ")"
	due := french.Date(d.FinancialReportDue())

	// Object.
	object := fmt.Sprintf("Par la présente convention, l'association s'engage, à son initiative et sous sa responsabilité, "+
		"à mettre en œuvre le projet « %s », relevant de la thématique « %s », retenu à l'issue de l'appel à projets « %s » "+
		"lancé au titre de l'année %d pour le territoire %s. "+
		"L'administration contribue financièrement à ce projet, qui concourt à la politique d'intégration des étrangers primo-arrivants ; "+
		"elle n'en attend aucune contrepartie directe.",
		d.ProjectTitle, d.ThemeLabel, d.CampaignTitle, d.Year, d.TerritoryLabel)
	add(artObject, "Objet de la convention", object)

	// Amount.
	if cpo {
		lines := []string{fmt.Sprintf("Au titre de l'année %d, l'administration attribue à l'association une subvention de %s, "+
			"imputée sur les crédits du %s.", d.Year, amount, programme),
			"Pour l'ensemble de la durée de la convention, la contribution de l'administration ne peut excéder les montants annuels maximaux suivants :"}
		var total int64
		for _, t := range d.Tranches {
			lines = append(lines, fmt.Sprintf("– %d : %s au plus ;", t.Year, french.Euros(t.MaxCents)))
			total += t.MaxCents
		}
		if len(d.Tranches) > 0 {
			last := &lines[len(lines)-1]
			*last = strings.TrimSuffix(*last, " ;") + "."
		}
		lines = append(lines, fmt.Sprintf("Le montant total maximal s'élève ainsi à %s (%s), sous les réserves prévues à %s.",
			french.Euros(total), formatEurosWords(total), art(artTranches)))
		add(artAmount, "Montant de la subvention", lines...)
	} else {
		add(artAmount, "Montant de la subvention", fmt.Sprintf(
			"L'administration attribue à l'association, au titre de l'année %d, une subvention d'un montant de %s, "+
				"imputée sur les crédits du %s. Ce montant est un maximum ; il ne peut être modifié que par avenant.",
			d.Year, amount, programme))
	}

	// Eligible public: the year's policy says it, with its source (§8.5: « le public éligible et
	// les modalités de vérification de ce public … actions mixtes … proportionnelle »).
	pub := d.EligiblePublic
	if pub == (EligiblePublic{}) {
		pub = TextEligiblePublic
	}
	public := []string{pub.Definition, pub.MixedActions, pub.Check}
	if pc := strings.TrimSpace(d.PublicCheck); pc != "" {
		public = append(public, "Modalités de vérification précisées par l'association dans sa demande : « "+pc+" ».")
	}
	add(artPublic, "Public éligible et vérification de l'éligibilité", append(public, "Source : "+pub.Source)...)

	// Indicators.
	ind := []string{"Conformément à l'article 10 de la loi n° 2000-321 du 12 avril 2000 relative aux droits des citoyens dans leurs relations " +
		"avec les administrations, l'association rend compte de l'utilisation de la subvention. " +
		"Elle renseigne à cette fin les indicateurs de suivi et de résultats fixés par l'appel à projets, " +
		"au regard desquels l'action est évaluée selon les critères d'évaluation de l'annexe 1 :"}
	for i, s := range d.Indicators {
		sep := " ;"
		if i == len(d.Indicators)-1 {
			sep = "."
		}
		ind = append(ind, "– "+strings.TrimSpace(s)+sep)
	}
	ind = append(ind, fmt.Sprintf("Les données correspondantes sont transmises à l'administration avec le compte rendu financier (%s) "+
		"et dans le questionnaire du Plan national d'évaluation (%s), et lui sont communiquées à tout moment sur sa demande.",
		strings.TrimPrefix(art(artFinancialReport), "l'"), strings.TrimPrefix(art(artPNE), "l'")))
	add(artIndicators, "Indicateurs de suivi et obligation de rendre compte", ind...)

	// PNE.
	add(artPNE, "Questionnaire du Plan national d'évaluation (PNE)",
		fmt.Sprintf("L'association s'engage à répondre au questionnaire du Plan national d'évaluation (PNE), "+
			"diffusé sous format numérique par la Direction de l'intégration et de l'accès à la nationalité (DIAN) "+
			"à l'adresse électronique unique qu'elle a communiquée, au plus tard le %s.", french.Date(d.PNECloseDate)),
		"Le renouvellement de la présente convention et l'attribution de toute nouvelle subvention sur les crédits de l'action 12 "+
			"du programme 104 sont subordonnés à la réponse complète à ce questionnaire dans ce délai.")

	// Compte rendu financier.
	crf := []string{fmt.Sprintf("L'association transmet à l'administration le compte rendu financier de la subvention (%s), "+
		"signé par son représentant légal, dans les %d mois suivant la fin de l'exercice au cours duquel la subvention a été accordée. "+
		"Cet exercice se clôturant le %s, le compte rendu financier est dû au plus tard le %s.",
		cerfaCRF, d.FinancialReportMonths, french.Date(d.FiscalYearEnd), due),
		"Il retrace les dépenses effectivement réalisées pour le projet et les écarts avec le budget prévisionnel, " +
			"et rend compte de la réalisation de l'action au regard des indicateurs prévus à " + art(artIndicators) + "."}
	if d.DueAfterSignature > 0 {
		// The demo policy compresses the calendar: the date above does not apply.
		demo := fmt.Sprintf("L'association transmet à l'administration le compte rendu financier de la subvention (%s), "+
			"signé par son représentant légal, %s après la signature de la présente convention (calendrier de démonstration).",
			cerfaCRF, durationFR(d.DueAfterSignature))
		if d.SignedAt != nil {
			demo += " Il est dû au plus tard le " + due + "."
		}
		crf[0] = demo
	}
	if cpo {
		crf = append(crf, trancheReportLines(d)...)
	}
	add(artFinancialReport, "Compte rendu financier", crf...)

	// Réfugiés.info.
	add(artRefugiesInfo, "Recensement sur la plateforme Réfugiés.info",
		"L'association est invitée à recenser l'action financée sur la plateforme « Réfugiés.info », "+
			"afin de la faire connaître aux personnes concernées ainsi qu'aux professionnels et aux bénévoles qui les accompagnent.")

	// Carif-Oref.
	add(artCarifOref, "Référencement auprès du Carif-Oref",
		"L'action relevant de la formation linguistique, y compris à visée professionnelle (§4.1.2 de l'instruction annuelle), "+
			"l'association a l'obligation de la référencer auprès du Carif-Oref "+
			"de sa région, afin qu'elle figure sur la cartographie nationale de l'offre de formation linguistique. "+
			"Elle procède à ce référencement dès la signature de la présente convention, transmet des informations complètes "+
			"(lieux, calendrier, niveaux visés, modalités d'inscription) et les tient à jour pendant toute la durée de l'action.")

	// §1.3: « … et à ce que les opérateurs ainsi subventionnés en fassent de même ».
	add(artPublicity, "Valorisation du soutien de l'État",
		"L'association fait état du soutien financier de l'État (ministère de l'Intérieur, programme 104) dans ses supports "+
			"de communication relatifs à l'action, sur ses sites et réseaux, lors des événements qu'elle organise et dans ses relations "+
			"avec les médias (§1.3 de l'instruction annuelle : valoriser « les opérations conduites et les financements associés de l'État »).")

	// §5.3: « l'ensemble des actions non dédiées aux femmes EPA … devront préciser les moyens mis en œuvre pour atteindre la mixité ».
	add(artMixity, "Mixité des bénéficiaires",
		"Sauf si l'action est dédiée aux femmes étrangères primo-arrivantes, l'association précise les moyens qu'elle met en œuvre "+
			"pour atteindre la mixité (femmes et hommes) parmi les bénéficiaires de l'action, notamment pour lever les freins "+
			"à la participation des femmes (horaires, garde d'enfants), et rend compte de la répartition des bénéficiaires "+
			"entre femmes et hommes dans ses comptes rendus (§5.3 de l'instruction annuelle).")

	// CPO: tranches and evaluation.
	if cpo {
		later := "les années suivantes"
		if n := len(d.Tranches); n == 2 {
			later = fmt.Sprintf("l'année %d", d.Tranches[1].Year)
		} else if n > 2 {
			later = "les années " + years(d.Tranches[1].Year, d.Tranches[n-1].Year)
		}
		add(artTranches, "Engagement annuel des crédits par tranches",
			fmt.Sprintf("Les crédits sont engagés annuellement, par tranches successives. Pour %s, les montants mentionnés à %s "+
				"sont des plafonds et ne constituent pas un engagement de l'administration : chaque tranche est subordonnée "+
				"à l'inscription des crédits correspondants en loi de finances, au respect par l'association de ses obligations "+
				"au titre de la présente convention et aux conclusions de l'évaluation annuelle prévue à %s.",
				later, art(artAmount), art(artEvaluation)),
			"Le montant de chaque tranche est notifié à l'association par avenant ou décision annuelle, dans la limite du plafond de l'année.")
		add(artEvaluation, "Évaluation annuelle",
			"Chaque année, avant l'engagement de la tranche suivante, l'administration et l'association évaluent conjointement "+
				"la réalisation du projet au regard de ses objectifs et des indicateurs prévus à "+art(artIndicators)+", "+
				"au vu du compte rendu financier et de la réponse au questionnaire du PNE. "+
				"Une évaluation finale est réalisée au terme de la convention ; elle conditionne tout renouvellement.")
	}

	// 3 % revaluation.
	add(artRevaluation, "Revalorisation salariale de 3 %",
		"Conformément au §8.1 de l'instruction annuelle, l'association relevant du champ de l'intégration des étrangers primo-arrivants, "+
			"le montant de la subvention intègre le coût de la mesure de revalorisation de 3 % des rémunérations, "+
			"que l'association applique au titre des dispositions de la convention collective nationale à laquelle elle est rattachée "+
			"ou, à défaut, d'un accord local ou d'une décision unilatérale de sa direction. "+
			"L'association justifie de l'application effective de cette revalorisation dans le compte rendu financier ; "+
			"à défaut, la part correspondante de la subvention est reversée.")

	// Payment.
	pay := "La subvention est versée en une seule fois, après la signature de la présente convention par les deux parties, " +
		"sur le compte bancaire de l'association dont les coordonnées ont été jointes à la demande de subvention."
	if cpo {
		pay = fmt.Sprintf("La subvention de l'année %d est versée en une seule fois, après la signature de la présente convention par les deux parties, "+
			"sur le compte bancaire de l'association dont les coordonnées ont été jointes à la demande de subvention. "+
			"Chaque tranche ultérieure est versée après sa notification, dans les conditions prévues à %s.", d.Year, art(artTranches))
	}
	add(artPayment, "Modalités de versement", pay,
		"L'association informe sans délai l'administration de tout changement de coordonnées bancaires, "+
			"de représentant légal ou de statuts.")

	// Control.
	add(artControl, "Contrôle",
		"L'administration peut contrôler, sur pièces et sur place, pendant la durée de la convention et après son terme, "+
			"l'effectivité du déploiement de l'action prévue par la présente convention et l'affectation des fonds "+
			"au profit exclusif de cette action et des publics ciblés. Des contrôles sur site sont organisés dans chaque département.",
		"L'association facilite ces contrôles : elle donne accès aux lieux où se déroule l'action et communique tout document utile, "+
			"notamment ses pièces comptables, le registre des bénéficiaires et les feuilles d'émargement.")

	// Repayment.
	add(artRepayment, "Reversement et résiliation",
		"En cas de non-exécution, d'exécution partielle ou de retard significatif de l'action, d'utilisation des fonds non conforme "+
			"à leur objet, de financement d'un public non éligible au-delà de la part prévue à "+art(artPublic)+", "+
			"ou de défaut de transmission du compte rendu financier dans le délai prévu à "+art(artFinancialReport)+", "+
			"l'administration peut, après avoir mis l'association en mesure de présenter ses observations, "+
			"exiger le reversement de tout ou partie des sommes versées, suspendre ou réduire les versements à venir et résilier la présente convention.",
		"Les sommes non utilisées conformément à la présente convention sont reversées à l'État.")

	// Contrat d'engagement républicain.
	add(artCER, "Contrat d'engagement républicain",
		"L'association déclare avoir souscrit le contrat d'engagement républicain annexé au décret pris pour l'application "+
			"de l'article 10-1 de la loi n° 2000-321 du 12 avril 2000. Elle s'engage à le respecter et à en informer ses membres, "+
			"ses salariés et ses bénévoles.",
		"Lorsque l'objet de l'association, son activité ou les modalités selon lesquelles cette activité est conduite sont illicites "+
			"ou incompatibles avec ce contrat, l'administration retire la subvention par une décision motivée, après avoir mis "+
			"l'association à même de présenter ses observations, et lui enjoint de restituer, dans un délai ne pouvant excéder six mois "+
			"à compter de la décision de retrait, les sommes versées postérieurement au manquement.")

	// Duration.
	dur := fmt.Sprintf("La présente convention prend effet à la date de sa signature par les deux parties. Elle porte sur l'année %d.", d.Year)
	if cpo {
		dur = fmt.Sprintf("La présente convention prend effet à la date de sa signature par les deux parties. Elle porte sur les années %s.", d.yearSpan())
	}
	add(artDuration, "Durée, modification et litiges", dur+
		" Les stipulations relatives aux comptes rendus, au contrôle et au reversement demeurent applicables jusqu'à l'extinction des obligations correspondantes.",
		"Toute modification de la présente convention fait l'objet d'un avenant signé par les deux parties. "+
			"Les litiges relatifs à son exécution relèvent, à défaut d'accord amiable, du tribunal administratif territorialement compétent.")

	return out
}

// yearSpan writes the years of a CPO: "2027 à 2029".
func (d Data) yearSpan() string {
	if len(d.Tranches) == 0 {
		return strconv.Itoa(d.Year)
	}
	return years(d.Tranches[0].Year, d.Tranches[len(d.Tranches)-1].Year)
}

// years writes a span of years: "2028 et 2029", "2027 à 2029".
func years(from, to int) string {
	if to == from+1 {
		return fmt.Sprintf("%d et %d", from, to)
	}
	return fmt.Sprintf("%d à %d", from, to)
}

// durationFR writes a demo delay in French words: "3 minutes", "1 heure", "90 secondes".
func durationFR(d time.Duration) string {
	plural := func(n int64, unit string) string {
		if n > 1 {
			unit += "s"
		}
		return strconv.FormatInt(n, 10) + " " + unit
	}
	switch {
	case d%time.Hour == 0:
		return plural(int64(d/time.Hour), "heure")
	case d%time.Minute == 0:
		return plural(int64(d/time.Minute), "minute")
	default:
		return plural(int64(d/time.Second), "seconde")
	}
}

// trancheReportLines are a CPO's comptes-rendus financiers, one per yearly tranche
// with its exercice and due date (§8.4: « dans les 6 mois suivant la fin de
// l'exercice au cours duquel la subvention a été accordée »; each tranche is granted
// in its own year). Under the demo policy before the signature the dates are not
// known yet: the article says when each falls due instead.
func trancheReportLines(d Data) []string {
	lines := []string{"Un compte rendu financier est transmis dans les mêmes conditions pour chaque tranche annuelle :"}
	reports := d.Reports()
	for i, r := range reports {
		line := fmt.Sprintf("– tranche %d (%d) : exercice se clôturant le %s, compte rendu financier dû au plus tard le %s ;",
			r.Tranche, r.Year, french.Date(r.FiscalYearEnd), french.Date(r.Due))
		if d.DueAfterSignature > 0 {
			line = fmt.Sprintf("– tranche %d (%d) : compte rendu financier dû %s après la signature ;",
				r.Tranche, r.Year, durationFR(d.DueAfterSignature*time.Duration(i+1)))
			if d.SignedAt != nil {
				line = fmt.Sprintf("– tranche %d (%d) : compte rendu financier dû au plus tard le %s ;", r.Tranche, r.Year, french.Date(r.Due))
			}
		}
		if i == len(reports)-1 {
			line = strings.TrimSuffix(line, " ;") + "."
		}
		lines = append(lines, line)
	}
	return append(lines, "Chaque compte rendu financier manquant fait obstacle au renouvellement du financement.")
}
