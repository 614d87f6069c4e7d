package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/models"
)

// Applications reads and writes dossiers.
type Applications struct{ db *gorm.DB }

// NewApplications returns the dossier queries on db.
func NewApplications(db *gorm.DB) *Applications { return &Applications{db: db} }

// Create stores a dossier unless the same one exists: same idempotency key, or
// same association, call and project title. Then it returns the existing one
// and created=false. A new dossier whose association and project already stand
// in another call of the same year is flagged on both sides (double funding).
// The attachments (the online form's) are stored with the dossier, in its transaction;
// a replay stores none. The association is the one its SIRET or RNA resolves to
// (ResolveAssociationKey), and a dossier giving both links them (linkAssociation).
func (s *Applications) Create(ctx context.Context, a *models.Application, attachments ...models.Attachment) (stored *models.Application, created bool, err error) {
	if a.SIRET != "" || a.RNA != "" {
		if a.AssociationKey, err = ResolveAssociationKey(ctx, s.db, a.SIRET, a.RNA); err != nil {
			return nil, false, err
		}
	}
	insertErr := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := linkAssociation(ctx, tx, a.AssociationKey, a.SIRET, a.RNA); err != nil {
			return err
		}
		var twins []models.Application
		if err := tx.Where("year = ? AND association_key = ? AND title_key = ? AND campaign_id <> ?",
			a.Year, a.AssociationKey, a.TitleKey, a.CampaignID).Order("id").Find(&twins).Error; err != nil {
			return err
		}
		a.DoubleFundingWith = []string{}
		for _, twin := range twins {
			a.DoubleFundingWith = append(a.DoubleFundingWith, twin.ID)
		}
		// A replay (same idempotency key, or same call, association and title) or the
		// same dossier filed at the same moment inserts nothing: the unique indexes say
		// so, without a lookup before every filing, and the transaction rolls back the
		// reference number the insert took: a replay takes no number.
		res := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(a)
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return errAlreadyFiled
		}
		if err := createAttachments(tx, a.ID, attachments); err != nil {
			return err
		}
		if err := recordAudit(ctx, tx, AuditApplication, a.ID, "filed", nil, a); err != nil {
			return err
		}
		for _, twin := range twins {
			twin.DoubleFundingWith = append(twin.DoubleFundingWith, a.ID)
			if err := tx.Model(&twin).Select("double_funding_with").Updates(&twin).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if insertErr == nil {
		return a, true, nil
	}
	if !errors.Is(insertErr, errAlreadyFiled) {
		return nil, false, fmt.Errorf("insert application: %w", insertErr)
	}
	existing, err := s.existing(ctx, a)
	if errors.Is(err, ErrNotFound) { // another unique index refused it: not a replay, not a "not found"
		return nil, false, errors.New("insert application: refused by a unique index, and no dossier of the same key or identity stands")
	}
	if err != nil {
		return nil, false, fmt.Errorf("find the dossier already filed: %w", err)
	}
	return existing, false, nil
}

// errAlreadyFiled rolls back a filing whose dossier is already stored.
var errAlreadyFiled = errors.New("dossier already filed")

func (s *Applications) existing(ctx context.Context, a *models.Application) (*models.Application, error) {
	var found models.Application
	q := s.db.WithContext(ctx).Where("campaign_id = ? AND association_key = ? AND title_key = ?", a.CampaignID, a.AssociationKey, a.TitleKey)
	if a.IdempotencyKey != nil {
		q = s.db.WithContext(ctx).Where("idempotency_key = ?", *a.IdempotencyKey).Or(q)
	}
	err := q.Take(&found).Error
	return &found, notFound(err)
}

// ConfirmReceipt records, once, that the association received its accusé de réception;
// a second confirmation changes nothing and records nothing.
func (s *Applications) ConfirmReceipt(ctx context.Context, id string, at time.Time) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&models.Application{}).Where("id = ? AND receipt_confirmed_at IS NULL", id).
			Update("receipt_confirmed_at", at)
		if res.Error != nil || res.RowsAffected == 0 {
			return res.Error
		}
		return recordAudit(ctx, tx, AuditApplication, id, "receipt_acknowledged", nil, map[string]time.Time{"receipt_confirmed_at": at})
	})
}

// Pending returns the association's dossiers the committee has not decided yet
// (filed or under review), oldest first.
func (s *Applications) Pending(ctx context.Context, associationKey string) ([]models.Application, error) {
	var out []models.Application
	err := s.db.WithContext(ctx).Where("association_key = ? AND state IN ?", associationKey,
		[]string{models.ApplicationDeposited, models.ApplicationUnderReview}).Order("created_at, id").Find(&out).Error
	return out, err
}

// Get returns one dossier or ErrNotFound.
func (s *Applications) Get(ctx context.Context, id string) (*models.Application, error) {
	var a models.Application
	err := s.db.WithContext(ctx).Where("id = ?", id).Take(&a).Error
	return &a, notFound(err)
}

// Delete removes a dossier whose workflow could not be started, and with it
// everything its filing wrote, in one transaction: its « filed » audit entry
// and the double-funding flag it put on its twins in other calls. The filing
// is undone as if refused; nothing points at a dossier that does not exist.
func (s *Applications) Delete(ctx context.Context, id string) error {
	return s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var a models.Application
		if err := tx.Where("id = ?", id).Take(&a).Error; err != nil {
			return notFound(err)
		}
		for _, twinID := range a.DoubleFundingWith {
			var twin models.Application
			if err := tx.Where("id = ?", twinID).Take(&twin).Error; errors.Is(err, gorm.ErrRecordNotFound) {
				continue
			} else if err != nil {
				return err
			}
			kept := make([]string, 0, len(twin.DoubleFundingWith))
			for _, other := range twin.DoubleFundingWith {
				if other != id {
					kept = append(kept, other)
				}
			}
			twin.DoubleFundingWith = kept
			if err := tx.Model(&twin).Select("double_funding_with").Updates(&twin).Error; err != nil {
				return err
			}
		}
		if err := tx.Where("application_id = ?", id).Delete(&models.Attachment{}).Error; err != nil {
			return err
		}
		if err := deleteWithItsTrail(tx, AuditApplication, id, &models.Application{}); err != nil {
			return err
		}
		return addToDossierCount(tx, a.CampaignID, -1)
	})
}

// deleteWithItsTrail removes a record whose workflow could not be started and
// the audit entries its creation wrote (the change did not happen).
func deleteWithItsTrail(tx *gorm.DB, entity, id string, model any) error {
	if err := tx.Where("entity = ? AND entity_id = ?", entity, id).Delete(&models.AuditEntry{}).Error; err != nil {
		return err
	}
	return tx.Where("id = ?", id).Delete(model).Error
}

// ApplicationFilter narrows a call's list of dossiers; zero values do not filter.
type ApplicationFilter struct {
	CampaignID string
	State      string
	Theme      string
	Limit      int
	Offset     int
	// After is a keyset cursor: the page starts just after this dossier of the call, in
	// filing order (Offset is then ignored). A deep page costs what the first one does:
	// the index idx_applications_call_order is entered at the cursor instead of being
	// read, and the rows before it skipped, from the start of the call.
	After string
}

// ErrUnknownCursor: a keyset cursor names no dossier of the call.
var ErrUnknownCursor = errors.New("the cursor names no dossier of this call")

// List returns one page of a call's dossiers, oldest first (the order of filing), and the
// total; a page after a cursor returns no total (-1): counting the call's dossiers again
// for each page cost more than reading the page (BenchmarkApplicationsListDeepPage).
func (s *Applications) List(ctx context.Context, f ApplicationFilter) ([]models.Application, int64, error) {
	if f.After == "" {
		q := filterApplications(s.db.WithContext(ctx).Model(&models.Application{}).Where("campaign_id = ?", f.CampaignID), f)
		return page[models.Application](q, "created_at, id", f.Limit, f.Offset)
	}
	q, err := s.callPage(ctx, s.db.WithContext(ctx).Model(&models.Application{}), f)
	if err != nil {
		return nil, 0, err
	}
	var rows []models.Application
	return rows, -1, q.Find(&rows).Error
}

// RecordState writes the dossier's state and when it was recorded; repeating it
// changes nothing (the first instant stays).
func (s *Applications) RecordState(ctx context.Context, id, state string) error {
	res := s.db.WithContext(ctx).Model(&models.Application{}).Where("id = ?", id).Updates(map[string]any{"state": state,
		"state_recorded_at": gorm.Expr("CASE WHEN state = ? THEN state_recorded_at ELSE ? END", state, time.Now().UTC())})
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("application %s: %w", id, ErrNotFound)
	}
	return nil
}

// ThemeTotal is what a call received on one theme.
type ThemeTotal struct {
	Theme          string
	Count          int64
	RequestedCents int64
}

// CallSummary is what a call received, for the correspondent at closure.
type CallSummary struct {
	Count          int64
	RequestedCents int64
	ByTheme        []ThemeTotal
	// Flagged are the dossiers the committee must look at twice: double funding, redundant with AGIR.
	Flagged []models.Application
}

// Summary totals a call's dossiers by theme and lists the flagged ones.
func (s *Applications) Summary(ctx context.Context, campaignID string) (CallSummary, error) {
	db := withWorkflow(s.db.WithContext(ctx).Model(&models.Application{}), "").Where("campaign_id = ?", campaignID)
	var sum CallSummary
	if err := db.Session(&gorm.Session{}).Select("theme, COUNT(*) AS count, COALESCE(SUM(requested_cents), 0) AS requested_cents").
		Group("theme").Order("theme").Scan(&sum.ByTheme).Error; err != nil {
		return sum, err
	}
	for _, t := range sum.ByTheme {
		sum.Count += t.Count
		sum.RequestedCents += t.RequestedCents
	}
	var all []models.Application
	if err := db.Session(&gorm.Session{}).Where("agir_redundant = ? OR double_funding_with NOT IN ?", true, []string{"[]", "null", ""}).
		Order("created_at, id").Find(&all).Error; err != nil {
		return sum, err
	}
	sum.Flagged = all
	return sum, nil
}

// ByIdempotencyKey returns the dossier filed with that key (a connector's: "ds:<démarche>:<number>"), or ErrNotFound.
func (s *Applications) ByIdempotencyKey(ctx context.Context, key string) (*models.Application, error) {
	var a models.Application
	err := s.db.WithContext(ctx).Where("idempotency_key = ?", key).Take(&a).Error
	return &a, notFound(err)
}
