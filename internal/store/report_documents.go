package store

import (
	"context"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/models"
)

// ReportDocuments keeps the files of the comptes-rendus financiers sent through « Mon dossier ».
type ReportDocuments struct{ db *gorm.DB }

// NewReportDocuments returns the report files' queries on db.
func NewReportDocuments(db *gorm.DB) *ReportDocuments { return &ReportDocuments{db: db} }

// Keep stores a convention's file unless one is kept already: the file of the
// report recorded first stands, as the report does.
func (s *ReportDocuments) Keep(ctx context.Context, d *models.ReportDocument) error {
	return s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(d).Error
}

// Of returns a convention's files without their content, one per report (a CPO: per tranche), oldest year first.
func (s *ReportDocuments) Of(ctx context.Context, conventionID string) ([]models.ReportDocument, error) {
	var out []models.ReportDocument
	err := s.db.WithContext(ctx).Omit("data").Where("convention_id = ?", conventionID).Order("fiscal_year").Find(&out).Error
	return out, err
}

// Content returns the file of a convention's report of year, with its content, or ErrNotFound.
func (s *ReportDocuments) Content(ctx context.Context, conventionID string, year int) (*models.ReportDocument, error) {
	var d models.ReportDocument
	err := s.db.WithContext(ctx).Where("convention_id = ? AND fiscal_year = ?", conventionID, year).Take(&d).Error
	return &d, notFound(err)
}
