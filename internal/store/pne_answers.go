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

// Sources of a structure's answer: the questionnaire's export or a correspondent.
const (
	AnswerByCorrespondent = "correspondent"
	AnswerByImport        = "import"
	AnswerByLimeSurvey    = "limesurvey"
)

// PNEClosure is when a year's questionnaire closes and what the year's policy makes
// of an answer after it; the zero value: no closure known (nothing is late).
type PNEClosure struct {
	At               time.Time
	LateAnswersCount bool
}

// late says whether an answer given at falls after the closure.
func (c PNEClosure) late(at *time.Time) bool {
	return at != nil && !c.At.IsZero() && at.After(c.At)
}

// RecordAnswer records that a correspondent confirmed a structure's answer (at) or,
// with a nil at, that it has not answered (a correction), with no closure known.
func (s *PNEStructures) RecordAnswer(ctx context.Context, year int, id uint64, at *time.Time) (*models.PNEStructure, error) {
	return s.ConfirmAnswer(ctx, year, id, at, AnswerByCorrespondent, PNEClosure{})
}

// ConfirmAnswer records a structure's answer (at; nil withdraws it) from source,
// late when at falls after the closure (§8.4: 31 May). One answer wins: recording
// the same answer again (the same instant to the second, or a withdrawal of none)
// changes nothing and writes no audit entry; an answer while another is recorded
// is ErrConflict (it is withdrawn first). The write is conditional on the state
// read, so of answers sent together one is recorded and audited, the others are
// ErrConflict. Once the closure has been recorded, the year's result follows
// (recordAfterClosure), in the same transaction.
func (s *PNEStructures) ConfirmAnswer(ctx context.Context, year int, id uint64, at *time.Time, source string, closure PNEClosure) (*models.PNEStructure, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before models.PNEStructure
		if err := tx.Where("year = ? AND id = ?", year, id).Take(&before).Error; err != nil {
			return notFound(err)
		}
		if sameAnswer(before.AnsweredAt, at) {
			return nil
		}
		q := tx.Model(&models.PNEStructure{}).Where("year = ? AND id = ?", year, id)
		fields := map[string]any{"answered_at": nil, "answer_source": "", "answered_late": false, "updated_at": time.Now().UTC()}
		if at != nil {
			q = q.Where("answered_at IS NULL")
			fields["answered_at"], fields["answer_source"], fields["answered_late"] = at.UTC(), source, closure.late(at)
		} else {
			q = q.Where("answered_at IS NOT NULL")
		}
		res := q.Updates(fields)
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
		if err := recordAudit(ctx, tx, AuditPNEStructure, fmt.Sprint(id), "answer_recorded",
			map[string]any{"answered_at": old, "answer_source": before.AnswerSource},
			map[string]any{"answered_at": fields["answered_at"], "answer_source": fields["answer_source"], "answered_late": fields["answered_late"]}); err != nil {
			return err
		}
		var after models.PNEStructure
		if err := tx.Where("id = ?", id).Take(&after).Error; err != nil {
			return err
		}
		return recordAfterClosure(ctx, tx, after, closure)
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

// recordAfterClosure brings a closed year's result (pne_results) in line with the
// structure's answer given or corrected after the closure: a late answer is kept as
// late and counts as answered only if the year's policy says so; an answer in time,
// confirmed later, counts. Before the closure (no result yet) it does nothing.
func recordAfterClosure(ctx context.Context, tx *gorm.DB, row models.PNEStructure, closure PNEClosure) error {
	var res models.PNEResult
	err := tx.Where("association_key = ? AND year = ?", row.AssociationKey, row.Year).Take(&res).Error
	if errors.Is(err, gorm.ErrRecordNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	answered := row.AnsweredAt != nil && (!row.AnsweredLate || closure.LateAnswersCount)
	if res.Answered == answered && res.Late == row.AnsweredLate && sameTime(res.AnsweredAt, row.AnsweredAt) {
		return nil
	}
	before := map[string]any{"year": res.Year, "answered": res.Answered, "late": res.Late}
	after := map[string]any{"year": res.Year, "answered": answered, "late": row.AnsweredLate, "answered_at": row.AnsweredAt}
	if err := tx.Model(&res).Updates(map[string]any{"answered": answered, "late": row.AnsweredLate,
		"answered_at": row.AnsweredAt, "updated_at": time.Now().UTC()}).Error; err != nil {
		return err
	}
	return recordAudit(ctx, tx, AuditAssociation, row.AssociationKey, "pne_result_after_closure", before, after)
}

func sameTime(a, b *time.Time) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Equal(*b)
}

// Declare records, once, that the association itself declared « j'ai répondu »
// (its link's form, at): a declaration, not an answer — the structure stays
// without an answer until the questionnaire's export or a correspondent confirms
// it (§8.4: « s'assurer qu'elle ... remplit effectivement son obligation »).
func (s *PNEStructures) Declare(ctx context.Context, year int, id uint64, at time.Time) (*models.PNEStructure, error) {
	row, err := s.Get(ctx, year, id)
	if err != nil || row.DeclaredAt != nil {
		return row, err
	}
	return s.update(ctx, year, id, "answer_declared", func(before models.PNEStructure) map[string]any {
		return map[string]any{"declared_at": before.DeclaredAt}
	}, map[string]any{"declared_at": at.UTC()})
}

// Close records, in one transaction, whether each structure of the year
// answered (§8.4): the pne_results the selection reads to block renewals. A
// declaration not confirmed is no answer. Closing again writes the same values.
func (s *PNEStructures) Close(ctx context.Context, year int) (structures, answered int, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []models.PNEStructure
		if err := tx.Where("year = ?", year).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		results := make([]models.PNEResult, len(rows))
		for i, r := range rows {
			results[i] = models.PNEResult{AssociationKey: r.AssociationKey, Year: year, Answered: r.AnsweredAt != nil, AnsweredAt: r.AnsweredAt, Late: r.AnsweredLate}
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
			DoUpdates: clause.AssignmentColumns([]string{"answered", "answered_at", "late", "updated_at"}),
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
