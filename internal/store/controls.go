package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// Controls reads and writes the on-site controls of signed conventions (§8.5),
// the doubts flagged on them and the regions' yearly syntheses.
type Controls struct{ db *gorm.DB }

// NewControls returns the control queries on db.
func NewControls(db *gorm.DB) *Controls { return &Controls{db: db} }

// ErrConflict is returned when a record exists with other values.
var ErrConflict = errors.New("conflict")

// inRegion selects the calls of a region (alias c): its regional calls and its
// departments' calls. The level matters: "01" is Guadeloupe and the Ain.
func inRegion(q *gorm.DB, alias, region string) *gorm.DB {
	deps := []string{}
	for _, d := range territory.DepartmentsOf(region) {
		deps = append(deps, d.Code)
	}
	return q.Where("("+alias+"level = ? AND "+alias+"territory = ?) OR ("+alias+"level = ? AND "+alias+"territory IN ?)",
		models.LevelRegional, region, models.LevelDepartmental, deps)
}

// regionalConventions selects the signed conventions of a region's calls of a year.
func (s *Controls) regionalConventions(ctx context.Context, year int, region string) *gorm.DB {
	q := s.db.WithContext(ctx).Table("conventions AS v").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Joins("JOIN applications AS a ON a.id = v.application_id").
		Where("c.year = ? AND c.phase <> ? AND v.state = ?", year, models.PhaseCancelled, models.ConventionSigned)
	return inRegion(q, "c.", region)
}

type candidateRow struct {
	ConventionID     string
	Reference        string
	AssociationKey   string
	AssociationName  string
	Title            string
	Level            string
	Territory        string
	ActionDepartment string
	GrantedCents     int64
}

// Candidates returns what a region may control in a year (§8.5): the signed
// conventions of its calls, by reference (the ranking's tie order), with their
// doubts, then the associations funded through a CTAI of its departments that
// DIAN's favourable opinion funded that year, by department and collectivité.
func (s *Controls) Candidates(ctx context.Context, year int, region string) ([]control.Candidate, error) {
	var rows []candidateRow
	err := s.regionalConventions(ctx, year, region).
		Select("v.id AS convention_id, v.reference, a.association_key, a.association_name, a.title, c.level, c.territory, " +
			"a.action_department, v.granted_cents").
		Order("v.reference, v.id").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("control candidates of %d in %s: %w", year, region, err)
	}
	ctais, err := s.ctaiFundings(ctx, year)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(rows))
	keys := make([]string, 0, len(rows)+len(ctais))
	for i, r := range rows {
		ids[i] = r.ConventionID
		keys = append(keys, r.AssociationKey)
	}
	for _, f := range ctais {
		keys = append(keys, f.FundingKey)
	}
	funding, err := s.associationFunding(ctx, year, keys, ctais)
	if err != nil {
		return nil, err
	}
	doubts := map[string][]string{}
	if len(ids) > 0 {
		var ds []models.ConventionDoubt
		if err := s.db.WithContext(ctx).Where("convention_id IN ?", ids).Order("kind").Find(&ds).Error; err != nil {
			return nil, err
		}
		for _, d := range ds {
			doubts[d.ConventionID] = append(doubts[d.ConventionID], d.Kind)
		}
	}
	out := make([]control.Candidate, 0, len(rows))
	for _, r := range rows {
		f := funding[r.AssociationKey]
		out = append(out, control.Candidate{Subject: control.SubjectConvention, ConventionID: r.ConventionID, Reference: r.Reference,
			AssociationName: r.AssociationName, ProjectTitle: r.Title, Department: departmentOf(r.Level, r.Territory, r.ActionDepartment),
			GrantedCents: r.GrantedCents, AssociationCents: f.cents, AssociationConventions: f.conventions, AssociationCTAIs: f.ctais,
			Doubts: doubts[r.ConventionID]})
	}
	for _, c := range ctais {
		if c.Region != region {
			continue
		}
		f := funding[c.FundingKey]
		out = append(out, control.Candidate{Subject: control.SubjectCTAI, CTAIRequestID: c.RequestID, CollectiviteName: c.CollectiviteName,
			AssociationKey: c.Key, AssociationName: c.Name, Department: c.Department, GrantedCents: c.Cents,
			AssociationCents: f.cents, AssociationConventions: f.conventions, AssociationCTAIs: f.ctais})
	}
	return out, nil
}

// departmentOf is the department a convention counts for (§8.5): its
// departmental call's, or where its regional call's action takes place (the
// decision's action_department; empty for an interdepartmental action).
func departmentOf(level, code, actionDepartment string) string {
	if level == models.LevelRegional {
		return actionDepartment
	}
	return code
}

// funding is an association's P104 funding of a year: its conventions and what CTAI gave it.
type funding struct {
	cents       int64
	conventions int
	ctais       int
}

// associationFunding sums, for each association key, its signed conventions of
// the year's calls in every territory and the amounts the year's funded CTAI
// gave it, ctais (§8.5 weighs « les associations qui disposent des financements
// les plus élevés », not one convention).
func (s *Controls) associationFunding(ctx context.Context, year int, keys []string, ctais []CTAIFunded) (map[string]funding, error) {
	out := map[string]funding{}
	for _, c := range ctais {
		f := out[c.FundingKey]
		f.cents, f.ctais = f.cents+c.Cents, f.ctais+1
		out[c.FundingKey] = f
	}
	if len(keys) == 0 {
		return out, nil
	}
	var rows []struct {
		AssociationKey string
		Cents          int64
		Conventions    int
	}
	err := s.db.WithContext(ctx).Table("conventions AS v").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Joins("JOIN applications AS a ON a.id = v.application_id").
		Select("a.association_key, SUM(v.granted_cents) AS cents, COUNT(*) AS conventions").
		Where("c.year = ? AND c.phase <> ? AND v.state = ? AND a.association_key IN ?", year, models.PhaseCancelled, models.ConventionSigned, keys).
		Group("a.association_key").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("association funding of %d: %w", year, err)
	}
	for _, r := range rows {
		f := out[r.AssociationKey]
		f.cents, f.conventions = f.cents+r.Cents, r.Conventions
		out[r.AssociationKey] = f
	}
	return out, nil
}

// AddDoubt records a doubt unless the convention has one of that kind; it
// returns the stored one and whether it was new. A new doubt is in the audit
// trail (the convention's), in the same transaction.
func (s *Controls) AddDoubt(ctx context.Context, d *models.ConventionDoubt) (*models.ConventionDoubt, bool, error) {
	db := s.db.WithContext(ctx)
	created := false
	err := db.Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "convention_id"}, {Name: "kind"}}, DoNothing: true}).Create(d)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		created = true
		return recordAudit(ctx, tx, AuditConvention, d.ConventionID, "doubt_flagged", nil, map[string]any{"kind": d.Kind, "note": d.Note})
	})
	if err != nil {
		return nil, false, fmt.Errorf("insert doubt: %w", err)
	}
	var stored models.ConventionDoubt
	err = db.Where("convention_id = ? AND kind = ?", d.ConventionID, d.Kind).Take(&stored).Error
	return &stored, created, notFound(err)
}

// Doubts lists a convention's doubts.
func (s *Controls) Doubts(ctx context.Context, conventionID string) ([]models.ConventionDoubt, error) {
	var ds []models.ConventionDoubt
	err := s.db.WithContext(ctx).Where("convention_id = ?", conventionID).Order("kind").Find(&ds).Error
	return ds, err
}

// Plan stores a control unless its subject (a convention, or an association of
// a CTAI) has one, and returns the stored one and whether it was new; a new one
// is in the audit trail.
func (s *Controls) Plan(ctx context.Context, c *models.Control) (*models.Control, bool, error) {
	db := s.db.WithContext(ctx)
	created := false
	err := db.Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "subject_key"}}, DoNothing: true}).Create(c)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		created = true
		after := map[string]any{"subject": c.Subject, "year": c.Year, "region": c.Region, "planned_on": c.PlannedOn,
			"controller": c.Controller, "state": c.State}
		if c.IsCTAI() {
			after["ctai_request_id"], after["association_key"], after["association_name"] = c.CTAIRequestID, c.AssociationKey, c.AssociationName
			after["department"] = c.Department
		} else {
			after["convention_id"] = c.ConventionID
		}
		return recordAudit(ctx, tx, AuditControl, c.ID, "planned", nil, after)
	})
	if err != nil {
		return nil, false, fmt.Errorf("insert control: %w", err)
	}
	var stored models.Control
	err = db.Where("subject_key = ?", c.SubjectKey).Take(&stored).Error
	return &stored, created, notFound(err)
}

// Get returns one control or ErrNotFound.
func (s *Controls) Get(ctx context.Context, id string) (*models.Control, error) {
	var c models.Control
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&c).Error
	return &c, notFound(err)
}

// RecordResult records a planned control's outcome; it returns ErrConflict when
// the control was already done (the caller compares the results). The change
// is in the audit trail, in the same transaction.
func (s *Controls) RecordResult(ctx context.Context, id string, r *models.Control) error {
	updates := map[string]any{
		"state": models.ControlDone, "outcome": r.Outcome, "findings": r.Findings, "done_on": r.DoneOn,
		"follow_up_kind": r.FollowUpKind, "follow_up_amount_cents": r.FollowUpAmountCents, "follow_up_state": r.FollowUpState,
	}
	return s.updateControl(ctx, id, "result_recorded", func(q *gorm.DB) *gorm.DB {
		return q.Where("state = ?", models.ControlPlanned)
	}, updates)
}

// UpdateFollowUp moves a control's follow-up from one of the states in from;
// ErrConflict when it is in none of them. The change is in the audit trail.
func (s *Controls) UpdateFollowUp(ctx context.Context, id string, from []string, updates map[string]any) error {
	return s.updateControl(ctx, id, "follow_up_updated", func(q *gorm.DB) *gorm.DB {
		return q.Where("follow_up_state IN ?", from)
	}, updates)
}

// updateControl applies updates to the control when guard selects it, and
// records the fields changed before and after in the audit trail, in one
// transaction; ErrConflict when the guard does not select it.
func (s *Controls) updateControl(ctx context.Context, id, action string, guard func(*gorm.DB) *gorm.DB, updates map[string]any) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var was models.Control
		if err := guard(tx.Where("id = ?", id)).Take(&was).Error; err != nil {
			return notFound(err)
		}
		res := guard(tx.Model(&models.Control{}).Where("id = ?", id)).Updates(updates)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return ErrNotFound // changed meanwhile: answered below as a conflict
		}
		return recordAudit(ctx, tx, AuditControl, id, action, controlFields(&was, updates), updates)
	})
	if !errors.Is(err, ErrNotFound) {
		return err
	}
	if _, err := s.Get(ctx, id); err != nil {
		return err
	}
	return ErrConflict
}

// controlFields are the control's values of the columns an update sets.
func controlFields(c *models.Control, updates map[string]any) map[string]any {
	all := map[string]any{
		"state": c.State, "outcome": c.Outcome, "findings": c.Findings, "done_on": c.DoneOn,
		"follow_up_kind": c.FollowUpKind, "follow_up_amount_cents": c.FollowUpAmountCents, "follow_up_state": c.FollowUpState,
		"follow_up_note": c.FollowUpNote, "recovered_cents": c.RecoveredCents, "follow_up_closed_on": c.FollowUpClosedOn,
	}
	out := make(map[string]any, len(updates))
	for k := range updates {
		if v, ok := all[k]; ok {
			out[k] = v
		}
	}
	return out
}

// ControlFilter selects controls; zero values select all.
type ControlFilter struct {
	Year   int
	Region string
}

// List returns the controls matching f, by planned date.
func (s *Controls) List(ctx context.Context, f ControlFilter) ([]models.Control, error) {
	q := s.db.WithContext(ctx).Model(&models.Control{})
	if f.Year != 0 {
		q = q.Where("year = ?", f.Year)
	}
	if f.Region != "" {
		q = q.Where("region = ?", f.Region)
	}
	var out []models.Control
	err := q.Order("planned_on, created_at, id").Find(&out).Error
	return out, err
}

// ByConvention returns the convention's control or ErrNotFound.
func (s *Controls) ByConvention(ctx context.Context, conventionID string) (*models.Control, error) {
	var c models.Control
	err := s.db.WithContext(ctx).Where("convention_id = ?", conventionID).Take(&c).Error
	return &c, notFound(err)
}

// SynthesisLines returns a region's controls of a year with their subjects, for
// the synthesis: a convention's reference, association and amount, or a
// CTAI-funded association with its CTAI and what the bilan gives it.
func (s *Controls) SynthesisLines(ctx context.Context, year int, region string) ([]control.Line, error) {
	ctls, err := s.List(ctx, ControlFilter{Year: year, Region: region})
	if err != nil || len(ctls) == 0 {
		return nil, err
	}
	var ids []string
	for _, c := range ctls {
		if !c.IsCTAI() {
			ids = append(ids, c.ConventionID)
		}
	}
	var convs []struct {
		ID              string
		Reference       string
		GrantedCents    int64
		AssociationName string
	}
	if len(ids) > 0 {
		err = s.db.WithContext(ctx).Table("conventions AS v").Joins("JOIN applications AS a ON a.id = v.application_id").
			Select("v.id, v.reference, v.granted_cents, a.association_name").Where("v.id IN ?", ids).Scan(&convs).Error
		if err != nil {
			return nil, err
		}
	}
	byID := map[string]int{}
	for i, c := range convs {
		byID[c.ID] = i
	}
	var sentAt *time.Time
	if syn, err := s.Synthesis(ctx, year, region); err == nil {
		sentAt = syn.SentAt
	} else if !errors.Is(err, ErrNotFound) {
		return nil, err
	}
	out := make([]control.Line, len(ctls))
	for i, c := range ctls {
		out[i] = control.Line{Control: c, AfterSynthesis: sentAt != nil && c.CreatedAt.After(*sentAt)}
		if c.IsCTAI() {
			if err := s.ctaiLine(ctx, &out[i]); err != nil {
				return nil, err
			}
		} else if j, ok := byID[c.ConventionID]; ok {
			out[i].Reference, out[i].GrantedCents, out[i].AssociationName = convs[j].Reference, convs[j].GrantedCents, convs[j].AssociationName
		}
	}
	return out, nil
}

// Synthesis returns a region's synthesis record of a year, or ErrNotFound when none was sent.
func (s *Controls) Synthesis(ctx context.Context, year int, region string) (*models.ControlSynthesis, error) {
	var r models.ControlSynthesis
	err := s.db.WithContext(ctx).Where("year = ? AND region = ?", year, region).Take(&r).Error
	return &r, notFound(err)
}

// RecordSynthesisSent records that the region's synthesis left; the first
// sending stands, and is in the audit trail (entity ID "year/region").
func (s *Controls) RecordSynthesisSent(ctx context.Context, year int, region, dueOn string, controls int, at time.Time) error {
	at = at.UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "year"}, {Name: "region"}}, DoNothing: true,
		}).Create(&models.ControlSynthesis{Year: year, Region: region, DueOn: dueOn, Controls: controls, SentAt: &at})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return recordAudit(ctx, tx, AuditControlSynthesis, fmt.Sprintf("%d/%s", year, region), "synthesis_sent", nil,
			map[string]any{"due_on": dueOn, "controls": controls, "sent_at": at})
	})
}

// Correspondent is the contact of one of a region's calls.
type Correspondent struct {
	CampaignID string
	Email      string
}

// Correspondents returns the distinct contacts of a region's calls of a year
// (regional and departmental), first call first.
func (s *Controls) Correspondents(ctx context.Context, year int, region string) ([]Correspondent, error) {
	var cs []models.Campaign
	q := withWorkflow(s.db.WithContext(ctx), "").Where("year = ? AND phase <> ?", year, models.PhaseCancelled)
	err := inRegion(q, "", region).Order("created_at, id").Find(&cs).Error
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	var out []Correspondent
	for _, c := range cs {
		if c.ContactEmail == "" || seen[c.ContactEmail] {
			continue
		}
		seen[c.ContactEmail] = true
		out = append(out, Correspondent{CampaignID: c.ID, Email: c.ContactEmail})
	}
	return out, nil
}

// RecordSupplementSent records that the region's supplementary synthesis number n
// left; a number already recorded (a retried activity) changes nothing. It is in
// the audit trail (entity ID "year/region").
func (s *Controls) RecordSupplementSent(ctx context.Context, year int, region string, n, controls int, at time.Time) error {
	at = at.UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.ControlSynthesis{}).Where("year = ? AND region = ? AND supplements < ?", year, region, n).
			Updates(map[string]any{"supplements": n, "last_supplement_at": at, "controls": controls})
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return recordAudit(ctx, tx, AuditControlSynthesis, fmt.Sprintf("%d/%s", year, region), "supplementary_synthesis_sent", nil,
			map[string]any{"supplement": n, "controls": controls, "sent_at": at})
	})
}

// Gaps returns the departments of the region where no control was held
// although a signed convention counts there (§8.5: controls « dans chaque
// département »), by department code; dueOn is the synthesis date measured at.
func (s *Controls) Gaps(ctx context.Context, year int, region, dueOn string) ([]models.ControlGap, error) {
	cands, err := s.Candidates(ctx, year, region)
	if err != nil {
		return nil, err
	}
	ctls, err := s.List(ctx, ControlFilter{Year: year, Region: region})
	if err != nil {
		return nil, err
	}
	candidates, planned, done := map[string]int{}, map[string]int{}, map[string]int{}
	for _, c := range cands {
		candidates[c.Department]++
	}
	for _, c := range ctls {
		if c.State == models.ControlDone {
			done[c.Department]++
		} else {
			planned[c.Department]++
		}
	}
	var out []models.ControlGap
	for _, d := range territory.DepartmentsOf(region) {
		if candidates[d.Code] > 0 && done[d.Code] == 0 {
			out = append(out, models.ControlGap{Year: year, Region: region, Department: d.Code, DueOn: dueOn,
				Candidates: candidates[d.Code], Planned: planned[d.Code]})
		}
	}
	return out, nil
}

// RecordGaps stores the departments flagged without a control; one already
// recorded stays as it was first measured. A new one is in the audit trail.
func (s *Controls) RecordGaps(ctx context.Context, gaps []models.ControlGap) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for i := range gaps {
			g := gaps[i]
			res := tx.Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "year"}, {Name: "region"}, {Name: "department"}}, DoNothing: true}).Create(&g)
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				continue
			}
			err := recordAudit(ctx, tx, AuditControlSynthesis, fmt.Sprintf("%d/%s", g.Year, g.Region), "department_without_control", nil,
				map[string]any{"department": g.Department, "due_on": g.DueOn, "candidates": g.Candidates, "planned": g.Planned})
			if err != nil {
				return err
			}
		}
		return nil
	})
}
