package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// AGIRAssessment is the correspondent's assessment of a dossier's redundancy with AGIR.
type AGIRAssessment struct {
	Assessment string // models.AGIRRedundantAssessment | models.AGIRComplementaryAssessment
	Note       string
	At         time.Time
}

// AssessAGIR records the correspondent's assessment on a dossier not decided yet, with its
// audit entry (the assessment before and after, the actor of ctx) in the same transaction.
// A dossier decided or cancelled is ErrConflict: the selection has judged it already.
func (s *Applications) AssessAGIR(ctx context.Context, id string, a AGIRAssessment) (*models.Application, error) {
	var out models.Application
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Where("id = ?", id).Take(&out).Error; err != nil {
			return notFound(err)
		}
		if out.Decision != "" || out.State == models.ApplicationCancelled {
			return ErrConflict
		}
		before := map[string]any{"agir_redundant_declared": out.AGIRRedundant, "agir_assessment": out.AGIRAssessment,
			"agir_assessment_note": out.AGIRAssessmentNote}
		by := ActorOf(ctx).Name
		at := a.At.UTC()
		if err := tx.Model(&models.Application{}).Where("id = ?", id).Updates(map[string]any{
			"agir_assessment": a.Assessment, "agir_assessment_note": a.Note, "agir_assessed_by": by, "agir_assessed_at": at,
		}).Error; err != nil {
			return err
		}
		out.AGIRAssessment, out.AGIRAssessmentNote, out.AGIRAssessedBy, out.AGIRAssessedAt = a.Assessment, a.Note, by, &at
		return recordAudit(ctx, tx, AuditApplication, id, "agir_assessed", before,
			map[string]any{"agir_assessment": a.Assessment, "agir_assessment_note": a.Note})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}
