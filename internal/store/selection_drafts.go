package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// SelectionPayload is what a selection draft holds: the committee's decisions with the facts
// the rules need, gathered by the API (the workflow's activity judges them again).
type SelectionPayload struct {
	Decisions  []selection.Decision
	Dossiers   []selection.Dossier
	Objectives selection.Objectives
	// DecisionReference is the signed decision's reference, quoted to the associations.
	DecisionReference string
}

// SelectionDraftRef names a saved draft: what the campaign workflow's Update carries.
type SelectionDraftRef struct {
	ID        string
	Digest    string
	Decisions int
}

// SaveSelectionDraft keeps the selection of a call sent under requestID. The same request
// with the same selection is the same draft (saved once, whoever retries); its ID derives
// from the call, the request and the digest.
func (s *Applications) SaveSelectionDraft(ctx context.Context, campaignID, requestID string, p SelectionPayload) (SelectionDraftRef, error) {
	raw, err := json.Marshal(p)
	if err != nil {
		return SelectionDraftRef{}, err
	}
	sum := sha256.Sum256(raw)
	digest := hex.EncodeToString(sum[:])
	id := sha256.Sum256([]byte(campaignID + "\x00" + requestID + "\x00" + digest))
	ref := SelectionDraftRef{ID: hex.EncodeToString(id[:16]), Digest: digest, Decisions: len(p.Decisions)}
	row := models.SelectionDraft{ID: ref.ID, CampaignID: campaignID, Digest: digest, Decisions: ref.Decisions, Payload: string(raw)}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{DoNothing: true}).Create(&row).Error
	return ref, err
}

// ErrDraftMismatch: the draft is not the call's, or its payload is not the one its digest names.
var ErrDraftMismatch = errors.New("selection draft does not match")

// SelectionDraft reads the draft of ref for the call, checking its digest.
func (s *Applications) SelectionDraft(ctx context.Context, campaignID string, ref SelectionDraftRef) (SelectionPayload, error) {
	var row models.SelectionDraft
	if err := s.db.WithContext(ctx).Where("id = ?", ref.ID).Take(&row).Error; err != nil {
		if errors.Is(err, gorm.ErrRecordNotFound) {
			return SelectionPayload{}, fmt.Errorf("selection draft %s: %w", ref.ID, ErrNotFound)
		}
		return SelectionPayload{}, err
	}
	sum := sha256.Sum256([]byte(row.Payload))
	if row.CampaignID != campaignID || hex.EncodeToString(sum[:]) != ref.Digest {
		return SelectionPayload{}, fmt.Errorf("selection draft %s of campaign %s: %w", ref.ID, campaignID, ErrDraftMismatch)
	}
	var p SelectionPayload
	if err := json.Unmarshal([]byte(row.Payload), &p); err != nil {
		return SelectionPayload{}, fmt.Errorf("selection draft %s: %w", ref.ID, err)
	}
	return p, nil
}
