package store

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/models"
)

// RecordAnswer records that a structure answered (at) or, with a nil at, that
// it has not (a correction). One answer wins: recording the same answer again
// (the same instant to the second, or a withdrawal of none) changes nothing and
// writes no audit entry; an answer while another is recorded is ErrConflict (it
// is withdrawn first). The write is conditional on the state read, so of answers
// sent together one is recorded and audited, the others are ErrConflict.
func (s *PNEStructures) RecordAnswer(ctx context.Context, year int, id uint64, at *time.Time) (*models.PNEStructure, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before models.PNEStructure
		if err := tx.Where("year = ? AND id = ?", year, id).Take(&before).Error; err != nil {
			return notFound(err)
		}
		if sameAnswer(before.AnsweredAt, at) {
			return nil
		}
		q := tx.Model(&models.PNEStructure{}).Where("year = ? AND id = ?", year, id)
		var value any
		if at != nil {
			q, value = q.Where("answered_at IS NULL"), at.UTC()
		} else {
			q = q.Where("answered_at IS NOT NULL")
		}
		res := q.Updates(map[string]any{"answered_at": value, "updated_at": time.Now().UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("PNE structure %d of %d: another answer is recorded: %w", id, year, ErrConflict)
		}
		var old any
		if before.AnsweredAt != nil {
			old = before.AnsweredAt.UTC()
		}
		return recordAudit(ctx, tx, AuditPNEStructure, fmt.Sprint(id), "answer_recorded",
			map[string]any{"answered_at": old}, map[string]any{"answered_at": value})
	})
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("PNE structure %d of %d: %w", id, year, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, year, id)
}

// sameAnswer: both none, or both at the same second (the API's dates are to the second).
func sameAnswer(recorded, at *time.Time) bool {
	if recorded == nil || at == nil {
		return recorded == nil && at == nil
	}
	return recorded.Truncate(time.Second).Equal(at.Truncate(time.Second))
}

// Close records, in one transaction, whether each structure of the year
// answered (§8.4): the pne_results the selection reads to block renewals.
// Closing again writes the same values.
func (s *PNEStructures) Close(ctx context.Context, year int) (structures, answered int, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []models.PNEStructure
		if err := tx.Where("year = ?", year).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		results := make([]models.PNEResult, len(rows))
		for i, r := range rows {
			results[i] = models.PNEResult{AssociationKey: r.AssociationKey, Year: year, Answered: r.AnsweredAt != nil, AnsweredAt: r.AnsweredAt}
			if r.AnsweredAt != nil {
				answered++
			}
		}
		structures = len(rows)
		if len(results) == 0 {
			return nil
		}
		if err := auditMissedPNE(ctx, tx, year, results); err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "association_key"}, {Name: "year"}},
			DoUpdates: clause.AssignmentColumns([]string{"answered", "answered_at", "updated_at"}),
		}).CreateInBatches(results, 200).Error
	})
	return structures, answered, err
}

// PNERate is the response rate of a territory (or of the whole country).
type PNERate struct {
	Code       string `json:"code,omitempty"`
	Structures int    `json:"structures"`
	Answered   int    `json:"answered"`
}

// PNERates is the response rate of a year overall, by region and by department.
type PNERates struct {
	Overall      PNERate
	ByRegion     []PNERate
	ByDepartment []PNERate
}

// Rates counts the structures and the answers of a year, from the database.
func (s *PNEStructures) Rates(ctx context.Context, year int) (PNERates, error) {
	return s.RatesIn(ctx, year, Everything)
}

// RatesIn counts the structures and answers of a year inside scope.
func (s *PNEStructures) RatesIn(ctx context.Context, year int, scope Scope) (PNERates, error) {
	type row struct {
		Region, Department string
		Structures         int
		Answered           int
	}
	var rows []row
	err := scope.structures(s.db.WithContext(ctx).Model(&models.PNEStructure{}).
		Select("region, department, COUNT(*) AS structures, SUM(CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END) AS answered").
		Where("year = ?", year)).Group("region, department").Scan(&rows).Error
	if err != nil {
		return PNERates{}, err
	}
	regions, departments := map[string]*PNERate{}, map[string]*PNERate{}
	var out PNERates
	add := func(m map[string]*PNERate, code string, r row) {
		if code == "" {
			return
		}
		if m[code] == nil {
			m[code] = &PNERate{Code: code}
		}
		m[code].Structures += r.Structures
		m[code].Answered += r.Answered
	}
	for _, r := range rows {
		out.Overall.Structures += r.Structures
		out.Overall.Answered += r.Answered
		add(regions, r.Region, r)
		add(departments, r.Department, r)
	}
	out.ByRegion, out.ByDepartment = sortedRates(regions), sortedRates(departments)
	return out, nil
}

func sortedRates(m map[string]*PNERate) []PNERate {
	out := make([]PNERate, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}
