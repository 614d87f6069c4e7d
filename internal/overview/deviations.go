package overview

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// Kinds of deviation shown to DIAN.
const (
	// DeviationObjectives: a selection left an objective of §8.1 unmet (on the call, its
	// department or its region), recorded with the committee's justification.
	DeviationObjectives = "objectives"
	// DeviationCalendar: a call published after the end of Q1 or closing after 31 May (§8.3),
	// with the difficulty the correspondent reported.
	DeviationCalendar = "calendar"
)

// Deviation is one call that departs from the instruction's objectives or calendar, with the
// justification written, for DIAN to follow up.
type Deviation struct {
	Kind          string   `json:"kind"` // DeviationObjectives | DeviationCalendar
	CampaignID    string   `json:"campaign_id"`
	Title         string   `json:"title"`
	Region        string   `json:"region"`
	Department    string   `json:"department,omitempty"`
	Details       []string `json:"details"` // French, one per objective or date
	Justification string   `json:"justification"`
}

// PolicyInfo says which instruction's rules the year follows: its own, or an earlier one's.
type PolicyInfo struct {
	Year      int    `json:"year"`
	RulesYear int    `json:"rules_year"`
	Fallback  bool   `json:"fallback"`
	Message   string `json:"message,omitempty"` // French, when Fallback
}

// policyInfo: a year without its own policy file follows the latest earlier one.
func policyInfo(year int, p *policy.Policy) *PolicyInfo {
	if p == nil {
		return nil
	}
	info := &PolicyInfo{Year: year, RulesYear: p.Year, Fallback: p.Year < year}
	if info.Fallback {
		info.Message = fmt.Sprintf("Aucune instruction %d n'est encore transcrite : les appels %d suivent les règles de l'instruction %d (seuils, calendrier, PNE).",
			year, year, p.Year)
	}
	return info
}

// deviations lists the year's calls with a late calendar and the selections recorded under
// an objective, by territory then title (cancelled calls left out).
func deviations(ctx context.Context, db *gorm.DB, year int) ([]Deviation, error) {
	var rows []struct {
		ID, Level, Territory, Title                    string
		PublishAt, CloseAt                             time.Time
		PublishLate, CloseLate                         bool
		CalendarJustification, ObjectivesJustification string
		ObjectivesDeviations                           string
	}
	err := db.WithContext(ctx).Table("campaigns").
		Select("id, level, territory, title, publish_at, close_at, publish_late, close_late, calendar_justification, "+
			"objectives_justification, objectives_deviations").
		Where("year = ? AND phase <> ? AND workflow_pending = ?", year, models.PhaseCancelled, false).
		Where("publish_late = ? OR close_late = ? OR (objectives_deviations IS NOT NULL AND objectives_deviations NOT IN ('', 'null', '[]'))", true, true).
		Order("territory, title, id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	out := []Deviation{}
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		base := Deviation{CampaignID: r.ID, Title: r.Title, Region: region, Department: dep}
		if r.PublishLate || r.CloseLate {
			d := base
			d.Kind, d.Justification = DeviationCalendar, r.CalendarJustification
			if r.PublishLate {
				d.Details = append(d.Details, "publié le "+french.Date(r.PublishAt)+", après la fin du premier trimestre (§8.3)")
			}
			if r.CloseLate {
				d.Details = append(d.Details, "clôturé le "+french.Date(r.CloseAt)+", après la fin mai (§8.3)")
			}
			out = append(out, d)
		}
		var devs []selection.Deviation
		if r.ObjectivesDeviations != "" {
			if err := json.Unmarshal([]byte(r.ObjectivesDeviations), &devs); err != nil {
				return nil, fmt.Errorf("campaign %s objectives_deviations: %w", r.ID, err)
			}
		}
		if len(devs) > 0 {
			d := base
			d.Kind, d.Justification = DeviationObjectives, r.ObjectivesJustification
			for _, dev := range devs {
				d.Details = append(d.Details, dev.Message)
			}
			out = append(out, d)
		}
	}
	return out, nil
}

// Kinds of territory flags.
const (
	FlagNoCallPublished = "no_call_published" // no call of the department or its region published by the end of Q1
	FlagNoCallClosed    = "no_call_closed"    // none closed by 31 May
)

// TerritoryFlag is a department without any call published by the end of Q1, or closed by
// 31 May (§8.3), once that date has passed: a call of its region counts for it.
type TerritoryFlag struct {
	Kind       string    `json:"kind"`
	Region     string    `json:"region"`
	Department string    `json:"department"`
	Due        time.Time `json:"due"`
	Message    string    `json:"message"` // French
}

// territoryFlags checks every department against the policy's aap_publish_by and aap_close_by,
// each only once its day has ended (Paris).
func territoryFlags(ctx context.Context, db *gorm.DB, q Query) ([]TerritoryFlag, error) {
	out := []TerritoryFlag{}
	if q.Policy == nil || q.Policy.IsDemo() || q.Policy.Calendar.AAPPublishBy.IsZero() {
		return out, nil
	}
	var rows []struct {
		Level, Territory      string
		PublishedAt, ClosedAt *time.Time
	}
	err := db.WithContext(ctx).Table("campaigns").Select("level, territory, published_at, closed_at").
		Where("year = ? AND phase <> ? AND workflow_pending = ?", q.Year, models.PhaseCancelled, false).Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	for _, check := range []struct {
		kind, what string
		by         policy.Date
		at         func(i int) *time.Time
	}{
		{FlagNoCallPublished, "publié", q.Policy.Calendar.AAPPublishBy.In(q.Year), func(i int) *time.Time { return rows[i].PublishedAt }},
		{FlagNoCallClosed, "clôturé", q.Policy.Calendar.AAPCloseBy.In(q.Year), func(i int) *time.Time { return rows[i].ClosedAt }},
	} {
		deadline := check.by.EndOfDay()
		if !q.Now.After(deadline) {
			continue
		}
		covered := map[string]bool{} // region or department codes with a call in time
		for i, r := range rows {
			if at := check.at(i); at != nil && !at.After(deadline) {
				covered[r.Level+"/"+r.Territory] = true
			}
		}
		for _, d := range territory.Departments() {
			if covered["departmental/"+d.Code] || covered["regional/"+d.RegionCode] {
				continue
			}
			out = append(out, TerritoryFlag{Kind: check.kind, Region: d.RegionCode, Department: d.Code, Due: deadline,
				Message: fmt.Sprintf("Aucun appel à projets du département %s ou de sa région n'est %s au %s (§8.3).",
					territory.Label(d.Code, false), check.what, check.by.French())})
		}
	}
	return out, nil
}
