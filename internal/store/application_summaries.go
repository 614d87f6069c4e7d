package store

import (
	"context"
	"encoding/json"
	"errors"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// ApplicationSummary is a dossier as a call's list shows it: what tells dossiers apart
// and what the committee weighs, without the project's texts, contacts and co-funders
// (GET /api/v1/applications/{id} has them). Reading 20 narrow columns instead of 50
// wide ones is most of a list page's cost (BenchmarkApplicationsListFirstPage).
type ApplicationSummary struct {
	ID, Reference, CampaignID     string
	Year                          int
	SIRET, RNA                    string
	AssociationName, Title, Theme string
	RequestedCents                int64
	TotalBudgetCents              int64
	DoubleFundingWith             []string
	Decision                      string
	GrantedCents                  int64
	DSNumber                      *int
	State                         string
	StateRecordedAt               *time.Time
	CreatedAt, UpdatedAt          time.Time
	// Blocked and BlockedProvisionally: a renewal block (§8.4) in force, final or provisional.
	Blocked, BlockedProvisionally bool
}

// summaryColumns are read in this order by scanSummary.
const summaryColumns = "id, reference, campaign_id, year, siret, rna, association_name, title, theme, " +
	"requested_cents, total_budget_cents, double_funding_with, decision, granted_cents, ds_number, " +
	"state, state_recorded_at, created_at, updated_at, " +
	// The renewal blocks in force (models.BlocksInForce's rule), probed per row through
	// idx_renewal_blocks_identity within the page's own query: no query per dossier, nor a
	// second one for the page.
	"EXISTS (SELECT 1 FROM renewal_blocks b WHERE b.application_id = applications.id AND b.lifted_at IS NULL AND NOT b.provisional), " +
	"EXISTS (SELECT 1 FROM renewal_blocks b WHERE b.application_id = applications.id AND b.lifted_at IS NULL AND b.provisional)"

// Summaries returns one page of a call's dossiers in filing order, as ApplicationSummary,
// without counting them (CountApplications does, when asked): the same filter, order and
// cursor as List, in one query with the renewal blocks in force.
func (s *Applications) Summaries(ctx context.Context, f ApplicationFilter) ([]ApplicationSummary, error) {
	q, err := s.callPage(ctx, s.db.WithContext(ctx).Model(&models.Application{}).Select(summaryColumns), f)
	if err != nil {
		return nil, err
	}
	rows, err := q.Rows()
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make([]ApplicationSummary, 0, f.Limit)
	for rows.Next() {
		var a ApplicationSummary
		if err := scanSummary(rows, &a); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// scanSummary reads one row of summaryColumns; nullable text reads as "".
func scanSummary(rows interface{ Scan(...any) error }, a *ApplicationSummary) error {
	var ref, siret, rna, decision, twins, state *string
	var ds *int64
	if err := rows.Scan(&a.ID, &ref, &a.CampaignID, &a.Year, &siret, &rna, &a.AssociationName, &a.Title, &a.Theme,
		&a.RequestedCents, &a.TotalBudgetCents, &twins, &decision, &a.GrantedCents, &ds,
		&state, &a.StateRecordedAt, &a.CreatedAt, &a.UpdatedAt, &a.Blocked, &a.BlockedProvisionally); err != nil {
		return err
	}
	a.Reference, a.SIRET, a.RNA, a.Decision, a.State = deref(ref), deref(siret), deref(rna), deref(decision), deref(state)
	if ds != nil {
		n := int(*ds)
		a.DSNumber = &n
	}
	// Most dossiers have no twin: "[]" (or NULL) is not decoded.
	if t := deref(twins); len(t) > 2 {
		if err := json.Unmarshal([]byte(t), &a.DoubleFundingWith); err != nil {
			return err
		}
	}
	return nil
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// CountApplications counts a call's dossiers matching f's state and theme.
func (s *Applications) CountApplications(ctx context.Context, f ApplicationFilter) (int64, error) {
	var n int64
	err := filterApplications(s.db.WithContext(ctx).Model(&models.Application{}).Where("campaign_id = ?", f.CampaignID), f).
		Count(&n).Error
	return n, err
}

// filterApplications adds f's state and theme.
func filterApplications(q *gorm.DB, f ApplicationFilter) *gorm.DB {
	if f.State != "" {
		q = q.Where("state = ?", f.State)
	}
	if f.Theme != "" {
		q = q.Where("theme = ?", f.Theme)
	}
	return q
}

// callPage narrows q to one page of f's call in filing order: f's state and theme, then
// the dossiers after f's cursor, or past f.Offset without one.
func (s *Applications) callPage(ctx context.Context, q *gorm.DB, f ApplicationFilter) (*gorm.DB, error) {
	q = filterApplications(q.Where("campaign_id = ?", f.CampaignID), f)
	if f.After != "" {
		// The cursor's own row gives the key: its created_at exactly as stored (the same
		// value and representation the comparison meets in the index, on SQLite as on PostgreSQL).
		at, err := s.cursorKey(ctx, f)
		if err != nil {
			return nil, err
		}
		// (created_at, id) > (at, after), written so that created_at >= ? bounds the index range.
		q = q.Where("created_at >= ? AND (created_at > ? OR id > ?)", at, at, f.After)
	} else if f.Offset > 0 {
		q = q.Offset(f.Offset)
	}
	return q.Order("created_at, id").Limit(f.Limit), nil
}

// cursorKey is the created_at of the cursor's dossier, exactly as stored (see callPage).
func (s *Applications) cursorKey(ctx context.Context, f ApplicationFilter) (time.Time, error) {
	var at struct{ CreatedAt time.Time }
	err := s.db.WithContext(ctx).Model(&models.Application{}).Select("created_at").
		Where("id = ? AND campaign_id = ?", f.After, f.CampaignID).Take(&at).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return time.Time{}, ErrUnknownCursor
	}
	return at.CreatedAt, err
}
