package store

import (
	"context"
	"time"

	"github.com/dian-p104/aap/models"
)

// A dossier's accusé de réception is stored pending with its filing and sent by the
// worker's sender (worker/acknowledgements.go): these are the sender's reads and writes.

// DueAcknowledgements returns at most limit dossiers whose accusé de réception is pending and
// due at now, the oldest first, with what the sender needs of them (ID, WorkflowID,
// CreatedAt): it sends through the activities, which read the dossier themselves. A dossier
// whose start intent is still pending waits: its filing may yet be undone (its workflow
// could not start), and then nobody is told.
func (s *Applications) DueAcknowledgements(ctx context.Context, now time.Time, limit int) ([]models.Application, error) {
	var rows []models.Application
	err := withWorkflow(s.db.WithContext(ctx), "").Select("id", "workflow_id", "created_at").
		Where("acknowledgement = ? AND acknowledgement_due_at <= ?", models.AcknowledgementPending, now.UTC()).
		Order("acknowledgement_due_at, id").Limit(limit).Find(&rows).Error
	return rows, err
}

// ClaimAcknowledgement takes the pending accusé de réception of dossier id, due at now, until
// until: of senders racing for it (several workers), exactly one is told true.
func (s *Applications) ClaimAcknowledgement(ctx context.Context, id string, now, until time.Time) (bool, error) {
	res := s.db.WithContext(ctx).Model(&models.Application{}).
		Where("id = ? AND acknowledgement = ? AND acknowledgement_due_at <= ?", id, models.AcknowledgementPending, now.UTC()).
		Update("acknowledgement_due_at", until.UTC())
	return res.RowsAffected == 1, res.Error
}

// RecordAcknowledgement writes what became of dossier id's pending accusé de réception:
// sent or failed, or still pending and due again at dueAgain. One already sent or failed
// stays so: a second sender's late try (its claim outlived) changes nothing.
func (s *Applications) RecordAcknowledgement(ctx context.Context, id, state string, dueAgain *time.Time) error {
	if dueAgain != nil {
		t := dueAgain.UTC()
		dueAgain = &t
	}
	return s.db.WithContext(ctx).Model(&models.Application{}).Where("id = ? AND acknowledgement = ?", id, models.AcknowledgementPending).
		Updates(map[string]any{"acknowledgement": state, "acknowledgement_due_at": dueAgain}).Error
}
