package store

import (
	"context"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// No record without its workflow. A call, a dossier and a CTAI request are stored with
// their start intent (workflow_pending) in the row's own transaction; the API clears it
// once the workflow is started, and the reconciler starts what a crash left pending.
// Until then the record counts nowhere.

// pendingBatch bounds one reconciler pass: the next pass takes the rest.
const pendingBatch = 500

// workflowStarted clears the start intent of the record id of model's table: its workflow exists.
func workflowStarted(ctx context.Context, db *gorm.DB, model any, id string) error {
	return db.WithContext(ctx).Model(model).Where("id = ?", id).Update("workflow_pending", false).Error
}

// pendingStarts returns the records of T whose workflow is still to be started and that
// were stored before storedBefore: what a process dying between the row and the
// workflow's start left behind (a request in flight is younger).
func pendingStarts[T any](ctx context.Context, db *gorm.DB, storedBefore time.Time) ([]T, error) {
	var rows []T
	err := db.WithContext(ctx).Where("workflow_pending = ? AND created_at < ?", true, storedBefore.UTC()).
		Order("created_at, id").Limit(pendingBatch).Find(&rows).Error
	return rows, err
}

// withWorkflow keeps the records whose workflow was started (alias: the table's alias and
// a dot, or ""): a record still pending counts nowhere.
func withWorkflow(q *gorm.DB, alias string) *gorm.DB {
	return q.Where(alias+"workflow_pending = ?", false)
}

// WorkflowStarted clears the dossier's start intent: its workflow exists.
func (s *Applications) WorkflowStarted(ctx context.Context, id string) error {
	return workflowStarted(ctx, s.db, &models.Application{}, id)
}

// WorkflowsStarted clears the start intent of every dossier in ids, in one statement: the
// API gathers the filings that started their workflows at the same moment (see api's
// intentBatcher), one write instead of one a dossier.
func (s *Applications) WorkflowsStarted(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	return s.db.WithContext(ctx).Model(&models.Application{}).Where("id IN ?", ids).Update("workflow_pending", false).Error
}

// StartPending returns the dossiers left pending before storedBefore (see pendingStarts).
func (s *Applications) StartPending(ctx context.Context, storedBefore time.Time) ([]models.Application, error) {
	return pendingStarts[models.Application](ctx, s.db, storedBefore)
}

// WorkflowStarted clears the call's start intent: its workflow exists.
func (s *Campaigns) WorkflowStarted(ctx context.Context, id string) error {
	return workflowStarted(ctx, s.db, &models.Campaign{}, id)
}

// StartPending returns the calls left pending before storedBefore (see pendingStarts).
func (s *Campaigns) StartPending(ctx context.Context, storedBefore time.Time) ([]models.Campaign, error) {
	return pendingStarts[models.Campaign](ctx, s.db, storedBefore)
}

// WorkflowStarted clears the CTAI request's start intent: its workflow exists.
func (s *CTAIRequests) WorkflowStarted(ctx context.Context, id string) error {
	return workflowStarted(ctx, s.db, &models.CTAIRequest{}, id)
}

// StartPending returns the CTAI requests left pending before storedBefore (see pendingStarts).
func (s *CTAIRequests) StartPending(ctx context.Context, storedBefore time.Time) ([]models.CTAIRequest, error) {
	return pendingStarts[models.CTAIRequest](ctx, s.db, storedBefore)
}
