package convention

import (
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// FromRecords assembles the document of a stored convention from its dossier
// and its call, so the PDF sent for signature and the one the API serves are the same.
func FromRecords(app *models.Application, c *models.Campaign, conv *models.Convention) Data {
	regional := c.Level == models.LevelRegional
	service := "DDETS – " + territory.Label(c.Territory, false)
	if regional {
		service = "DREETS – " + territory.Label(c.Territory, true)
	}
	id := "RNA " + app.RNA
	if app.SIRET != "" {
		s := app.SIRET
		id = fmt.Sprintf("SIRET %s %s %s %s", s[0:3], s[3:6], s[6:9], s[9:])
	}
	var tranches []Tranche
	for _, t := range conv.Tranches {
		tranches = append(tranches, Tranche{Year: t.Year, MaxCents: t.MaxCents})
	}
	return Data{
		Tranches:  tranches,
		Reference: conv.Reference, Kind: conv.Kind, Year: c.Year,
		TerritoryLabel: territory.Label(c.Territory, regional), ServiceName: service, CampaignTitle: c.Title,
		AssociationName: app.AssociationName, AssociationID: id, ProjectTitle: app.Title,
		ThemeLabel: models.ThemeLabel(app.Theme), GrantedCents: conv.GrantedCents, Indicators: c.Indicators,
		PNECloseDate: conv.PNECloseDate, FiscalYearEnd: conv.FiscalYearEnd, FinancialReportMonths: conv.FinancialReportMonths,
		LanguageTraining: app.IsLanguageTraining(), PayRevaluation: app.PayRevaluation, IssuedAt: conv.CreatedAt,
		EligiblePublic: EligiblePublic(c.Policy.Convention.EligiblePublic), PublicCheck: app.PublicCheck,
		EvaluationCriteria: c.EvaluationCriteria,
		DueAfterSignature:  time.Duration(c.Policy.FinancialReport.DueAfterSignature), SignedAt: conv.SignedAt,
	}
}

// ExpectedReports are the comptes-rendus financiers (Cerfa n° 15059*02) a signed
// convention owes (§8.4), oldest first: an annual convention's one, for the subsidy's
// year; a CPO's one per yearly tranche (Data.Reports). Each is due at the end of the
// Paris day its rule gives; the demo policy places them due_after_signature apart
// after the signature instead.
func ExpectedReports(app *models.Application, c *models.Campaign, conv *models.Convention) []*models.FinancialReport {
	var out []*models.FinancialReport
	for _, r := range FromRecords(app, c, conv).Reports() {
		out = append(out, &models.FinancialReport{
			ConventionID: conv.ID, ConventionReference: conv.Reference, ApplicationID: app.ID,
			AssociationKey: app.AssociationKey, FiscalYear: r.Year, Tranche: r.Tranche, AmountCents: r.AmountCents, DueAt: r.DueAt,
		})
	}
	return out
}

// ExpectedReport is the first of ExpectedReports: an annual convention's only
// compte-rendu financier, a CPO's first tranche's.
func ExpectedReport(app *models.Application, c *models.Campaign, conv *models.Convention) *models.FinancialReport {
	return ExpectedReports(app, c, conv)[0]
}
