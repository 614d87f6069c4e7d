package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"maps"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// PNEStructures reads and writes the structures asked to answer each year's PNE (§8.4).
type PNEStructures struct{ db *gorm.DB }

// NewPNEStructures returns the PNE list queries on db.
func NewPNEStructures(db *gorm.DB) *PNEStructures { return &PNEStructures{db: db} }

// fundedDossier is one dossier retained in a call, with its call's territory.
type fundedDossier struct {
	AssociationKey   string
	AssociationName  string
	AssociationEmail string
	Level            string
	Territory        string
	DecidedAt        *time.Time
	// ByCTAI: mobilised by a funded CTAI (named in its bilan), not a call's dossier.
	ByCTAI bool
}

// BuildList draws up the list of year's PNE: « la liste des structures ayant
// bénéficié des crédits déconcentrés du programme 104 au titre de l'année » before
// (§8.4). An association benefited when its convention of a call of that year was
// signed (a lapsed or cancelled convention, or one never signed, funded nothing),
// or when a funded CTAI of that year mobilised it (its bilan names it); a
// correspondent adds by hand, with a reason, any other (AddByHand). One row per
// association, with its name and email from its latest funded dossier, the
// territory of most of its funded actions and their number. Building it again
// adds the structures missing and changes none already listed (their token,
// their answer), so the activity may be retried. It returns the list.
func (s *PNEStructures) BuildList(ctx context.Context, year int) ([]models.PNEStructure, error) {
	var dossiers []fundedDossier
	err := s.db.WithContext(ctx).Table("applications AS a").
		Select("a.association_key, a.association_name, a.association_email, c.level, c.territory, a.decided_at").
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").
		Joins("JOIN conventions AS v ON v.application_id = a.id").
		Where("c.year = ? AND a.decision = ? AND a.state <> ? AND c.phase <> ? AND v.state = ?",
			year-1, selection.Retained, models.ApplicationCancelled, models.PhaseCancelled, models.ConventionSigned).
		Order("a.decided_at, a.created_at, a.id").Scan(&dossiers).Error
	if err != nil {
		return nil, fmt.Errorf("funded dossiers of %d: %w", year-1, err)
	}
	mobilised, err := s.ctaiAssociations(ctx, year-1)
	if err != nil {
		return nil, err
	}
	rows, err := structuresOf(year, append(dossiers, mobilised...))
	if err != nil {
		return nil, err
	}
	if len(rows) > 0 {
		err = s.db.WithContext(ctx).Clauses(clause.OnConflict{
			Columns: []clause.Column{{Name: "year"}, {Name: "association_key"}}, DoNothing: true,
		}).CreateInBatches(rows, 200).Error
		if err != nil {
			return nil, fmt.Errorf("record the PNE list of %d: %w", year, err)
		}
	}
	return s.List(ctx, year)
}

// structuresOf groups the funded dossiers by association, in the order given (latest last).
func structuresOf(year int, dossiers []fundedDossier) ([]models.PNEStructure, error) {
	type acc struct {
		row   models.PNEStructure
		terrs map[[2]string]int // (region, department) → funded actions there
	}
	byKey := map[string]*acc{}
	var order []string
	for _, d := range dossiers {
		a := byKey[d.AssociationKey]
		if a == nil {
			a = &acc{row: models.PNEStructure{Year: year, AssociationKey: d.AssociationKey}, terrs: map[[2]string]int{}}
			byKey[d.AssociationKey] = a
			order = append(order, d.AssociationKey)
		}
		if !d.ByCTAI || a.row.AssociationName == "" { // a dossier's name rather than a bilan's spelling
			a.row.AssociationName = d.AssociationName
		}
		if e := strings.TrimSpace(d.AssociationEmail); e != "" {
			a.row.Email = e
		}
		a.row.FundedActions++
		a.terrs[regionAndDepartment(d.Level, d.Territory)]++
	}
	rows := make([]models.PNEStructure, 0, len(order))
	for _, key := range order {
		a := byKey[key]
		best, bestN := [2]string{}, -1
		for t, n := range a.terrs {
			if n > bestN || (n == bestN && (t[0]+t[1]) < (best[0]+best[1])) {
				best, bestN = t, n
			}
		}
		a.row.Region, a.row.Department = best[0], best[1]
		token, err := newToken()
		if err != nil {
			return nil, err
		}
		a.row.Token = token
		rows = append(rows, a.row)
	}
	return rows, nil
}

// regionAndDepartment: a departmental call's region comes from the reference list.
func regionAndDepartment(level, code string) [2]string {
	if level == models.LevelRegional {
		return [2]string{code, ""}
	}
	if d, ok := territory.LookupDepartment(code); ok {
		return [2]string{d.RegionCode, code}
	}
	return [2]string{"", code}
}

// newToken is the random part of a structure's personal questionnaire link.
func newToken() (string, error) {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("PNE token: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// List returns the structures of a year's PNE by region, department and name.
func (s *PNEStructures) List(ctx context.Context, year int) ([]models.PNEStructure, error) {
	return s.ListIn(ctx, year, Everything)
}

// ListIn returns the structures of a year's PNE inside scope.
func (s *PNEStructures) ListIn(ctx context.Context, year int, scope Scope) ([]models.PNEStructure, error) {
	var rows []models.PNEStructure
	err := scope.structures(s.db.WithContext(ctx).Where("year = ?", year)).
		Order("region, department, association_name, id").Find(&rows).Error
	return rows, err
}

// NonRespondents returns the structures of a year that have not answered yet,
// read when the reminders leave so that an answer recorded a minute before counts.
func (s *PNEStructures) NonRespondents(ctx context.Context, year int) ([]models.PNEStructure, error) {
	var rows []models.PNEStructure
	err := s.db.WithContext(ctx).Where("year = ? AND answered_at IS NULL", year).Order("id").Find(&rows).Error
	return rows, err
}

// Get returns one structure of a year's list.
func (s *PNEStructures) Get(ctx context.Context, year int, id uint64) (*models.PNEStructure, error) {
	var row models.PNEStructure
	err := s.db.WithContext(ctx).Where("year = ? AND id = ?", year, id).Take(&row).Error
	if err == gorm.ErrRecordNotFound {
		return nil, fmt.Errorf("PNE structure %d of %d: %w", id, year, ErrNotFound)
	}
	return &row, err
}

// PNECorrespondent is a correspondent whose calls funded structures of a year's list.
type PNECorrespondent struct {
	Level     string
	Territory string
	Email     string
}

// Correspondents returns, per territory, the correspondent of the calls of the
// year before that retained a dossier (the first call's contact when several):
// each receives the list of its territory's structures (§8.4).
func (s *PNEStructures) Correspondents(ctx context.Context, year int) ([]PNECorrespondent, error) {
	var rows []PNECorrespondent
	err := s.db.WithContext(ctx).Table("campaigns AS c").
		Select("c.level, c.territory, c.contact_email AS email").
		Where("c.year = ? AND c.phase <> ? AND c.contact_email <> '' AND EXISTS (SELECT 1 FROM applications AS a WHERE a.campaign_id = c.id AND a.decision = ? AND a.state <> ?)",
			year-1, models.PhaseCancelled, selection.Retained, models.ApplicationCancelled).
		Order("c.level, c.territory, c.created_at, c.id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []PNECorrespondent
	for i, r := range rows {
		if i > 0 && rows[i-1].Level == r.Level && rows[i-1].Territory == r.Territory {
			continue
		}
		out = append(out, r)
	}
	return out, nil
}

// Of keeps the structures of the correspondent's territory.
func (c PNECorrespondent) Of(rows []models.PNEStructure) []models.PNEStructure {
	var out []models.PNEStructure
	for _, r := range rows {
		if (c.Level == models.LevelRegional && r.Region == c.Territory) || (c.Level != models.LevelRegional && r.Department == c.Territory) {
			out = append(out, r)
		}
	}
	return out
}

// UpdateEmail corrects a structure's address before the questionnaire leaves.
func (s *PNEStructures) UpdateEmail(ctx context.Context, year int, id uint64, email string) (*models.PNEStructure, error) {
	return s.update(ctx, year, id, "email_corrected", func(before models.PNEStructure) map[string]any {
		return map[string]any{"email": before.Email}
	}, map[string]any{"email": email})
}

// update changes fields of one structure of a year's list and audits the change as action,
// in one transaction, then returns the structure as it now is. was reads the fields'
// values before the change: gorm writes the new values into the model it updates.
func (s *PNEStructures) update(ctx context.Context, year int, id uint64, action string,
	was func(before models.PNEStructure) map[string]any, fields map[string]any) (*models.PNEStructure, error) {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before models.PNEStructure
		if err := tx.Where("year = ? AND id = ?", year, id).Take(&before).Error; err != nil {
			return notFound(err)
		}
		old := was(before)
		changes := map[string]any{"updated_at": time.Now().UTC()}
		maps.Copy(changes, fields)
		if err := tx.Model(&before).Updates(changes).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditPNEStructure, fmt.Sprint(id), action, old, fields)
	})
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("PNE structure %d of %d: %w", id, year, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, year, id)
}
