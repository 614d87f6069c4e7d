package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// All returns every dossier of a call with its workflow, in the order of filing (the committee
// reviews them all, §8). A dossier whose workflow is still to be started is not among them.
func (s *Applications) All(ctx context.Context, campaignID string) ([]models.Application, error) {
	var all []models.Application
	err := withWorkflow(s.db.WithContext(ctx), "").Where("campaign_id = ?", campaignID).Order("created_at, id").Find(&all).Error
	return all, err
}

// DecisionRecord is the committee's decision on one dossier.
type DecisionRecord struct {
	ApplicationID              string
	Decision                   string // "retenu" | "non_retenu"
	GrantedCents               int64
	Score                      int
	Reason                     string
	DoubleFundingJustification string
	CPOTranches                []models.Tranche
	ActionDepartment           string
	PayRevaluation             bool
	LanguageTraining           bool
}

// RecordSelection writes the committee's decisions and the call's new phase in
// one transaction. Repeating it (a retried activity) writes the same values.
//
// Only one selection is recorded: the call leaves the phase closed for selected
// (UPDATE … WHERE phase = 'closed', rows affected) in the same transaction as
// the decisions and the audit entry (under the actor of ctx). The same
// selection again (a retried activity: same instant) is a no-op; any other
// once the call has left the phase closed is ErrConflict.
func (s *Applications) RecordSelection(ctx context.Context, campaignID string, decisions []DecisionRecord, at time.Time) error {
	return s.RecordSelectionWith(ctx, campaignID, decisions, SelectionFacts{}, at)
}

// SelectionFacts are what a selection records on its call beside the decisions: the
// objectives of §8.1 it leaves unmet, the committee's justification, the signed decision.
type SelectionFacts struct {
	ObjectivesJustification string
	Deviations              []selection.Deviation
	DecisionReference       string
	// Recheck, when set, judges the selection again inside the recording transaction, once
	// the selections of the call's region and year are serialised (selectionLock), with the
	// year's other calls' figures read then (§8.1: objectives per territory across the
	// year's calls): it returns the deviations to record, or an error that records nothing.
	Recheck func(c *models.Campaign, others []TerritoryRetained) ([]selection.Deviation, error)
	// Themes are those counted as employment and language, for the others' figures.
	Themes []string
}

// RecordSelectionWith is RecordSelection recording facts on the call and in the audit entry.
func (s *Applications) RecordSelectionWith(ctx context.Context, campaignID string, decisions []DecisionRecord, facts SelectionFacts, at time.Time) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if facts.Recheck != nil {
			devs, err := recheckSelection(tx, campaignID, facts)
			if err != nil {
				return err
			}
			facts.Deviations = devs
		}
		deviations, err := json.Marshal(facts.Deviations)
		if err != nil {
			return err
		}
		res := tx.Model(&models.Campaign{}).Where("id = ? AND phase = ?", campaignID, models.PhaseClosed).Updates(map[string]any{
			"phase": models.PhaseSelected, "selected_at": at.UTC(), "state_recorded_at": at.UTC(), "objectives_justification": facts.ObjectivesJustification,
			"objectives_deviations": string(deviations), "decision_reference": facts.DecisionReference,
		})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return errSelectionNotOpen
		}
		for _, d := range decisions {
			res := tx.Model(&models.Application{}).Where("id = ? AND campaign_id = ?", d.ApplicationID, campaignID).Updates(map[string]any{
				"decision": d.Decision, "granted_cents": d.GrantedCents, "score": d.Score, "decision_reason": d.Reason,
				"double_funding_justification": d.DoubleFundingJustification, "decided_at": at.UTC(),
				"cpo_tranches": tranchesJSON(d.CPOTranches), "action_department": d.ActionDepartment,
				"pay_revaluation": d.PayRevaluation, "language_training": d.LanguageTraining,
			})
			if res.Error != nil {
				return res.Error
			}
			if res.RowsAffected == 0 {
				return fmt.Errorf("application %s of campaign %s: %w", d.ApplicationID, campaignID, ErrNotFound)
			}
		}
		return recordAudit(ctx, tx, AuditCampaign, campaignID, "selection_recorded",
			map[string]any{"phase": models.PhaseClosed}, map[string]any{"phase": models.PhaseSelected, "decisions": decisions,
				"objectives_justification": facts.ObjectivesJustification, "objectives_deviations": facts.Deviations,
				"decision_reference": facts.DecisionReference})
	})
	if !errors.Is(err, errSelectionNotOpen) {
		return err
	}
	var c models.Campaign
	if err := s.db.WithContext(ctx).Where("id = ?", campaignID).Take(&c).Error; err != nil {
		return notFound(err)
	}
	if c.Phase == models.PhaseSelected && c.SelectedAt != nil && c.SelectedAt.Sub(at).Abs() < time.Millisecond {
		return nil // this selection, recorded by an earlier attempt
	}
	return fmt.Errorf("selection of campaign %s (phase %s): %w", campaignID, c.Phase, ErrConflict)
}

// recheckSelection serialises the selections of the call's region and year, then runs
// facts.Recheck with the other calls' figures as recorded now. A call no longer closed is
// left to the recording's own conditional update (errSelectionNotOpen).
func recheckSelection(tx *gorm.DB, campaignID string, facts SelectionFacts) ([]selection.Deviation, error) {
	var c models.Campaign
	if err := tx.Where("id = ?", campaignID).Take(&c).Error; err != nil {
		return nil, notFound(err)
	}
	if c.Phase != models.PhaseClosed {
		return facts.Deviations, nil
	}
	if region, ok := selection.RegionOf(c.Level == models.LevelDepartmental, c.Territory); ok {
		if err := selectionLock(tx, c.Year, region); err != nil {
			return nil, err
		}
	}
	others, err := retainedByTerritory(tx, c.Year, facts.Themes, c.ID)
	if err != nil {
		return nil, err
	}
	return facts.Recheck(&c, others)
}

// selectionLock takes the row of a region and year (created on its first selection): a
// conditional write that PostgreSQL holds locked until the transaction ends, so a concurrent
// selection of the region waits and then reads this one's decisions; SQLite's transactions
// are immediate, one at a time.
func selectionLock(tx *gorm.DB, year int, region string) error {
	lock := map[string]any{"year": year, "region": region, "selections": 0}
	if err := tx.Table("selection_locks").Clauses(clause.OnConflict{DoNothing: true}).Create(lock).Error; err != nil {
		return err
	}
	return tx.Table("selection_locks").Where("year = ? AND region = ?", year, region).
		Update("selections", gorm.Expr("selections + 1")).Error
}

// errSelectionNotOpen: the call was not closed when its selection was to be recorded.
var errSelectionNotOpen = errors.New("selection not open")

// PNEResults reads and writes who answered the PNE questionnaire each year.
type PNEResults struct{ db *gorm.DB }

// NewPNEResults returns the PNE history queries on db.
func NewPNEResults(db *gorm.DB) *PNEResults { return &PNEResults{db: db} }

// Record writes whether a structure answered the PNE of a year; recording it again overwrites.
func (s *PNEResults) Record(ctx context.Context, associationKey string, year int, answered bool, at *time.Time) error {
	r := models.PNEResult{AssociationKey: associationKey, Year: year}
	return s.db.WithContext(ctx).Where(r).Assign(models.PNEResult{Answered: answered, AnsweredAt: at}).FirstOrCreate(&r).Error
}

// MissedYears returns, for each association, the years whose PNE it did not answer, ascending.
// The keys are read keysPerQuery at a time (a call's selection asks about all its associations).
func (s *PNEResults) MissedYears(ctx context.Context, associationKeys []string) (map[string][]int, error) {
	missed := map[string][]int{}
	rows, err := findByAssociationKeys[models.PNEResult](s.db.WithContext(ctx).Where("answered = ?", false), associationKeys)
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		missed[r.AssociationKey] = append(missed[r.AssociationKey], r.Year)
	}
	for _, years := range missed {
		sort.Ints(years)
	}
	return missed, nil
}

// tranchesJSON serialises CPO tranches as the json serializer of the column does ("null" when none).
func tranchesJSON(t []models.Tranche) string {
	raw, _ := json.Marshal(t)
	return string(raw)
}
