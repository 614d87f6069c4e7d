// Package convention writes the subsidy agreement (convention attributive de subvention) the
// State signs with each porteur de projet retained by a call for projects of programme 104,
// action 12, and renders it as a PDF attached to the email asking the association to sign.
//
// Its mandatory content comes from the annual instruction (§8.4, §8.5 and its annex 1): the
// eligible public and how it is checked (only primo-arrivants; mixed actions funded pro rata),
// reporting through the call's indicators, the PNE questionnaire answered within set dates, the
// compte-rendu financier (Cerfa n° 15059*02) within six months after the fiscal year, the
// incentive to list the action on Réfugiés.info, for language training the mandatory listing on
// the Carif-Oref national map, the yearly tranches of a convention pluriannuelle d'objectifs
// subject to the budget law (§8.2), the 3 % revaluation when it applies (§8.1), on-site controls
// (§8.5) and the contrat d'engagement républicain.
//
// The package is self-contained (standard library, fpdf and the internal/french formatting): dates
// are shown as Europe/Paris calendar days, money is int64 cents.
package convention

import (
	"fmt"
	"regexp"
	"strings"
	"time"
	"unicode"

	"github.com/dian-p104/aap/internal/french"
)

// Kind of convention.
const (
	Annual = "annuelle"
	CPO    = "pluriannuelle" // convention pluriannuelle d'objectifs: yearly tranches subject to the budget law (§8.2)
)

// Tranche is one year of a convention pluriannuelle d'objectifs: the maximum the State may commit
// that year, subject to the budget law.
type Tranche struct {
	Year     int
	MaxCents int64
}

// Data is everything the document says. Money is int64 cents; dates are time.Time shown as
// Europe/Paris calendar days.
type Data struct {
	Reference             string    // e.g. "CONV-2027-69-0001"
	Kind                  string    // Annual | CPO
	Year                  int       // year of the subsidy (first year of a CPO)
	TerritoryLabel        string    // "Rhône (69)" or "Auvergne-Rhône-Alpes (région 84)"
	ServiceName           string    // e.g. "DDETS du Rhône" (the State's service signing)
	CampaignTitle         string    // title of the call for projects
	AssociationName       string    // the porteur de projet
	AssociationID         string    // "SIRET 732 829 320 00074" or "RNA W691234567"
	ProjectTitle          string    // the funded action
	ThemeLabel            string    // "Apprentissage du français"
	GrantedCents          int64     // amount granted (for a CPO: for the first year, Year)
	Tranches              []Tranche // CPO only: one per year from Year, consecutive, each a maximum
	Indicators            []string  // the call's follow-up indicators the association reports on (§8.4)
	PNECloseDate          time.Time // the PNE questionnaire must be answered by this date (§8.4)
	FiscalYearEnd         time.Time // end of the subsidy's fiscal year (first year of a CPO)
	FinancialReportMonths int       // 6: compte-rendu financier (Cerfa n° 15059*02) within 6 months after FiscalYearEnd
	LanguageTraining      bool      // language actions: mandatory listing on the Carif-Oref national map (§4.1.2, §8.4)
	PayRevaluation        bool      // the 3 % revaluation for eligible structures (§8.1), when it applies
	IssuedAt              time.Time // when the engine drew the convention up
}

// FieldError is one refusal of Validate: the Go field of Data it concerns and a French message.
type FieldError struct {
	Field   string
	Message string
}

func (e FieldError) Error() string { return e.Field + " : " + e.Message }

// ValidationError lists every refusal of Validate, in the order of Data's fields.
type ValidationError []FieldError

func (v ValidationError) Error() string {
	msgs := make([]string, len(v))
	for i, e := range v {
		msgs[i] = e.Error()
	}
	return "convention invalide : " + strings.Join(msgs, " ; ")
}

// Fields returns the fields refused, in order, without duplicates.
func (v ValidationError) Fields() []string {
	var out []string
	seen := map[string]bool{}
	for _, e := range v {
		if !seen[e.Field] {
			seen[e.Field] = true
			out = append(out, e.Field)
		}
	}
	return out
}

// MaxFinancialReportMonths is the legal ceiling (§8.4: "dans les 6 mois suivant la fin de
// l'exercice"): a convention may ask for the compte-rendu financier sooner, never later.
const MaxFinancialReportMonths = 6

var (
	siretRE = regexp.MustCompile(`^SIRET [0-9 ]+$`)
	rnaRE   = regexp.MustCompile(`^RNA W[0-9A-Z]{9}$`)
)

// Validate reports missing or inconsistent data as a ValidationError whose French messages name
// the field; nil when the convention can be drawn up.
func (d Data) Validate() error {
	var errs ValidationError
	add := func(field, format string, args ...any) {
		errs = append(errs, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	required := func(field, value, what string) {
		if strings.TrimSpace(value) == "" {
			add(field, "%s est obligatoire", what)
			return
		}
		if r, ok := unprintable(value); ok {
			add(field, "le caractère %q ne peut pas être imprimé dans la convention (jeu Windows-1252)", r)
		}
	}

	required("Reference", d.Reference, "la référence de la convention")
	switch d.Kind {
	case Annual, CPO:
	case "":
		add("Kind", "le type de convention est obligatoire (« %s » ou « %s »)", Annual, CPO)
	default:
		add("Kind", "type de convention inconnu « %s » (attendu « %s » ou « %s »)", d.Kind, Annual, CPO)
	}
	if d.Year < 2000 || d.Year > 2100 {
		add("Year", "l'année de la subvention (%d) n'est pas plausible", d.Year)
	}
	required("TerritoryLabel", d.TerritoryLabel, "le territoire de l'appel à projets")
	required("ServiceName", d.ServiceName, "le service de l'État signataire")
	required("CampaignTitle", d.CampaignTitle, "le titre de l'appel à projets")
	required("AssociationName", d.AssociationName, "le nom de l'association")
	required("AssociationID", d.AssociationID, "l'identifiant de l'association (SIRET ou RNA)")
	if id := strings.TrimSpace(d.AssociationID); id != "" {
		switch {
		case siretRE.MatchString(id):
			if n := len(strings.ReplaceAll(strings.TrimPrefix(id, "SIRET "), " ", "")); n != 14 {
				add("AssociationID", "un numéro SIRET compte 14 chiffres (%d dans « %s »)", n, id)
			}
		case rnaRE.MatchString(id):
		default:
			add("AssociationID", "« %s » n'est ni un SIRET (« SIRET » suivi de 14 chiffres) ni un numéro RNA (« RNA W » suivi de 9 caractères)", id)
		}
	}
	required("ProjectTitle", d.ProjectTitle, "l'intitulé du projet")
	required("ThemeLabel", d.ThemeLabel, "la thématique du projet")
	if d.GrantedCents <= 0 {
		add("GrantedCents", "le montant accordé doit être strictement positif (%s)", french.Euros(d.GrantedCents))
	}

	switch d.Kind {
	case Annual:
		if len(d.Tranches) > 0 {
			add("Tranches", "une convention annuelle ne comporte pas de tranches (réservées à la convention pluriannuelle d'objectifs)")
		}
	case CPO:
		d.validateTranches(add)
	}

	if len(d.Indicators) == 0 {
		add("Indicators", "au moins un indicateur de suivi est obligatoire (§8.4)")
	}
	for i, ind := range d.Indicators {
		if strings.TrimSpace(ind) == "" {
			add("Indicators", "l'indicateur n° %d est vide", i+1)
		} else if r, ok := unprintable(ind); ok {
			add("Indicators", "l'indicateur n° %d contient le caractère %q, qui ne peut pas être imprimé (jeu Windows-1252)", i+1, r)
		}
	}

	if d.IssuedAt.IsZero() {
		add("IssuedAt", "la date d'établissement de la convention est obligatoire")
	}
	if d.PNECloseDate.IsZero() {
		add("PNECloseDate", "la date limite de réponse au questionnaire PNE est obligatoire (§8.4)")
	} else if !d.IssuedAt.IsZero() && parisDay(d.PNECloseDate).Before(parisDay(d.IssuedAt)) {
		add("PNECloseDate", "la date limite de réponse au PNE (%s) précède la date d'établissement de la convention (%s)",
			french.Date(d.PNECloseDate), french.Date(d.IssuedAt))
	}
	if d.FiscalYearEnd.IsZero() {
		add("FiscalYearEnd", "la date de fin de l'exercice de la subvention est obligatoire")
	} else if y := d.FiscalYearEnd.In(french.Paris).Year(); d.Year >= 2000 && (y < d.Year || y > d.Year+1) {
		add("FiscalYearEnd", "l'exercice de la subvention %d ne peut pas se clore le %s", d.Year, french.Date(d.FiscalYearEnd))
	}
	if d.FinancialReportMonths < 1 || d.FinancialReportMonths > MaxFinancialReportMonths {
		add("FinancialReportMonths", "le délai de transmission du compte rendu financier doit être de 1 à %d mois après la fin de l'exercice (§8.4), non %d",
			MaxFinancialReportMonths, d.FinancialReportMonths)
	}

	if len(errs) == 0 {
		return nil
	}
	return errs
}

func (d Data) validateTranches(add func(field, format string, args ...any)) {
	if len(d.Tranches) < 2 {
		add("Tranches", "une convention pluriannuelle d'objectifs doit prévoir au moins deux tranches annuelles (%d prévue)", len(d.Tranches))
	}
	if len(d.Tranches) == 0 {
		return
	}
	if first := d.Tranches[0]; first.Year != d.Year {
		add("Tranches", "la première tranche doit porter sur l'année de la convention (%d), non sur %d", d.Year, first.Year)
	} else if d.GrantedCents > 0 && first.MaxCents < d.GrantedCents {
		add("Tranches", "la tranche %d (%s) est inférieure au montant accordé pour la première année (GrantedCents : %s)",
			first.Year, french.Euros(first.MaxCents), french.Euros(d.GrantedCents))
	}
	var sum int64
	for i, t := range d.Tranches {
		if i > 0 && t.Year != d.Tranches[i-1].Year+1 {
			add("Tranches", "les tranches doivent porter sur des années consécutives (%d après %d)", t.Year, d.Tranches[i-1].Year)
		}
		if t.MaxCents <= 0 {
			add("Tranches", "le montant maximal de la tranche %d doit être strictement positif (%s)", t.Year, french.Euros(t.MaxCents))
		}
		sum += t.MaxCents
	}
	if d.GrantedCents > 0 && sum < d.GrantedCents {
		add("Tranches", "le total des tranches (%s) est inférieur au montant accordé (GrantedCents : %s)", french.Euros(sum), french.Euros(d.GrantedCents))
	}
}

// FinancialReportDue is the last day to send the compte-rendu financier: FiscalYearEnd plus
// FinancialReportMonths, as a Paris calendar day (midnight, Europe/Paris), clamped to the last day
// of the month when that month is shorter (31 August + 6 months → end of February).
func (d Data) FinancialReportDue() time.Time {
	return addMonthsClamped(d.FiscalYearEnd, d.FinancialReportMonths)
}

func addMonthsClamped(t time.Time, months int) time.Time {
	y, m, day := t.In(french.Paris).Date()
	first := time.Date(y, m+time.Month(months), 1, 0, 0, 0, 0, french.Paris)
	last := first.AddDate(0, 1, -1).Day()
	if day > last {
		day = last
	}
	return time.Date(first.Year(), first.Month(), day, 0, 0, 0, 0, french.Paris)
}

// cp1252High maps the runes Windows-1252 places in 0x80–0x9F (the rest of 0xA0–0xFF is Latin-1).
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// typoFold replaces the typographic runes outside Windows-1252 that French text commonly carries
// by their nearest printable equivalent.
var typoFold = strings.NewReplacer(
	"\u202f", "\u00a0", // espace fine insécable → espace insécable
	"\u2007", "\u00a0", // espace tabulaire
	"\u2009", " ", "\u200a", " ", "\u2002", " ", "\u2003", " ",
	"\u2010", "-", "\u2011", "-", "\u2212", "-",
	"\u200b", "", "\u2060", "", "\ufeff", "",
)

// unprintable returns the first rune of s that the PDF cannot print with the core fonts
// (Windows-1252), after typographic folding, and whether there is one. Control characters
// (line breaks included) count as unprintable in these one-line fields.
func unprintable(s string) (rune, bool) {
	for _, r := range typoFold.Replace(s) {
		switch {
		case r < 0x80:
			if unicode.IsControl(r) {
				return r, true
			}
		case r >= 0xA0 && r <= 0xFF:
		default:
			if _, ok := cp1252High[r]; !ok {
				return r, true
			}
		}
	}
	return 0, false
}
