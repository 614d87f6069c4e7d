package convention

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/dian-p104/aap/internal/french"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

func day(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, french.Paris) }

// example is a fixed annual convention: a language action in the Rhône.
func example() Data {
	return Data{
		Reference:       "CONV-2027-69-0001",
		Kind:            Annual,
		Year:            2027,
		TerritoryLabel:  "Rhône (69)",
		ServiceName:     "DDETS du Rhône",
		CampaignTitle:   "Intégration des étrangers primo-arrivants dans le Rhône",
		AssociationName: "Parole & Partage (ateliers « Français pour tous »)",
		AssociationID:   "SIRET 732 829 320 00074",
		ProjectTitle:    "Ateliers sociolinguistiques à Vénissieux",
		ThemeLabel:      "Apprentissage du français",
		GrantedCents:    1_250_000,
		Indicators: []string{
			"nombre de bénéficiaires, dont bénéficiaires de la protection internationale",
			"part des bénéficiaires ayant progressé d'au moins un niveau du CECRL",
			"taux d'assiduité",
		},
		PNECloseDate:          day(2028, time.May, 31),
		FiscalYearEnd:         day(2027, time.December, 31),
		FinancialReportMonths: 6,
		LanguageTraining:      true,
		IssuedAt:              time.Date(2027, time.June, 14, 10, 0, 0, 0, french.Paris),
	}
}

// cpoExample is a fixed three-year CPO, not a language action, with the 3 % revaluation.
func cpoExample() Data {
	d := example()
	d.Reference = "CONV-2027-84-0007"
	d.Kind = CPO
	d.TerritoryLabel = "Auvergne-Rhône-Alpes (région 84)"
	d.ServiceName = "DREETS Auvergne-Rhône-Alpes"
	d.CampaignTitle = "Appel à projets régional intégration 2027"
	d.AssociationID = "RNA W691234567"
	d.ProjectTitle = "Mentorat vers l'emploi des femmes primo-arrivantes"
	d.ThemeLabel = "Emploi"
	d.GrantedCents = 4_000_000
	d.Tranches = []Tranche{{2027, 4_000_000}, {2028, 4_200_000}, {2029, 4_200_000}}
	d.LanguageTraining = false
	d.PayRevaluation = true
	return d
}

func TestValidateAccepts(t *testing.T) {
	for name, d := range map[string]Data{"annual": example(), "cpo": cpoExample()} {
		if err := d.Validate(); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	d := example()
	d.AssociationName = "Lire\u202fensemble – « Paroles d'ailleurs »" // narrow no-break space is folded, not refused
	d.AssociationID = "RNA W69M000123"
	if err := d.Validate(); err != nil {
		t.Errorf("typographic name: %v", err)
	}
}

func TestValidateRefuses(t *testing.T) {
	cases := []struct {
		name  string
		field string
		edit  func(*Data)
		want  string // a piece of the French message
	}{
		{"no reference", "Reference", func(d *Data) { d.Reference = "" }, "obligatoire"},
		{"no kind", "Kind", func(d *Data) { d.Kind = "" }, "type de convention est obligatoire"},
		{"unknown kind", "Kind", func(d *Data) { d.Kind = "mensuelle" }, "inconnu"},
		{"year", "Year", func(d *Data) { d.Year = 0 }, "pas plausible"},
		{"territory", "TerritoryLabel", func(d *Data) { d.TerritoryLabel = " " }, "territoire"},
		{"service", "ServiceName", func(d *Data) { d.ServiceName = "" }, "service de l'État"},
		{"campaign", "CampaignTitle", func(d *Data) { d.CampaignTitle = "" }, "appel à projets"},
		{"association name", "AssociationName", func(d *Data) { d.AssociationName = "\t" }, "nom de l'association"},
		{"association name unprintable", "AssociationName", func(d *Data) { d.AssociationName = "Дружба" }, "ne peut pas être imprimé"},
		{"association name with a line break", "AssociationName", func(d *Data) { d.AssociationName = "A\nB" }, "ne peut pas être imprimé"},
		{"association id", "AssociationID", func(d *Data) { d.AssociationID = "" }, "SIRET ou RNA"},
		{"association id shape", "AssociationID", func(d *Data) { d.AssociationID = "732829320" }, "ni un SIRET"},
		{"siret length", "AssociationID", func(d *Data) { d.AssociationID = "SIRET 732 829 320 0007" }, "14 chiffres"},
		{"project", "ProjectTitle", func(d *Data) { d.ProjectTitle = "" }, "intitulé du projet"},
		{"theme", "ThemeLabel", func(d *Data) { d.ThemeLabel = "" }, "thématique"},
		{"zero amount", "GrantedCents", func(d *Data) { d.GrantedCents = 0 }, "strictement positif"},
		{"negative amount", "GrantedCents", func(d *Data) { d.GrantedCents = -100 }, "strictement positif"},
		{"annual with tranches", "Tranches", func(d *Data) { d.Tranches = []Tranche{{2027, 1_250_000}} }, "convention annuelle ne comporte pas de tranches"},
		{"cpo without tranches", "Tranches", func(d *Data) { d.Kind = CPO }, "au moins deux tranches"},
		{"cpo with one tranche", "Tranches", func(d *Data) { d.Kind = CPO; d.Tranches = []Tranche{{2027, 1_250_000}} }, "au moins deux tranches"},
		{"cpo first tranche year", "Tranches", func(d *Data) {
			d.Kind = CPO
			d.Tranches = []Tranche{{2028, 1_250_000}, {2029, 1_250_000}}
		}, "première tranche doit porter sur l'année de la convention (2027)"},
		{"cpo tranche below granted", "Tranches", func(d *Data) {
			d.Kind = CPO
			d.Tranches = []Tranche{{2027, 1_000_000}, {2028, 1_250_000}}
		}, "inférieure au montant accordé pour la première année (GrantedCents : 12\u00a0500,00\u00a0€)"},
		{"cpo tranches summing below granted", "Tranches", func(d *Data) {
			d.Kind = CPO
			d.Tranches = []Tranche{{2026, 500_000}, {2027, 500_000}}
		}, "total des tranches (10\u00a0000,00\u00a0€) est inférieur au montant accordé"},
		{"cpo years not consecutive", "Tranches", func(d *Data) {
			d.Kind = CPO
			d.Tranches = []Tranche{{2027, 1_250_000}, {2029, 1_250_000}}
		}, "années consécutives (2029 après 2027)"},
		{"cpo empty tranche", "Tranches", func(d *Data) {
			d.Kind = CPO
			d.Tranches = []Tranche{{2027, 1_250_000}, {2028, 0}}
		}, "tranche 2028 doit être strictement positif"},
		{"no indicators", "Indicators", func(d *Data) { d.Indicators = nil }, "au moins un indicateur"},
		{"blank indicator", "Indicators", func(d *Data) { d.Indicators = append(d.Indicators, " ") }, "indicateur n° 4 est vide"},
		{"no PNE date", "PNECloseDate", func(d *Data) { d.PNECloseDate = time.Time{} }, "questionnaire PNE est obligatoire"},
		{"PNE date before issue", "PNECloseDate", func(d *Data) { d.PNECloseDate = day(2027, time.May, 31) }, "précède la date d'établissement"},
		{"no fiscal year end", "FiscalYearEnd", func(d *Data) { d.FiscalYearEnd = time.Time{} }, "fin de l'exercice"},
		{"fiscal year end of another year", "FiscalYearEnd", func(d *Data) { d.FiscalYearEnd = day(2026, time.December, 31) }, "ne peut pas se clore le 31 décembre 2026"},
		{"no report delay", "FinancialReportMonths", func(d *Data) { d.FinancialReportMonths = 0 }, "de 1 à 6 mois"},
		{"report delay beyond six months", "FinancialReportMonths", func(d *Data) { d.FinancialReportMonths = 7 }, "de 1 à 6 mois"},
		{"no issue date", "IssuedAt", func(d *Data) { d.IssuedAt = time.Time{} }, "date d'établissement"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			d := example()
			c.edit(&d)
			err := d.Validate()
			var ve ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("Validate() = %v, want a ValidationError on %s", err, c.field)
			}
			if got := ve.Fields(); !slices.Equal(got, []string{c.field}) {
				t.Errorf("fields = %v, want [%s] (%v)", got, c.field, err)
			}
			if !strings.Contains(err.Error(), c.field+" : ") || !strings.Contains(err.Error(), c.want) {
				t.Errorf("message %q lacks %q or %q", err, c.field+" : ", c.want)
			}
			if _, perr := d.PDF(); perr == nil {
				t.Errorf("PDF() rendered invalid data")
			}
		})
	}
}

func allText(cs []Clause) string {
	var b strings.Builder
	for _, c := range cs {
		b.WriteString(c.Title + "\n" + c.Text + "\n")
	}
	return b.String()
}

func clause(t *testing.T, cs []Clause, title string) Clause {
	t.Helper()
	for _, c := range cs {
		if strings.Contains(c.Title, title) {
			return c
		}
	}
	t.Fatalf("no article titled %q", title)
	return Clause{}
}

func mustContain(t *testing.T, where, text string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(text, w) {
			t.Errorf("%s lacks %q", where, w)
		}
	}
}

func mustNotContain(t *testing.T, where, text string, unwanted ...string) {
	t.Helper()
	for _, w := range unwanted {
		if strings.Contains(text, w) {
			t.Errorf("%s contains %q", where, w)
		}
	}
}

func checkNumbering(t *testing.T, cs []Clause) {
	t.Helper()
	for i, c := range cs {
		if c.Number != i+1 || c.Title == "" || c.Text == "" {
			t.Errorf("article %d: %+v", i+1, c)
		}
		for _, bad := range []string{"%!", "  ", " .", " ,", "l'article 0", "<nil>"} {
			if strings.Contains(c.Text, bad) {
				t.Errorf("article %d contains %q: %s", c.Number, bad, c.Text)
			}
		}
	}
}

func TestClausesAnnual(t *testing.T) {
	d := example()
	cs := d.Clauses()
	checkNumbering(t, cs)
	all := allText(cs)

	mustContain(t, "object", clause(t, cs, "Objet").Text,
		"« Ateliers sociolinguistiques à Vénissieux »", "« Apprentissage du français »",
		"« Intégration des étrangers primo-arrivants dans le Rhône »", "Rhône (69)", "l'année 2027")
	mustContain(t, "duration", clause(t, cs, "Durée").Text, "porte sur l'année 2027", "prend effet à la date de sa signature")
	mustContain(t, "amount", clause(t, cs, "Montant").Text,
		"12\u00a0500,00\u00a0€ (douze mille cinq cents euros)", "programme 104", "action 12")
	// §8.5 says it, and no more: no « premier titre de séjour … moins de cinq ans », no CIR condition.
	pub := clause(t, cs, "Public éligible").Text
	mustContain(t, "eligible public", pub,
		"ne peuvent financer que des actions à destination des étrangers primo-arrivants",
		"actions mixtes ouvertes par exemple aux demandeurs d'asile", "proportionnelle aux étrangers éligibles effectivement bénéficiaires",
		"vérifie l'éligibilité de chaque bénéficiaire", "Source : Instruction du 26 mars 2024, NOR IOMV2403137J, §8.5.")
	mustNotContain(t, "eligible public", pub, "cinq ans", "premier titre de séjour", "contrat d'intégration républicaine")
	// The year's policy gives it, with its source; the association's own check is quoted.
	d.EligiblePublic = EligiblePublic{Definition: "Définition de la politique 2027.", MixedActions: "Actions mixtes au prorata.",
		Check: "Registre des bénéficiaires.", Source: "Politique 2027 (§8.5, §1.1)."}
	d.PublicCheck = "copie du titre de séjour à l'inscription"
	mustContain(t, "policy's eligible public", clause(t, d.Clauses(), "Public éligible").Text, "Définition de la politique 2027.",
		"Actions mixtes au prorata.", "Registre des bénéficiaires.", "Source : Politique 2027 (§8.5, §1.1).",
		"Modalités de vérification précisées par l'association dans sa demande : « copie du titre de séjour à l'inscription ».")
	d.EligiblePublic, d.PublicCheck = EligiblePublic{}, ""
	mustContain(t, "publicity", clause(t, cs, "soutien de l'État").Text, "fait état du soutien financier de l'État", "§1.3")
	mustContain(t, "mixity", clause(t, cs, "Mixité").Text, "moyens qu'elle met en œuvre pour atteindre la mixité (femmes et hommes)", "§5.3")
	mustContain(t, "annex 1", d.Text(), "Annexe 1 – Critères d'évaluation et indicateurs de l'action",
		"Critères d'évaluation fixés par l'appel à projets :", "Indicateurs de suivi et de résultats à transmettre :",
		"– taux d'assiduité.")
	ind := clause(t, cs, "Indicateurs")
	mustContain(t, "indicators", ind.Text, "article 10 de la loi n° 2000-321",
		"– nombre de bénéficiaires, dont bénéficiaires de la protection internationale ;",
		"– part des bénéficiaires ayant progressé d'au moins un niveau du CECRL ;",
		"– taux d'assiduité.")
	mustContain(t, "PNE", clause(t, cs, "PNE").Text, "Plan national d'évaluation", "au plus tard le 31 mai 2028", "renouvellement")
	crf := clause(t, cs, "Compte rendu financier")
	mustContain(t, "compte rendu", crf.Text, "Cerfa n° 15059*02", "dans les 6 mois suivant la fin de l'exercice",
		"se clôturant le 31 décembre 2027", "au plus tard le 30 juin 2028")
	mustContain(t, "Réfugiés.info", clause(t, cs, "Réfugiés.info").Text, "est invitée à recenser", "« Réfugiés.info »")
	mustContain(t, "Carif-Oref", clause(t, cs, "Carif-Oref").Text, "l'obligation de la référencer auprès du Carif-Oref", "cartographie nationale")
	mustContain(t, "control", clause(t, cs, "Contrôle").Text, "contrôles sur site", "sur pièces et sur place", "publics ciblés")
	mustContain(t, "repayment", clause(t, cs, "Reversement").Text, "non-exécution", "reversement de tout ou partie")
	mustContain(t, "payment", clause(t, cs, "versement").Text, "après la signature")
	mustContain(t, "CER", clause(t, cs, "engagement républicain").Text,
		"déclare avoir souscrit le contrat d'engagement républicain", "article 10-1 de la loi n° 2000-321", "six mois")
	// Cross-references point at the right articles.
	mustContain(t, "repayment", clause(t, cs, "Reversement").Text,
		"l'article "+strconv.Itoa(clause(t, cs, "Public éligible").Number), "l'article "+strconv.Itoa(crf.Number))

	mustNotContain(t, "annual convention", all, "loi de finances", "tranche", "Évaluation annuelle", "3 %", "revalorisation")

	d.LanguageTraining = false
	mustNotContain(t, "non-language convention", allText(d.Clauses()), "Carif-Oref")
	checkNumbering(t, d.Clauses())

	// §8.1: the 3 % revaluation is an article only when the decision says the structure applies it.
	d.PayRevaluation = true
	mustContain(t, "revaluation", clause(t, d.Clauses(), "Revalorisation").Text, "revalorisation de 3 %", "§8.1")
	checkNumbering(t, d.Clauses())
}

// Annex 1 prints the call's evaluation criteria, then its indicators (§8.4).
func TestAnnex1CriteriaAndIndicators(t *testing.T) {
	d := example()
	d.EvaluationCriteria = []string{"progression linguistique", " assiduité "}
	got := d.annex1()
	want := "Thématique : Apprentissage du français.\n" +
		"Critères d'évaluation fixés par l'appel à projets :\n– progression linguistique ;\n– assiduité ;\n" +
		"Indicateurs de suivi et de résultats à transmettre :\n" +
		"– nombre de bénéficiaires, dont bénéficiaires de la protection internationale ;\n" +
		"– part des bénéficiaires ayant progressé d'au moins un niveau du CECRL ;\n– taux d'assiduité."
	if got != want {
		t.Errorf("annex 1:\n%s\nwant:\n%s", got, want)
	}
	d.EvaluationCriteria = nil
	mustContain(t, "annex 1 without criteria", d.annex1(), "– les indicateurs ci-dessous, au regard des objectifs du projet ;")
}

func TestClausesCPO(t *testing.T) {
	d := cpoExample()
	cs := d.Clauses()
	checkNumbering(t, cs)
	all := allText(cs)
	mustContain(t, "duration", clause(t, cs, "Durée").Text, "porte sur les années 2027 à 2029")
	mustContain(t, "amount", clause(t, cs, "Montant").Text,
		"Au titre de l'année 2027, l'administration attribue à l'association une subvention de 40\u00a0000,00\u00a0€ (quarante mille euros)",
		"– 2027 : 40\u00a0000,00\u00a0€ au plus ;", "– 2028 : 42\u00a0000,00\u00a0€ au plus ;", "– 2029 : 42\u00a0000,00\u00a0€ au plus.",
		"124\u00a0000,00\u00a0€ (cent vingt-quatre mille euros)")
	tr := clause(t, cs, "tranches")
	mustContain(t, "tranches", tr.Text, "Pour les années 2028 et 2029,", "inscription des crédits correspondants en loi de finances",
		"ne constituent pas un engagement", "l'article "+strconv.Itoa(clause(t, cs, "Évaluation annuelle").Number))
	mustContain(t, "evaluation", clause(t, cs, "Évaluation annuelle").Text, "Chaque année", "évaluation finale")
	mustContain(t, "revaluation", clause(t, cs, "Revalorisation").Text, "revalorisation de 3 %", "convention collective nationale",
		"accord local", "décision unilatérale")
	// Each tranche's report, with its exercice and its due date (§8.4: six months after the exercice).
	mustContain(t, "compte rendu", clause(t, cs, "Compte rendu financier").Text, "chaque tranche annuelle",
		"– tranche 1 (2027) : exercice se clôturant le 31 décembre 2027, compte rendu financier dû au plus tard le 30 juin 2028 ;",
		"– tranche 2 (2028) : exercice se clôturant le 31 décembre 2028, compte rendu financier dû au plus tard le 30 juin 2029 ;",
		"– tranche 3 (2029) : exercice se clôturant le 31 décembre 2029, compte rendu financier dû au plus tard le 30 juin 2030.")
	mustNotContain(t, "compte rendu", clause(t, cs, "Compte rendu financier").Text, "tranche 4")
	// A structure whose exercice closes on 31 August: each tranche's report is due on the last day of February (2028 is a leap year).
	aug := d
	aug.FiscalYearEnd = day(2027, time.August, 31)
	mustContain(t, "August exercice", clause(t, aug.Clauses(), "Compte rendu financier").Text,
		"– tranche 1 (2027) : exercice se clôturant le 31 août 2027, compte rendu financier dû au plus tard le 29 février 2028 ;",
		"– tranche 2 (2028) : exercice se clôturant le 31 août 2028, compte rendu financier dû au plus tard le 28 février 2029 ;")
	// Under the demo calendar, before the signature, each tranche says how long after it.
	demo := d
	demo.DueAfterSignature = 3 * time.Minute
	mustContain(t, "demo CPO", clause(t, demo.Clauses(), "Compte rendu financier").Text,
		"– tranche 1 (2027) : compte rendu financier dû 3 minutes après la signature ;",
		"– tranche 3 (2029) : compte rendu financier dû 9 minutes après la signature.")
	mustNotContain(t, "non-language CPO", all, "Carif-Oref")
	// The mandatory content of every convention is there too.
	mustContain(t, "CPO", all, "proportionnelle", "Cerfa n° 15059*02", "30 juin 2028", "31 mai 2028", "Réfugiés.info",
		"contrat d'engagement républicain", "taux d'assiduité")

	d.Tranches = d.Tranches[:2]
	mustContain(t, "two-year CPO", clause(t, d.Clauses(), "tranches").Text, "Pour l'année 2028,")
	mustContain(t, "two-year CPO", clause(t, d.Clauses(), "Durée").Text, "porte sur les années 2027 et 2028")
	d.Tranches = append(d.Tranches, Tranche{2029, 1}, Tranche{2030, 1})
	mustContain(t, "four-year CPO", clause(t, d.Clauses(), "tranches").Text, "Pour les années 2028 à 2030,")
}

func TestFinancialReportDue(t *testing.T) {
	cases := []struct {
		end    time.Time
		months int
		want   time.Time
	}{
		{day(2027, time.December, 31), 6, day(2028, time.June, 30)},
		{day(2027, time.August, 31), 6, day(2028, time.February, 29)}, // 2028 is a leap year
		{day(2026, time.August, 31), 6, day(2027, time.February, 28)},
		{day(2027, time.June, 30), 6, day(2027, time.December, 30)},
		{day(2027, time.March, 15), 3, day(2027, time.June, 15)},
		// 23:30 UTC on 31 December is already 1 January in Paris.
		{time.Date(2027, time.December, 31, 23, 30, 0, 0, time.UTC), 6, day(2028, time.July, 1)},
	}
	for _, c := range cases {
		d := Data{FiscalYearEnd: c.end, FinancialReportMonths: c.months}
		got := d.FinancialReportDue()
		if !got.Equal(c.want) || got.Location().String() != "Europe/Paris" {
			t.Errorf("%s + %d months = %s, want %s", c.end, c.months, got, c.want)
		}
	}
}

func TestEurosInWords(t *testing.T) {
	words := map[int64]string{
		0: "zéro euro", 100: "un euro", 150: "un euro et cinquante centimes", 1_700: "dix-sept euros",
		2_100: "vingt et un euros", 7_100: "soixante et onze euros", 7_700: "soixante-dix-sept euros",
		8_000: "quatre-vingts euros", 8_100: "quatre-vingt-un euros", 9_100: "quatre-vingt-onze euros",
		9_900: "quatre-vingt-dix-neuf euros", 20_000: "deux cents euros", 20_100: "deux cent un euros",
		100_000: "mille euros", 200_000: "deux mille euros", 8_000_000: "quatre-vingt mille euros",
		20_000_000: "deux cent mille euros", 1_250_000: "douze mille cinq cents euros",
		2_100_000: "vingt et un mille euros", 100_000_000: "un million d'euros",
		8_000_000_000: "quatre-vingts millions d'euros", 120_000_000: "un million deux cent mille euros",
		15_099_901: "cent cinquante mille neuf cent quatre-vingt-dix-neuf euros et un centime",
	}
	for cents, want := range words {
		if got := formatEurosWords(cents); got != want {
			t.Errorf("formatEurosWords(%d) = %q, want %q", cents, got, want)
		}
	}
}

func TestTextPrintable(t *testing.T) {
	for name, d := range map[string]Data{"annual": example(), "cpo": cpoExample()} {
		text := d.Text()
		for i, line := range strings.Split(text, "\n") {
			if r, bad := unprintable(line); bad {
				t.Errorf("%s line %d: %q cannot be printed: %s", name, i+1, r, line)
			}
		}
		mustContain(t, name, text, "CONVENTION ATTRIBUTIVE DE SUBVENTION", "Entre", "d'une part,", "d'autre part.",
			"Il est convenu ce qui suit :", "Pour l'État,", "Pour l'association,", "Fait à ___", "le ___",
			d.AssociationName, d.AssociationID, d.ServiceName, "Établie le 14 juin 2027")
	}
}

// TestGolden pins the articles of the fixed examples; go test ./convention -update rewrites them.
func TestGolden(t *testing.T) {
	for file, d := range map[string]Data{"annuelle.txt.golden": example(), "pluriannuelle.txt.golden": cpoExample()} {
		got := ClausesText(d.Clauses())
		path := filepath.Join("testdata", file)
		if *update {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		want, err := os.ReadFile(path)
		if err != nil {
			t.Fatalf("%v (run go test ./convention -update)", err)
		}
		if got != string(want) {
			t.Errorf("%s differs from the articles (run go test ./convention -update after review):\n%s", path, got)
		}
	}
}
