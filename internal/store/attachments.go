package store

import (
	"context"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// createAttachments stores a new dossier's files in its transaction.
func createAttachments(tx *gorm.DB, applicationID string, attachments []models.Attachment) error {
	for i := range attachments {
		att := attachments[i]
		att.ID, att.ApplicationID = 0, applicationID
		if err := tx.Create(&att).Error; err != nil {
			return err
		}
	}
	return nil
}

// Attachments lists a dossier's files, by kind, without their content.
func (s *Applications) Attachments(ctx context.Context, applicationID string) ([]models.Attachment, error) {
	var out []models.Attachment
	err := s.db.WithContext(ctx).
		Select("id, application_id, kind, file_name, content_type, size, sha256, created_at").Where("application_id = ?", applicationID).Order("kind").Find(&out).Error
	return out, err
}

// Attachment returns one of a dossier's files with its content, or ErrNotFound.
func (s *Applications) Attachment(ctx context.Context, applicationID, kind string) (*models.Attachment, error) {
	var a models.Attachment
	err := s.db.WithContext(ctx).Where("application_id = ? AND kind = ?", applicationID, kind).Take(&a).Error
	return &a, notFound(err)
}
