package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// TerritoryRetained sums the retained dossiers of the recorded selections of one call
// territory (a level and an INSEE code) in a year: what the objectives of §8.1 are measured on.
type TerritoryRetained struct {
	Level, Territory   string
	Granted            int64
	EmploymentLanguage int64
	BPI                int64 `gorm:"column:bpi"`
	NonBPI             int64 `gorm:"column:non_bpi"`
}

// RetainedByTerritory sums the retained dossiers of the year's calls but exceptCampaign, by
// the calls' level and territory; themes are those counted as employment and language.
// Cancelled dossiers and dossiers still without a workflow count nowhere, as in the overview.
func (s *Applications) RetainedByTerritory(ctx context.Context, year int, themes []string, exceptCampaign string) ([]TerritoryRetained, error) {
	return retainedByTerritory(s.db.WithContext(ctx), year, themes, exceptCampaign)
}

// retainedByTerritory is RetainedByTerritory on db (a transaction's, to read after its lock).
func retainedByTerritory(db *gorm.DB, year int, themes []string, exceptCampaign string) ([]TerritoryRetained, error) {
	if len(themes) == 0 {
		themes = []string{""} // IN () is not valid SQL
	}
	var rows []TerritoryRetained
	err := db.Table("applications AS a").
		Select("c.level, c.territory, COALESCE(SUM(a.granted_cents), 0) AS granted, "+
			"COALESCE(SUM(CASE WHEN a.theme IN ? THEN a.granted_cents ELSE 0 END), 0) AS employment_language, "+
			"COALESCE(SUM(a.beneficiaries_bpi), 0) AS bpi, COALESCE(SUM(a.beneficiaries_non_bpi), 0) AS non_bpi", themes).
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").
		Where("c.year = ? AND c.id <> ? AND a.decision = ? AND a.state <> ? AND a.workflow_pending = ?",
			year, exceptCampaign, selection.Retained, models.ApplicationCancelled, false).
		Group("c.level, c.territory").Order("c.level, c.territory").Scan(&rows).Error
	return rows, err
}

// TerritorySumsOf converts the rows for the rules (selection.ScopesOf).
func TerritorySumsOf(rows []TerritoryRetained) []selection.TerritorySums {
	out := make([]selection.TerritorySums, len(rows))
	for i, r := range rows {
		out[i] = selection.TerritorySums{Departmental: r.Level == models.LevelDepartmental, Territory: r.Territory,
			Sums: selection.Sums{GrantedCents: r.Granted, EmploymentLanguageCents: r.EmploymentLanguage,
				BeneficiariesBPI: r.BPI, BeneficiariesNonBPI: r.NonBPI}}
	}
	return out
}
