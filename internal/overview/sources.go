package overview

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// DefaultSources are the figures of the overview, one SQL query each. Append a
// source to add a table's figures.
func DefaultSources() []Source {
	return []Source{
		{Name: "campaigns", Collect: campaignFigures},
		{Name: "dossiers", Collect: dossierFigures},
		{Name: "conventions", Collect: conventionFigures},
		{Name: "pne", Collect: pneFigures},
		{Name: "financial_reports", Collect: financialReportFigures},
		{Name: "controls", Collect: controlFigures},
		{Name: "renewal_blocks", Collect: renewalBlockFigures},
		{Name: "ctai_requests", Collect: ctaiFigures},
	}
}

// DefaultOverdues are the deadline checks of the overview, one SQL query each.
func DefaultOverdues() []OverdueSource {
	return []OverdueSource{
		{Name: "aap_not_published", Collect: unpublishedCalls},
		{Name: "convention_unsigned", Collect: unsignedConventions},
		{Name: OverdueFinancialReport, Collect: overdueFinancialReports},
		{Name: OverdueControlSynthesis, Collect: lateControlSyntheses},
		{Name: OverdueControlGap, Collect: controlGaps},
	}
}

// campaignFigures counts the calls by phase; the envelopes of calls not cancelled add up.
func campaignFigures(ctx context.Context, db *gorm.DB, q Query, add Adder) error {
	var rows []struct {
		Level, Territory, Phase string
		N, Published            int64
		Budget                  int64
	}
	err := db.WithContext(ctx).Table("campaigns").
		Select("level, territory, phase, COUNT(*) AS n, COALESCE(SUM(budget_cents), 0) AS budget, "+
			"COALESCE(SUM(CASE WHEN published_at IS NULL THEN 0 ELSE 1 END), 0) AS published").
		Where("year = ? AND workflow_pending = ?", q.Year, false).Group("level, territory, phase").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		add(region, dep, CampaignsTotal, r.N)
		add(region, dep, CampaignsInPhase(r.Phase), r.N)
		add(region, dep, CampaignsPublished, r.Published)
		if r.Phase != models.PhaseCancelled {
			add(region, dep, EnvelopeCents, r.Budget)
		}
	}
	return nil
}

// dossierFigures counts the dossiers filed (not cancelled) and retained, the amounts
// requested and granted, and what the §8.1 shares are measured on.
func dossierFigures(ctx context.Context, db *gorm.DB, q Query, add Adder) error {
	themes := []string{""} // IN () is not valid SQL
	if q.Policy != nil && len(q.Policy.Selection.EmploymentLanguageThemes) > 0 {
		themes = q.Policy.Selection.EmploymentLanguageThemes
	}
	var rows []struct {
		Level, Territory                                             string
		Filed, Retained, Requested, Granted, EmploymentLanguage, BPI int64
		NonBPI                                                       int64 `gorm:"column:non_bpi"`
	}
	retained := "a.decision = '" + selection.Retained + "'"
	err := db.WithContext(ctx).Table("applications AS a").
		Select("c.level, c.territory, COUNT(*) AS filed, "+
			"COALESCE(SUM(CASE WHEN "+retained+" THEN 1 ELSE 0 END), 0) AS retained, "+
			"COALESCE(SUM(a.requested_cents), 0) AS requested, "+
			"COALESCE(SUM(CASE WHEN "+retained+" THEN a.granted_cents ELSE 0 END), 0) AS granted, "+
			"COALESCE(SUM(CASE WHEN "+retained+" AND a.theme IN ? THEN a.granted_cents ELSE 0 END), 0) AS employment_language, "+
			"COALESCE(SUM(CASE WHEN "+retained+" THEN a.beneficiaries_bpi ELSE 0 END), 0) AS bpi, "+
			"COALESCE(SUM(CASE WHEN "+retained+" THEN a.beneficiaries_non_bpi ELSE 0 END), 0) AS non_bpi", themes).
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").
		Where("c.year = ? AND a.state <> ? AND a.workflow_pending = ?", q.Year, models.ApplicationCancelled, false).
		Group("c.level, c.territory").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		add(region, dep, DossiersFiled, r.Filed)
		add(region, dep, DossiersRetained, r.Retained)
		add(region, dep, RequestedCents, r.Requested)
		add(region, dep, GrantedCents, r.Granted)
		add(region, dep, EmploymentLanguageCents, r.EmploymentLanguage)
		add(region, dep, BeneficiariesBPI, r.BPI)
		add(region, dep, BeneficiariesNonBPI, r.NonBPI)
	}
	return nil
}

// conventionFigures counts the conventions by state; the signed ones are the credits committed.
func conventionFigures(ctx context.Context, db *gorm.DB, q Query, add Adder) error {
	var rows []struct {
		Level, Territory, State string
		N, Granted              int64
	}
	err := db.WithContext(ctx).Table("conventions AS v").
		Select("c.level, c.territory, v.state, COUNT(*) AS n, COALESCE(SUM(v.granted_cents), 0) AS granted").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Where("c.year = ?", q.Year).Group("c.level, c.territory, v.state").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		switch r.State {
		case models.ConventionSigned:
			add(region, dep, ConventionsSigned, r.N)
			add(region, dep, CommittedCents, r.Granted)
		case models.ConventionAwaitingSignature:
			add(region, dep, ConventionsAwaiting, r.N)
		case models.ConventionLapsed:
			add(region, dep, ConventionsLapsed, r.N)
		}
	}
	return nil
}

// pneFigures counts the structures of the year's PNE and their answers (§8.4).
func pneFigures(ctx context.Context, db *gorm.DB, q Query, add Adder) error {
	var rows []struct {
		Region, Department string
		N, Answered        int64
	}
	err := db.WithContext(ctx).Table("pne_structures").
		Select("region, department, COUNT(*) AS n, COALESCE(SUM(CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END), 0) AS answered").
		Where("year = ?", q.Year).Group("region, department").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		add(r.Region, r.Department, PNEStructures, r.N)
		add(r.Region, r.Department, PNEAnswered, r.Answered)
	}
	return nil
}

// unpublishedCalls lists the calls not published by the policy's aap_publish_by
// (§8.3: end of Q1): still unpublished past it, or published after it.
func unpublishedCalls(ctx context.Context, db *gorm.DB, q Query) ([]Overdue, error) {
	if q.Policy == nil || q.Policy.Calendar.AAPPublishBy.IsZero() {
		return nil, nil
	}
	by := q.Policy.Calendar.AAPPublishBy.In(q.Year)
	deadline := by.EndOfDay()
	var rows []struct {
		ID, Level, Territory, Title string
		PublishedAt                 *time.Time
	}
	err := db.WithContext(ctx).Table("campaigns").Select("id, level, territory, title, published_at").
		Where("year = ? AND phase <> ? AND workflow_pending = ?", q.Year, models.PhaseCancelled, false).
		Where("(published_at IS NULL AND ? > ?) OR published_at > ?", q.Now.UTC(), deadline.UTC(), deadline.UTC()).
		Order("territory, id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Overdue, 0, len(rows))
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		msg := "Appel à projets « " + r.Title + " » non publié au " + by.French() + " (fin du premier trimestre)."
		if r.PublishedAt != nil {
			msg = "Appel à projets « " + r.Title + " » publié le " + french.Date(*r.PublishedAt) +
				", après la date limite du " + by.French() + "."
		}
		out = append(out, Overdue{Kind: "aap_not_published", Region: region, Department: dep, CampaignID: r.ID,
			Due: deadline, Message: msg})
	}
	return out, nil
}

// unsignedConventions lists the conventions still unsigned past the policy's
// lapse delay, and those that lapsed for that reason.
func unsignedConventions(ctx context.Context, db *gorm.DB, q Query) ([]Overdue, error) {
	if q.Policy == nil || q.Policy.Convention.LapseAfter <= 0 {
		return nil, nil
	}
	lapse := time.Duration(q.Policy.Convention.LapseAfter)
	var rows []struct {
		ID, Reference, State, CampaignID, Level, Territory string
		CreatedAt                                          time.Time
	}
	err := db.WithContext(ctx).Table("conventions AS v").
		Select("v.id, v.reference, v.state, v.campaign_id, v.created_at, c.level, c.territory").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Where("c.year = ?", q.Year).
		Where("v.state = ? OR (v.state = ? AND v.created_at < ?)", models.ConventionLapsed,
			models.ConventionAwaitingSignature, q.Now.UTC().Add(-lapse)).
		Order("v.created_at, v.id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Overdue, 0, len(rows))
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		due := r.CreatedAt.Add(lapse)
		msg := "Convention " + r.Reference + " non signée au " + french.Date(due) + " (délai de signature dépassé)."
		if r.State == models.ConventionLapsed {
			msg = "Convention " + r.Reference + " caduque : non signée dans le délai (" + french.Date(due) + ")."
		}
		out = append(out, Overdue{Kind: "convention_unsigned", Region: region, Department: dep, CampaignID: r.CampaignID,
			ConventionID: r.ID, Due: due, Message: msg})
	}
	return out, nil
}
