package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// PNEImportRow is one line of an imported answers file: a structure named by its token or its email.
type PNEImportRow struct {
	Line       int
	Token      string
	Email      string
	AnsweredAt time.Time
}

// PNEImportProblem is a line of an imported file that names no structure of the year, or several.
type PNEImportProblem struct {
	Line    int
	Rule    string // "unknown" or "ambiguous"
	Message string
}

// ImportAnswers records the answers of an imported file in one transaction,
// all or nothing: when a line names no structure of the year (or several, by a
// shared email), nothing is written and every such line is returned. A
// structure that had already answered keeps its first date.
func (s *PNEStructures) ImportAnswers(ctx context.Context, year int, rows []PNEImportRow) (recorded int, problems []PNEImportProblem, err error) {
	return s.ImportAnswersFrom(ctx, year, rows, AnswerByImport, PNEClosure{})
}

// ImportAnswersFrom is ImportAnswers with the answers' source and the year's closure:
// an answer dated after it is kept as late, and, once the closure is recorded, the
// year's result follows (recordAfterClosure).
func (s *PNEStructures) ImportAnswersFrom(ctx context.Context, year int, rows []PNEImportRow, source string, closure PNEClosure) (recorded int, problems []PNEImportProblem, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var all []models.PNEStructure
		if err := tx.Where("year = ?", year).Find(&all).Error; err != nil {
			return err
		}
		byToken, byEmail := map[string]uint64{}, map[string][]uint64{}
		for _, r := range all {
			byToken[r.Token] = r.ID
			if r.Email != "" {
				byEmail[strings.ToLower(r.Email)] = append(byEmail[strings.ToLower(r.Email)], r.ID)
			}
		}
		ids := make([]uint64, len(rows))
		for i, row := range rows {
			switch {
			case row.Token != "":
				id, ok := byToken[row.Token]
				if !ok {
					problems = append(problems, PNEImportProblem{Line: row.Line, Rule: "unknown",
						Message: fmt.Sprintf("jeton %q inconnu pour le PNE %d (envoyé en %d)", row.Token, year-1, year)})
				}
				ids[i] = id
			default:
				match := byEmail[strings.ToLower(row.Email)]
				switch len(match) {
				case 0:
					problems = append(problems, PNEImportProblem{Line: row.Line, Rule: "unknown",
						Message: fmt.Sprintf("adresse %s inconnue pour le PNE %d (envoyé en %d)", row.Email, year-1, year)})
				case 1:
					ids[i] = match[0]
				default:
					problems = append(problems, PNEImportProblem{Line: row.Line, Rule: "ambiguous",
						Message: fmt.Sprintf("adresse %s partagée par %d structures : utilisez le jeton", row.Email, len(match))})
				}
			}
		}
		if len(problems) > 0 {
			return nil
		}
		now := time.Now().UTC()
		for i, row := range rows {
			at := row.AnsweredAt.UTC()
			res := tx.Model(&models.PNEStructure{}).Where("id = ? AND answered_at IS NULL", ids[i]).
				Updates(map[string]any{"answered_at": at, "answer_source": source, "answered_late": closure.late(&at), "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			recorded += int(res.RowsAffected)
			if res.RowsAffected == 1 {
				if err := recordAudit(ctx, tx, AuditPNEStructure, fmt.Sprint(ids[i]), "answer_imported",
					map[string]any{"answered_at": nil}, map[string]any{"answered_at": at, "line": row.Line, "source": source, "late": closure.late(&at)}); err != nil {
					return err
				}
				var updated models.PNEStructure
				if err := tx.Where("id = ?", ids[i]).Take(&updated).Error; err != nil {
					return err
				}
				if err := recordAfterClosure(ctx, tx, updated, closure); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil || len(problems) > 0 {
		recorded = 0
	}
	return recorded, problems, err
}
