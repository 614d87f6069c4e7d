package convention

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/dian-p104/aap/internal/french"
)

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
	d.validateParties(add)
	d.validateAmounts(add)
	d.validateIndicators(add)
	d.validateDates(add)
	if len(errs) == 0 {
		return nil
	}
	return errs
}

// addFunc records one refusal of Validate on a field of Data.
type addFunc func(field, format string, args ...any)

// validateParties checks what names the convention and its parties: reference, kind, year,
// territory, service, call, association and its SIRET or RNA, project and theme.
func (d Data) validateParties(add addFunc) {
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
}

// validateAmounts checks the amount granted and, by kind, the tranches.
func (d Data) validateAmounts(add addFunc) {
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
}

// validateIndicators checks the call's follow-up indicators (§8.4).
func (d Data) validateIndicators(add addFunc) {
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
}

// validateDates checks the issue date, the PNE deadline, the fiscal year's end and the
// delay of the compte-rendu financier.
func (d Data) validateDates(add addFunc) {
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
}

func (d Data) validateTranches(add addFunc) {
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
