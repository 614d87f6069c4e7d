package overview

import (
	"context"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// Metrics of the conventions' follow-up (§8.4, §8.5) and of the CTAI (§3).
const (
	// FinancialReportsExpected counts the comptes-rendus financiers the year's signed conventions owe.
	FinancialReportsExpected = "financial_reports_expected"
	FinancialReportsReceived = "financial_reports_received"
	// FinancialReportsOverdue counts those not received past their due date.
	FinancialReportsOverdue = "financial_reports_overdue"
	// ControlsPlanned counts every on-site control of the year, held or not; ControlsDone those held.
	ControlsPlanned = "controls_planned"
	ControlsDone    = "controls_done"
	// RenewalsBlocked counts the year's dossiers with a renewal block not lifted (PNE or compte-rendu
	// financier) and final: a provisional PNE block is not counted until its closure confirms it.
	RenewalsBlocked = "renewals_blocked"
	// CTAIRequests counts the collectivités' CTAI requests of the year (new and renewals), and their opinions.
	CTAIRequests     = "ctai_requests"
	CTAIFavourable   = "ctai_favourable"
	CTAIUnfavourable = "ctai_unfavourable"
)

// Overdue kinds of the follow-up.
const (
	OverdueFinancialReport  = "financial_report_overdue"
	OverdueControlSynthesis = "control_synthesis_late"
	// OverdueControlGap: a department had no on-site control held by its region's synthesis date (§8.5).
	OverdueControlGap = "department_without_control"
)

// financialReportFigures counts the comptes-rendus financiers of the year's
// conventions: expected, received, and missing past their due date.
func financialReportFigures(ctx context.Context, db *gorm.DB, q Query, add Adder) error {
	var rows []struct {
		Level, Territory            string
		Expected, Received, Overdue int64
	}
	err := db.WithContext(ctx).Table("financial_reports AS r").
		Select("c.level, c.territory, COUNT(*) AS expected, "+
			"COALESCE(SUM(CASE WHEN r.received_at IS NULL THEN 0 ELSE 1 END), 0) AS received, "+
			"COALESCE(SUM(CASE WHEN r.received_at IS NULL AND r.due_at < ? THEN 1 ELSE 0 END), 0) AS overdue", q.Now.UTC()).
		Joins("JOIN conventions AS v ON v.id = r.convention_id").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Where("c.year = ?", q.Year).Group("c.level, c.territory").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		add(region, dep, FinancialReportsExpected, r.Expected)
		add(region, dep, FinancialReportsReceived, r.Received)
		add(region, dep, FinancialReportsOverdue, r.Overdue)
	}
	return nil
}

// controlFigures counts the year's on-site controls (§8.5), planned and held.
func controlFigures(ctx context.Context, db *gorm.DB, q Query, add Adder) error {
	var rows []struct {
		Region, Department string
		Planned, Done      int64
	}
	err := db.WithContext(ctx).Table("controls").
		Select("region, department, COUNT(*) AS planned, "+
			"COALESCE(SUM(CASE WHEN state = ? THEN 1 ELSE 0 END), 0) AS done", models.ControlDone).
		Where("year = ?", q.Year).Group("region, department").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		add(r.Region, r.Department, ControlsPlanned, r.Planned)
		add(r.Region, r.Department, ControlsDone, r.Done)
	}
	return nil
}

// renewalBlockFigures counts the year's dossiers (not cancelled) whose renewal
// is blocked: a block not lifted, whatever its rule; a dossier blocked twice counts once.
// A provisional block (a PNE questionnaire not closed yet) is not counted: the
// association may still answer, and the closure confirms or lifts it (§8.4).
func renewalBlockFigures(ctx context.Context, db *gorm.DB, q Query, add Adder) error {
	var rows []struct {
		Level, Territory string
		Blocked          int64
	}
	err := db.WithContext(ctx).Table("renewal_blocks AS b").
		Select("c.level, c.territory, COUNT(DISTINCT b.application_id) AS blocked").
		Joins("JOIN applications AS a ON a.id = b.application_id").
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").
		Where("c.year = ? AND a.state <> ? AND b.lifted_at IS NULL AND b.provisional = ?", q.Year, models.ApplicationCancelled, false).
		Group("c.level, c.territory").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		add(region, dep, RenewalsBlocked, r.Blocked)
	}
	return nil
}

// ctaiFigures counts the year's CTAI requests by department and their opinions (§3).
func ctaiFigures(ctx context.Context, db *gorm.DB, q Query, add Adder) error {
	var rows []struct {
		Territory                       string
		Filed, Favourable, Unfavourable int64
	}
	err := db.WithContext(ctx).Table("ctai_requests").
		Select("territory, COUNT(*) AS filed, "+
			"COALESCE(SUM(CASE WHEN opinion = ? THEN 1 ELSE 0 END), 0) AS favourable, "+
			"COALESCE(SUM(CASE WHEN opinion = ? THEN 1 ELSE 0 END), 0) AS unfavourable",
			ctai.OpinionFavourable, ctai.OpinionUnfavourable).
		Where("year = ? AND workflow_pending = ?", q.Year, false).Group("territory").Scan(&rows).Error
	if err != nil {
		return err
	}
	for _, r := range rows {
		region, dep := RegionOf(models.LevelDepartmental, r.Territory)
		add(region, dep, CTAIRequests, r.Filed)
		add(region, dep, CTAIFavourable, r.Favourable)
		add(region, dep, CTAIUnfavourable, r.Unfavourable)
	}
	return nil
}

// overdueFinancialReports lists the comptes-rendus financiers of the year's
// conventions not received past their due date (§8.4).
func overdueFinancialReports(ctx context.Context, db *gorm.DB, q Query) ([]Overdue, error) {
	var rows []struct {
		ConventionID, ConventionReference, CampaignID, Level, Territory string
		DueAt                                                           time.Time
	}
	err := db.WithContext(ctx).Table("financial_reports AS r").
		Select("r.convention_id, r.convention_reference, r.due_at, v.campaign_id, c.level, c.territory").
		Joins("JOIN conventions AS v ON v.id = r.convention_id").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Where("c.year = ? AND r.received_at IS NULL AND r.due_at < ?", q.Year, q.Now.UTC()).
		Order("r.due_at, r.convention_id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := make([]Overdue, 0, len(rows))
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		out = append(out, Overdue{Kind: OverdueFinancialReport, Region: region, Department: dep, CampaignID: r.CampaignID,
			ConventionID: r.ConventionID, Due: r.DueAt,
			Message: "Compte-rendu financier de la convention " + r.ConventionReference + " non reçu : il était attendu au plus tard le " +
				french.Date(r.DueAt) + "."})
	}
	return out, nil
}

// lateControlSyntheses lists the regions whose synthesis of the year's on-site
// controls (§8.5) was not sent to DIAN by its date, or was sent after it. A region
// owes one once it has controls in the year or a signed convention of the year's
// calls: controls are due in every department, so having none does not excuse the
// synthesis. The date is the one recorded with the synthesis, else the policy's
// calendar.control_synthesis_due; a region without either is not listed.
func lateControlSyntheses(ctx context.Context, db *gorm.DB, q Query) ([]Overdue, error) {
	regions, err := regionsOwingASynthesis(ctx, db, q.Year)
	if err != nil {
		return nil, err
	}
	var sent []struct {
		Region string
		DueOn  *string
		SentAt *time.Time
	}
	if err := db.WithContext(ctx).Table("control_syntheses").Select("region, due_on, sent_at").
		Where("year = ?", q.Year).Scan(&sent).Error; err != nil {
		return nil, err
	}
	type synthesis struct {
		dueOn  *string
		sentAt *time.Time
	}
	byRegion := make(map[string]synthesis, len(sent))
	for _, r := range sent {
		byRegion[r.Region] = synthesis{r.DueOn, r.SentAt}
	}
	var out []Overdue
	for _, region := range regions {
		s := byRegion[region]
		due, ok := synthesisDue(q, s.dueOn)
		if !ok {
			continue
		}
		deadline := due.EndOfDay()
		name := fmt.Sprintf("Synthèse %d des contrôles sur place de la région %s", q.Year, territory.RegionName(region))
		var msg string
		switch {
		case !q.Now.After(deadline):
			continue // not due yet (an overview of a past day ignores later sendings)
		case s.sentAt == nil:
			msg = name + " non transmise à la DIAN au " + due.French() + "."
		case s.sentAt.After(deadline):
			msg = name + " transmise le " + french.Date(*s.sentAt) + ", après la date limite du " + due.French() + "."
		default:
			continue
		}
		out = append(out, Overdue{Kind: OverdueControlSynthesis, Region: region, Due: deadline, Message: msg})
	}
	return out, nil
}

// regionsOwingASynthesis lists, sorted, the regions with controls in the year or
// a signed convention of the year's calls.
func regionsOwingASynthesis(ctx context.Context, db *gorm.DB, year int) ([]string, error) {
	var controlled []string
	if err := db.WithContext(ctx).Table("controls").Distinct("region").Where("year = ?", year).
		Pluck("region", &controlled).Error; err != nil {
		return nil, err
	}
	var funded []struct{ Level, Territory string }
	if err := db.WithContext(ctx).Table("conventions AS v").Distinct("c.level, c.territory").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Where("c.year = ? AND v.state = ?", year, models.ConventionSigned).Scan(&funded).Error; err != nil {
		return nil, err
	}
	set := map[string]bool{}
	for _, r := range controlled {
		set[r] = true
	}
	for _, f := range funded {
		region, _ := RegionOf(f.Level, f.Territory)
		set[region] = true
	}
	regions := make([]string, 0, len(set))
	for r := range set {
		regions = append(regions, r)
	}
	sort.Strings(regions)
	return regions, nil
}

// synthesisDue is the date recorded with a sent synthesis ("2024-09-30"), else the policy's.
func synthesisDue(q Query, dueOn *string) (policy.Date, bool) {
	if dueOn != nil {
		if t, err := time.ParseInLocation(time.DateOnly, *dueOn, french.Paris); err == nil {
			return policy.DateOf(t), true
		}
	}
	if q.Policy == nil || q.Policy.Calendar.ControlSynthesisDue.IsZero() {
		return policy.Date{}, false
	}
	return q.Policy.Calendar.ControlSynthesisDue.In(q.Year), true
}

// controlGaps lists the departments flagged, at their region's synthesis date,
// without an on-site control held although a signed convention counted there
// (§8.5: « dans chaque département, des contrôles sur site »), each with its
// controls held since, if any.
func controlGaps(ctx context.Context, db *gorm.DB, q Query) ([]Overdue, error) {
	var gaps []models.ControlGap
	if err := db.WithContext(ctx).Where("year = ?", q.Year).Order("region, department").Find(&gaps).Error; err != nil {
		return nil, err
	}
	out := make([]Overdue, 0, len(gaps))
	for _, g := range gaps {
		due, err := time.ParseInLocation(time.DateOnly, g.DueOn, french.Paris)
		if err != nil {
			return nil, fmt.Errorf("control gap %d/%s: %w", g.Year, g.Department, err)
		}
		var held int64
		if err := db.WithContext(ctx).Model(&models.Control{}).Where("year = ? AND region = ? AND department = ? AND state = ?",
			g.Year, g.Region, g.Department, models.ControlDone).Count(&held).Error; err != nil {
			return nil, err
		}
		msg := fmt.Sprintf("Aucun contrôle sur place réalisé dans le département %s à la date de la synthèse régionale (%s), pour %d convention(s) signée(s).",
			territory.Label(g.Department, false), french.Date(due), g.Candidates)
		if held > 0 {
			msg += fmt.Sprintf(" Depuis : %d contrôle(s) réalisé(s).", held)
		}
		out = append(out, Overdue{Kind: OverdueControlGap, Region: g.Region, Department: g.Department, Due: policy.DateOf(due).EndOfDay(), Message: msg})
	}
	return out, nil
}
