package overview

import (
	"context"
	"time"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// RetainedDossier is one dossier retained in a call of the year, for DIAN's export.
type RetainedDossier struct {
	Reference, Level, Territory, CampaignTitle, Title, AssociationName, AssociationKey, Theme string
	RequestedCents, GrantedCents                                                              int64
	DecidedAt                                                                                 *time.Time
}

// RetainedDossiers lists the dossiers retained in the year's calls (cancelled ones left out).
func (s *Service) RetainedDossiers(ctx context.Context, year int) ([]RetainedDossier, error) {
	var rows []RetainedDossier
	err := s.DB.WithContext(ctx).Table("applications AS a").
		Select("a.reference, c.level, c.territory, c.title AS campaign_title, a.title, a.association_name, a.association_key, "+
			"a.theme, a.requested_cents, a.granted_cents, a.decided_at").
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").
		Where("c.year = ? AND a.decision = ? AND a.state <> ?", year, selection.Retained, models.ApplicationCancelled).
		Order("c.territory, c.title, a.reference").Scan(&rows).Error
	return rows, err
}

// ConventionLine is one convention of a call of the year, for DIAN's export.
type ConventionLine struct {
	// Reference is the convention's; Dossier the dossier's readable reference.
	Reference, Dossier, State, Level, Territory, CampaignTitle, AssociationName, Title string
	GrantedCents                                                                       int64
	CreatedAt                                                                          time.Time
	SignedAt, LapsedAt                                                                 *time.Time
}

// Conventions lists the conventions of the year's calls with their state and dates.
func (s *Service) Conventions(ctx context.Context, year int) ([]ConventionLine, error) {
	var rows []ConventionLine
	err := s.DB.WithContext(ctx).Table("conventions AS v").
		Select("v.reference, a.reference AS dossier, v.state, c.level, c.territory, c.title AS campaign_title, a.association_name, a.title, "+
			"v.granted_cents, v.created_at, v.signed_at, v.lapsed_at").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Joins("JOIN applications AS a ON a.id = v.application_id").
		Where("c.year = ?", year).Order("v.reference").Scan(&rows).Error
	return rows, err
}
