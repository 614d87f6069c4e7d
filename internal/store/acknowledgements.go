package store

import (
	"context"
	"time"

	"gorm.io/gorm"

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

// JustDue counts, up to limit, the pending accusés de réception that became due in
// (after, upTo]: mostly the dossiers just filed (a filing's is due at once), which tell the
// sender that a burst of filings is under way. It reads the sender's partial index only.
func (s *Applications) JustDue(ctx context.Context, after, upTo time.Time, limit int) (int, error) {
	var n int64
	recent := s.db.WithContext(ctx).Model(&models.Application{}).Select("id").
		Where("acknowledgement = ? AND acknowledgement_due_at > ? AND acknowledgement_due_at <= ?", models.AcknowledgementPending, after.UTC(), upTo.UTC()).
		Limit(limit)
	err := s.db.WithContext(ctx).Table("(?) AS just_due", recent).Count(&n).Error
	return int(n), err
}

// ClaimAcknowledgements takes the pending accusés de réception of the dossiers ids that are
// due at now, until until, in one write, and returns the IDs it took: of senders racing for
// a dossier (several workers), exactly one gets it.
func (s *Applications) ClaimAcknowledgements(ctx context.Context, ids []string, now, until time.Time) ([]string, error) {
	var won []string
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, id := range ids {
			res := tx.Model(&models.Application{}).
				Where("id = ? AND acknowledgement = ? AND acknowledgement_due_at <= ?", id, models.AcknowledgementPending, now.UTC()).
				Update("acknowledgement_due_at", until.UTC())
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 1 {
				won = append(won, id)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return won, nil
}

// AcknowledgementOutcome is what became of a dossier's pending accusé de réception: sent or
// failed, or still pending and due again at DueAgain.
type AcknowledgementOutcome struct {
	ApplicationID string
	State         string
	DueAgain      *time.Time
}

// RecordAcknowledgements writes outcomes in one write. One already sent or failed stays so:
// a second sender's late try (its claim outlived) changes nothing.
func (s *Applications) RecordAcknowledgements(ctx context.Context, outcomes []AcknowledgementOutcome) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		for _, o := range outcomes {
			var due *time.Time
			if o.DueAgain != nil {
				t := o.DueAgain.UTC()
				due = &t
			}
			err := tx.Model(&models.Application{}).Where("id = ? AND acknowledgement = ?", o.ApplicationID, models.AcknowledgementPending).
				Updates(map[string]any{"acknowledgement": o.State, "acknowledgement_due_at": due}).Error
			if err != nil {
				return err
			}
		}
		return nil
	})
}
