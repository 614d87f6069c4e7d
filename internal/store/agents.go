package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// ErrAgentExists: an agent already has this email.
var ErrAgentExists = errors.New("an agent already has this email")

// Agents reads and writes the agents who sign in to the pages; every change is audited.
type Agents struct{ db *gorm.DB }

// NewAgents returns the agent queries on db.
func NewAgents(db *gorm.DB) *Agents { return &Agents{db: db} }

// NormalizeEmail is the form an agent's email is stored and looked up in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

// Create stores a new, active agent; ErrAgentExists when the email is taken.
func (s *Agents) Create(ctx context.Context, a *models.Agent) error {
	a.Email = NormalizeEmail(a.Email)
	a.Active = true
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var n int64
		if err := tx.Model(&models.Agent{}).Where("email = ?", a.Email).Count(&n).Error; err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%s: %w", a.Email, ErrAgentExists)
		}
		if err := tx.Create(a).Error; err != nil {
			return fmt.Errorf("insert agent: %w", err)
		}
		return recordAudit(ctx, tx, AuditAgent, fmt.Sprint(a.ID), "created", nil, a)
	})
}

// Get returns an agent by ID, or ErrNotFound.
func (s *Agents) Get(ctx context.Context, id uint64) (*models.Agent, error) {
	var a models.Agent
	err := s.db.WithContext(ctx).Take(&a, id).Error
	return &a, notFound(err)
}

// BySubject returns the agent the provider's subject was recorded for, or ErrNotFound.
func (s *Agents) BySubject(ctx context.Context, subject string) (*models.Agent, error) {
	var a models.Agent
	err := s.db.WithContext(ctx).Where("subject = ?", subject).Take(&a).Error
	return &a, notFound(err)
}

// ByEmail returns the agent of an email (any case), or ErrNotFound.
func (s *Agents) ByEmail(ctx context.Context, email string) (*models.Agent, error) {
	var a models.Agent
	err := s.db.WithContext(ctx).Where("email = ?", NormalizeEmail(email)).Take(&a).Error
	return &a, notFound(err)
}

// List returns every agent, oldest first.
func (s *Agents) List(ctx context.Context) ([]models.Agent, error) {
	var out []models.Agent
	err := s.db.WithContext(ctx).Order("id").Find(&out).Error
	return out, err
}

// ListActive returns the active agents, oldest first (the dev sign-in's choice).
func (s *Agents) ListActive(ctx context.Context) ([]models.Agent, error) {
	var out []models.Agent
	err := s.db.WithContext(ctx).Where("active = ?", true).Order("id").Find(&out).Error
	return out, err
}

// Disable makes an agent inactive at at and revokes its open sessions: it
// loses access at its next request. Disabling again changes nothing.
func (s *Agents) Disable(ctx context.Context, id uint64, at time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a models.Agent
		if err := tx.Take(&a, id).Error; err != nil {
			return fmt.Errorf("agent %d: %w", id, notFound(err))
		}
		if !a.Active {
			return nil
		}
		at = at.UTC()
		if err := tx.Model(&a).Updates(map[string]any{"active": false, "disabled_at": at, "updated_at": at}).Error; err != nil {
			return err
		}
		if err := tx.Model(&models.AgentSession{}).Where("agent_id = ? AND revoked_at IS NULL", id).
			Update("revoked_at", at).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditAgent, fmt.Sprint(id), "disabled", map[string]any{"active": true},
			map[string]any{"active": false, "disabled_at": at})
	})
}

// RecordSignIn records an agent's sign-in: its subject when it was found by
// email (so the next sign-in finds it by subject), the instant, and the audit entry.
func (s *Agents) RecordSignIn(ctx context.Context, a *models.Agent, subject, method string, at time.Time) error {
	at = at.UTC()
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		changes := map[string]any{"last_sign_in": at}
		if subject != "" && a.Subject == nil {
			changes["subject"] = subject
			changes["updated_at"] = at
			a.Subject = &subject
		}
		if err := tx.Model(&models.Agent{}).Where("id = ?", a.ID).Updates(changes).Error; err != nil {
			return fmt.Errorf("agent %d sign-in: %w", a.ID, err)
		}
		a.LastSignIn = &at
		after := map[string]any{"method": method}
		if _, linked := changes["subject"]; linked {
			after["subject_recorded"] = true
		}
		return recordAudit(ctx, tx, AuditAgent, fmt.Sprint(a.ID), "signed_in", nil, after)
	})
}
