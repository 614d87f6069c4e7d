package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// AgentSessions reads and writes the pages' server-side sessions (hashes of their IDs only).
type AgentSessions struct{ db *gorm.DB }

// NewAgentSessions returns the session queries on db.
func NewAgentSessions(db *gorm.DB) *AgentSessions { return &AgentSessions{db: db} }

// Create stores a new session.
func (s *AgentSessions) Create(ctx context.Context, sess *models.AgentSession) error {
	if err := s.db.WithContext(ctx).Create(sess).Error; err != nil {
		return fmt.Errorf("insert session: %w", err)
	}
	return nil
}

// Live returns the session of hash with its agent when the session is neither
// expired nor revoked and its agent is active at now; ErrNotFound otherwise.
// Every page request asks, so a disabled agent or a revoked session loses access at once.
func (s *AgentSessions) Live(ctx context.Context, hash string, now time.Time) (*models.AgentSession, *models.Agent, error) {
	var sess models.AgentSession
	err := s.db.WithContext(ctx).Where("hash = ? AND revoked_at IS NULL AND expires_at > ?", hash, now.UTC()).Take(&sess).Error
	if err != nil {
		return nil, nil, notFound(err)
	}
	var a models.Agent
	if err := s.db.WithContext(ctx).Where("id = ? AND active = ?", sess.AgentID, true).Take(&a).Error; err != nil {
		return nil, nil, notFound(err)
	}
	return &sess, &a, nil
}

// Revoke ends the session of hash at at; an unknown or already ended session is left as it is.
func (s *AgentSessions) Revoke(ctx context.Context, hash string, at time.Time) error {
	return s.db.WithContext(ctx).Model(&models.AgentSession{}).Where("hash = ? AND revoked_at IS NULL", hash).
		Update("revoked_at", at.UTC()).Error
}

// Purge deletes the sessions that can no longer open anything at now: expired,
// or revoked (signed out, renewed at sign-in, their agent disabled). The audit
// trail keeps the sign-ins and sign-outs; a live session is kept. It returns how
// many it deleted.
func (s *AgentSessions) Purge(ctx context.Context, now time.Time) (int64, error) {
	res := s.db.WithContext(ctx).Where("expires_at <= ? OR revoked_at IS NOT NULL", now.UTC()).Delete(&models.AgentSession{})
	if res.Error != nil {
		return 0, fmt.Errorf("purge sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}
