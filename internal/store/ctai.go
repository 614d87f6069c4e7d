package store

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/models"
)

// CTAIRequests reads and writes the collectivités' CTAI requests (§3).
type CTAIRequests struct{ db *gorm.DB }

// NewCTAIRequests returns the CTAI request queries on db.
func NewCTAIRequests(db *gorm.DB) *CTAIRequests { return &CTAIRequests{db: db} }

// Create stores r, unless the collectivité already filed a request of that
// kind for that year: then it returns that one and created=false. Two
// concurrent filings end with one row (the unique index on year, kind, code).
func (s *CTAIRequests) Create(ctx context.Context, r *models.CTAIRequest) (stored *models.CTAIRequest, created bool, err error) {
	if existing, err := s.byIdentity(ctx, r.Year, r.Kind, r.CollectiviteCode); err == nil {
		return existing, false, nil
	} else if err != ErrNotFound {
		return nil, false, err
	}
	insertErr := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := tx.Create(r).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditCTAIRequest, r.ID, "filed", nil,
			map[string]any{"year": r.Year, "kind": r.Kind, "collectivite_code": r.CollectiviteCode, "requested_cents": r.RequestedCents})
	})
	if insertErr == nil {
		return r, true, nil
	}
	if existing, err := s.byIdentity(ctx, r.Year, r.Kind, r.CollectiviteCode); err == nil {
		return existing, false, nil
	}
	return nil, false, fmt.Errorf("insert CTAI request: %w", insertErr)
}

func (s *CTAIRequests) byIdentity(ctx context.Context, year int, kind, code string) (*models.CTAIRequest, error) {
	var r models.CTAIRequest
	err := s.db.WithContext(ctx).Where("year = ? AND kind = ? AND collectivite_code = ?", year, kind, code).Take(&r).Error
	return &r, notFound(err)
}

// Get returns one request or ErrNotFound.
func (s *CTAIRequests) Get(ctx context.Context, id string) (*models.CTAIRequest, error) {
	var r models.CTAIRequest
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&r).Error
	if err == gorm.ErrRecordNotFound {
		return nil, fmt.Errorf("CTAI request %s: %w", id, ErrNotFound)
	}
	return &r, err
}

// Delete removes a request whose workflow could not be started, so that the
// refused filing leaves nothing behind.
func (s *CTAIRequests) Delete(ctx context.Context, id string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return deleteWithItsTrail(tx, AuditCTAIRequest, id, &models.CTAIRequest{})
	})
}

// RecordProposal records the engine's proposal: each rule's outcome and the
// coherence figures. Recording it again (a retried activity) writes nothing;
// once DIAN has decided, the proposal stays as it was.
func (s *CTAIRequests) RecordProposal(ctx context.Context, id string, p ctai.Proposal, at time.Time) error {
	r, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	if r.State != models.CTAIFiled {
		return nil // recorded already (a retried activity)
	}
	when := at.UTC()
	r.ProposedOpinion, r.Outcomes, r.Coherence, r.ProposedAt, r.State = p.Opinion, p.Outcomes, &p.Coherence, &when, models.CTAIProposed
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(r).Where("state = ?", models.CTAIFiled).
			Select("proposed_opinion", "outcomes", "coherence", "proposed_at", "state", "updated_at").Updates(r)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return recordAudit(ctx, tx, AuditCTAIRequest, r.ID, "opinion_proposed", map[string]any{"state": models.CTAIFiled},
			map[string]any{"state": r.State, "proposed_opinion": p.Opinion, "failed_rules": p.Failed(),
				"state_funding_cents": p.Coherence.StateFundingCents, "envelope_used_cents": p.Coherence.EnvelopeUsedCents})
	})
}

// RecordDecision records DIAN's opinion on a proposed request, with the agent
// (the context's actor) in the audit entry of the same transaction. One
// decision wins: the same decision again (a retried activity) is a no-op,
// another on a decided request is ErrConflict, as is one on a request
// without proposal.
//
// A favourable opinion is checked against the year's national envelope
// (envelopeCents; 0: not set) and adds its amount to the envelope's row in the
// same transaction (§3.5: « dans la limite de l'enveloppe financière annuelle
// disponible »): of two opinions recorded at the same instant that together
// pass the envelope, the second is checked with the first's amount, and
// without a motivation it is refused with an *EnvelopeExceededError.
func (s *CTAIRequests) RecordDecision(ctx context.Context, id string, d ctai.Decision, envelopeCents int64, at time.Time) error {
	r, err := s.Get(ctx, id)
	if err != nil {
		return err
	}
	actor := ActorOf(ctx).Name
	if r.State == models.CTAIReviewed && r.Opinion == d.Opinion && r.DelegatedCents == d.DelegatedCents &&
		r.Motivation == d.Motivation && r.DecidedBy == actor {
		return nil // recorded already (a retried activity)
	}
	if r.State != models.CTAIProposed {
		return fmt.Errorf("CTAI request %s is %s: %w", id, r.State, ErrConflict)
	}
	when := at.UTC()
	r.Opinion, r.DelegatedCents, r.Motivation, r.DecidedBy, r.OpinionAt, r.State = d.Opinion, d.DelegatedCents, d.Motivation, actor, &when, models.CTAIReviewed
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(r).Where("state = ?", models.CTAIProposed).
			Select("opinion", "delegated_cents", "motivation", "decided_by", "opinion_at", "state", "updated_at").Updates(r)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("CTAI request %s decided meanwhile: %w", id, ErrConflict)
		}
		if d.Opinion == ctai.OpinionFavourable {
			if err := useEnvelope(tx, r.Year, r.ID, d, envelopeCents); err != nil {
				return err
			}
		}
		return recordAudit(ctx, tx, AuditCTAIRequest, r.ID, "opinion_decided",
			map[string]any{"state": models.CTAIProposed, "proposed_opinion": r.ProposedOpinion},
			map[string]any{"state": r.State, "opinion": d.Opinion, "delegated_cents": d.DelegatedCents,
				"motivation": d.Motivation, "agrees_with_proposal": d.Opinion == r.ProposedOpinion})
	})
}

// EnvelopeUsed is what the favourable opinions of the year's requests other
// than exceptID delegated: the national CTAI envelope used so far (§8.1).
func (s *CTAIRequests) EnvelopeUsed(ctx context.Context, year int, exceptID string) (int64, error) {
	var sum int64
	err := s.db.WithContext(ctx).Model(&models.CTAIRequest{}).
		Where("year = ? AND state = ? AND opinion = ? AND id <> ?", year, models.CTAIReviewed, ctai.OpinionFavourable, exceptID).
		Select("COALESCE(SUM(delegated_cents), 0)").Scan(&sum).Error
	return sum, err
}

// ListYear returns the requests of a year by territory, collectivité and kind.
func (s *CTAIRequests) ListYear(ctx context.Context, year int) ([]models.CTAIRequest, error) {
	var rows []models.CTAIRequest
	err := withWorkflow(s.db.WithContext(ctx), "").Where("year = ?", year).Order("territory, collectivite_name, kind, id").Find(&rows).Error
	return rows, err
}
