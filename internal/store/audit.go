package store

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
)

// Actor is who makes a change: the API puts the caller's in the request's
// context (WithActor), and every change the store makes under that context is
// recorded in the audit trail in the same transaction.
type Actor = models.Actor

// WorkflowActor makes the changes decided by a workflow (a convention lapsed).
var WorkflowActor = Actor{Name: "workflow"}

type actorKey struct{}

// WithActor returns ctx carrying the actor of the changes made under it.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorOf returns the actor carried by ctx; without one the change is a
// workflow's (activities run without a caller).
func ActorOf(ctx context.Context) Actor {
	if a, ok := ctx.Value(actorKey{}).(Actor); ok {
		return a
	}
	return WorkflowActor
}

// Audit entities.
const (
	AuditCampaign     = "campaign"
	AuditApplication  = "application"
	AuditConvention   = "convention"
	AuditPNEStructure = "pne_structure"
	AuditCTAIRequest  = "ctai_request"
	AuditControl      = "control"
	// AuditControlSynthesis: a region's yearly synthesis of its controls (ID "year/region").
	AuditControlSynthesis = "control_synthesis"
	AuditToken            = "token"
	// AuditAgent: an agent of the pages (ID the agent's): created, disabled, signed in or out.
	AuditAgent = "agent"
)

// recordAudit writes one audit entry with tx (the change's transaction).
func recordAudit(ctx context.Context, tx *gorm.DB, entity, entityID, action string, before, after any) error {
	a := ActorOf(ctx)
	e := models.AuditEntry{Actor: a.Name, TokenID: a.TokenID, AgentID: a.AgentID, RequestID: a.RequestID,
		Entity: entity, EntityID: entityID, Action: action, At: time.Now().UTC()}
	var err error
	if e.Before, err = snapshot(before); err != nil {
		return err
	}
	if e.After, err = snapshot(after); err != nil {
		return err
	}
	if err := tx.WithContext(ctx).Create(&e).Error; err != nil {
		return fmt.Errorf("audit %s %s: %w", entity, action, err)
	}
	return nil
}

func snapshot(v any) (string, error) {
	if v == nil {
		return "", nil
	}
	raw, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("audit snapshot: %w", err)
	}
	return string(raw), nil
}

// AuditAssociation: decisions about an association (ID "siren:…" or "rna:…").
const AuditAssociation = "association"

// auditMissedPNE records, with the PNE's closure, each association recorded as
// having missed the year's questionnaire: the decision that blocks its renewal
// (§8.4). Closing again records nothing new.
func auditMissedPNE(ctx context.Context, tx *gorm.DB, year int, results []models.PNEResult) error {
	var before []models.PNEResult
	if err := tx.Where("year = ?", year).Find(&before).Error; err != nil {
		return err
	}
	known := make(map[string]bool, len(before))
	for _, r := range before {
		known[r.AssociationKey] = r.Answered
	}
	for _, r := range results {
		if answered, ok := known[r.AssociationKey]; r.Answered || (ok && !answered) {
			continue
		}
		if err := recordAudit(ctx, tx, AuditAssociation, r.AssociationKey, "pne_missed",
			nil, map[string]any{"year": year, "answered": false, "effect": "renewal_blocked_per_policy"}); err != nil {
			return err
		}
	}
	return nil
}

// Audit reads and writes the audit trail.
type Audit struct{ db *gorm.DB }

// NewAudit returns the audit trail's queries on db.
func NewAudit(db *gorm.DB) *Audit { return &Audit{db: db} }

// Record writes an entry for a change made elsewhere (a Temporal update the API
// sent): the actor comes from ctx.
func (s *Audit) Record(ctx context.Context, entity, entityID, action string, before, after any) error {
	return recordAudit(ctx, s.db, entity, entityID, action, before, after)
}

// AuditFilter narrows the trail; zero values do not filter.
type AuditFilter struct {
	Entity   string
	EntityID string
	Actor    string
	From, To time.Time
	Limit    int
	Offset   int
}

// List returns one page of the trail, newest first, and the total.
func (s *Audit) List(ctx context.Context, f AuditFilter) ([]models.AuditEntry, int64, error) {
	q := s.db.WithContext(ctx).Model(&models.AuditEntry{})
	if f.Entity != "" {
		q = q.Where("entity = ?", f.Entity)
	}
	if f.EntityID != "" {
		q = q.Where("entity_id = ?", f.EntityID)
	}
	if f.Actor != "" {
		q = q.Where("actor = ?", f.Actor)
	}
	if !f.From.IsZero() {
		q = q.Where("at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("at < ?", f.To.UTC())
	}
	return page[models.AuditEntry](q, "at DESC, id DESC", f.Limit, f.Offset)
}
