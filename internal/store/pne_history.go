package store

import (
	"context"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/models"
)

// PNEHistoryRow is one structure of an earlier year's results, as DIAN kept them
// (before the engine ran the PNE): its identifiers and whether it answered.
type PNEHistoryRow struct {
	Line     int
	SIRET    string
	RNA      string
	Name     string
	Answered bool
}

// ErrPNEYearRunHere: the engine ran that year's questionnaire; its results are its own.
var ErrPNEYearRunHere = fmt.Errorf("PNE year run by the engine: %w", ErrConflict)

// ImportHistory records an earlier year's PNE results (§8.4: « les associations
// n'ayant pas répondu à l'enquête nationale en 2023 puis en 2024 » — the 2024 rule
// needs 2023's answers, which no engine recorded) in one transaction: each line's
// association resolved as a dossier's would be (its SIREN, or its linked RNA), its
// result written (a second import of the year overwrites) and audited. A year
// whose questionnaire the engine ran (it has a list) is refused.
func (s *PNEStructures) ImportHistory(ctx context.Context, year int, rows []PNEHistoryRow) (int, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var listed int64
		if err := tx.Model(&models.PNEStructure{}).Where("year = ?", year).Count(&listed).Error; err != nil {
			return err
		}
		if listed > 0 {
			return ErrPNEYearRunHere
		}
		for _, r := range rows {
			key, err := ResolveAssociationKey(ctx, tx, r.SIRET, r.RNA)
			if err != nil {
				return err
			}
			if err := importResult(ctx, tx, key, year, r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return len(rows), nil
}

func importResult(ctx context.Context, tx *gorm.DB, key string, year int, r PNEHistoryRow) error {
	var before models.PNEResult
	had := tx.Where("association_key = ? AND year = ?", key, year).Take(&before).Error == nil
	res := models.PNEResult{AssociationKey: key, Year: year, Answered: r.Answered}
	if err := tx.Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "association_key"}, {Name: "year"}},
		DoUpdates: clause.AssignmentColumns([]string{"answered", "updated_at"}),
	}).Create(&res).Error; err != nil {
		return err
	}
	var was any
	if had {
		was = map[string]any{"year": year, "answered": before.Answered}
	}
	return recordAudit(ctx, tx, AuditAssociation, key, "pne_result_imported", was,
		map[string]any{"year": year, "answered": r.Answered, "name": r.Name, "line": r.Line})
}
