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
	"time"

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
	// DueAfterSignature (the demo policy only) places the compte-rendu financier's
	// due date that long after SignedAt instead of the fiscal-year rule.
	DueAfterSignature time.Duration
	SignedAt          *time.Time
	// LanguageTraining: a formation linguistique, including one « à visée professionnelle »:
	// mandatory listing on the Carif-Oref national map (§4.1.2, §8.5).
	LanguageTraining bool
	PayRevaluation   bool // the decision says the structure applies the 3 % pay revaluation (§8.1)
	// EligiblePublic is the year's policy's article on the eligible public and its check, with its
	// source (§8.5); empty, the convention quotes §8.5 itself (TextEligiblePublic).
	EligiblePublic EligiblePublic
	// PublicCheck is how the association said, when filing, it checks its public (optional).
	PublicCheck string
	// EvaluationCriteria are the call's criteria, printed with Indicators in annex 1 (§8.4).
	EvaluationCriteria []string
	IssuedAt           time.Time // when the engine drew the convention up
}

// EligiblePublic is what the convention says of the public it may fund (§8.5: « le public
// éligible et les modalités de vérification de ce public »), from the year's policy.
type EligiblePublic struct {
	Definition, MixedActions, Check, Source string
}

// TextEligiblePublic is §8.5's own words, printed when the policy gives none: the text
// defines the public no further (no duration of stay, no other condition).
var TextEligiblePublic = EligiblePublic{
	Definition: "Les crédits de l'action 12 du programme 104 ne peuvent financer que des actions à destination des étrangers primo-arrivants.",
	MixedActions: "Dans le cas d'actions mixtes ouvertes par exemple aux demandeurs d'asile, la part de la subvention devra être " +
		"proportionnelle aux étrangers éligibles effectivement bénéficiaires de l'action.",
	Check: "L'association vérifie l'éligibilité de chaque bénéficiaire lors de son entrée dans l'action et tient à la disposition " +
		"de l'administration les éléments permettant d'en justifier ; elle fait apparaître, dans ses comptes rendus, " +
		"le nombre total de bénéficiaires et le nombre de bénéficiaires éligibles.",
	Source: "Instruction du 26 mars 2024, NOR IOMV2403137J, §8.5.",
}

// MaxFinancialReportMonths is the legal ceiling (§8.4: "dans les 6 mois suivant la fin de
// l'exercice"): a convention may ask for the compte-rendu financier sooner, never later.
const MaxFinancialReportMonths = 6

// FinancialReportDue is the last day to send the compte-rendu financier: FiscalYearEnd plus
// FinancialReportMonths, as a Paris calendar day (midnight, Europe/Paris), clamped to the last day
// of the month when that month is shorter (31 August + 6 months → end of February).
//
// It is the one due date of the compte-rendu financier: the PDF, the emails, their .ics,
// the API and the reminders (through ExpectedReport) all read it from here. Under the demo
// policy a signed convention's report is due DueAfterSignature after the signature: its day
// is that instant's Paris day.
func (d Data) FinancialReportDue() time.Time {
	if at, ok := d.dueAfterSignature(); ok {
		y, m, day := at.In(french.Paris).Date()
		return time.Date(y, m, day, 0, 0, 0, 0, french.Paris)
	}
	return addMonthsClamped(d.FiscalYearEnd, d.FinancialReportMonths)
}

// FinancialReportDueAt is the instant the compte-rendu financier becomes overdue: the end
// of the Paris day FinancialReportDue gives, or under the demo policy DueAfterSignature
// after the signature.
func (d Data) FinancialReportDueAt() time.Time {
	if at, ok := d.dueAfterSignature(); ok {
		return at.UTC()
	}
	due := d.FinancialReportDue()
	return time.Date(due.Year(), due.Month(), due.Day()+1, 0, 0, 0, 0, french.Paris).Add(-time.Nanosecond).UTC()
}

func (d Data) dueAfterSignature() (time.Time, bool) {
	if d.DueAfterSignature <= 0 || d.SignedAt == nil {
		return time.Time{}, false
	}
	return d.SignedAt.Add(d.DueAfterSignature), true
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
