package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
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
}

// BuildList draws up the list of year's PNE from the dossiers retained in the
// calls of the previous year (§8.4: "structures financées l'année précédente"):
// one row per association, with its name and email from its latest funded
// dossier, the territory of most of its funded actions and their number.
// Building it again adds the structures missing and changes none already listed
// (their token, their answer), so the activity may be retried. It returns the list.
func (s *PNEStructures) BuildList(ctx context.Context, year int) ([]models.PNEStructure, error) {
	var dossiers []fundedDossier
	err := s.db.WithContext(ctx).Table("applications AS a").
		Select("a.association_key, a.association_name, a.association_email, c.level, c.territory, a.decided_at").
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").
		Where("c.year = ? AND a.decision = ? AND a.state <> ? AND c.phase <> ?",
			year-1, selection.Retained, models.ApplicationCancelled, models.PhaseCancelled).
		Order("a.decided_at, a.created_at, a.id").Scan(&dossiers).Error
	if err != nil {
		return nil, fmt.Errorf("funded dossiers of %d: %w", year-1, err)
	}
	rows, err := structuresOf(year, dossiers)
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
		a.row.AssociationName = d.AssociationName
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

// RecordAnswer records that a structure answered (at) or, with a nil at, that
// it has not (a correction). Recording the same answer again changes nothing.
func (s *PNEStructures) RecordAnswer(ctx context.Context, year int, id uint64, at *time.Time) (*models.PNEStructure, error) {
	var value any
	if at != nil {
		value = at.UTC()
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before models.PNEStructure
		if err := tx.Where("year = ? AND id = ?", year, id).Take(&before).Error; err != nil {
			return notFound(err)
		}
		was := map[string]any{"answered_at": before.AnsweredAt} // snapshot: Updates writes into before
		if before.AnsweredAt != nil {
			was["answered_at"] = before.AnsweredAt.UTC()
		}
		if err := tx.Model(&before).Updates(map[string]any{"answered_at": value, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditPNEStructure, fmt.Sprint(id), "answer_recorded", was, map[string]any{"answered_at": value})
	})
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("PNE structure %d of %d: %w", id, year, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, year, id)
}

// Close records, in one transaction, whether each structure of the year
// answered (§8.4): the pne_results the selection reads to block renewals.
// Closing again writes the same values.
func (s *PNEStructures) Close(ctx context.Context, year int) (structures, answered int, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var rows []models.PNEStructure
		if err := tx.Where("year = ?", year).Order("id").Find(&rows).Error; err != nil {
			return err
		}
		results := make([]models.PNEResult, len(rows))
		for i, r := range rows {
			results[i] = models.PNEResult{AssociationKey: r.AssociationKey, Year: year, Answered: r.AnsweredAt != nil, AnsweredAt: r.AnsweredAt}
			if r.AnsweredAt != nil {
				answered++
			}
		}
		structures = len(rows)
		if len(results) == 0 {
			return nil
		}
		if err := auditMissedPNE(ctx, tx, year, results); err != nil {
			return err
		}
		return tx.Clauses(clause.OnConflict{
			Columns:   []clause.Column{{Name: "association_key"}, {Name: "year"}},
			DoUpdates: clause.AssignmentColumns([]string{"answered", "answered_at", "updated_at"}),
		}).CreateInBatches(results, 200).Error
	})
	return structures, answered, err
}

// PNERate is the response rate of a territory (or of the whole country).
type PNERate struct {
	Code       string `json:"code,omitempty"`
	Structures int    `json:"structures"`
	Answered   int    `json:"answered"`
}

// PNERates is the response rate of a year overall, by region and by department.
type PNERates struct {
	Overall      PNERate
	ByRegion     []PNERate
	ByDepartment []PNERate
}

// Rates counts the structures and the answers of a year, from the database.
func (s *PNEStructures) Rates(ctx context.Context, year int) (PNERates, error) {
	return s.RatesIn(ctx, year, Everything)
}

// RatesIn counts the structures and answers of a year inside scope.
func (s *PNEStructures) RatesIn(ctx context.Context, year int, scope Scope) (PNERates, error) {
	type row struct {
		Region, Department string
		Structures         int
		Answered           int
	}
	var rows []row
	err := scope.structures(s.db.WithContext(ctx).Model(&models.PNEStructure{}).
		Select("region, department, COUNT(*) AS structures, SUM(CASE WHEN answered_at IS NULL THEN 0 ELSE 1 END) AS answered").
		Where("year = ?", year)).Group("region, department").Scan(&rows).Error
	if err != nil {
		return PNERates{}, err
	}
	regions, departments := map[string]*PNERate{}, map[string]*PNERate{}
	var out PNERates
	add := func(m map[string]*PNERate, code string, r row) {
		if code == "" {
			return
		}
		if m[code] == nil {
			m[code] = &PNERate{Code: code}
		}
		m[code].Structures += r.Structures
		m[code].Answered += r.Answered
	}
	for _, r := range rows {
		out.Overall.Structures += r.Structures
		out.Overall.Answered += r.Answered
		add(regions, r.Region, r)
		add(departments, r.Department, r)
	}
	out.ByRegion, out.ByDepartment = sortedRates(regions), sortedRates(departments)
	return out, nil
}

func sortedRates(m map[string]*PNERate) []PNERate {
	out := make([]PNERate, 0, len(m))
	for _, r := range m {
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// PNE list problems a correspondent must fix before the questionnaire leaves.
const (
	PNEEmailMissing   = "email_missing"   // no address: the structure cannot be asked
	PNEEmailDuplicate = "email_duplicate" // §8.4 wants one unique address per structure
)

// PNEProblem is one structure of the list that needs a correspondent's attention.
type PNEProblem struct {
	StructureID     uint64 `json:"structure_id"`
	AssociationName string `json:"association_name"`
	Rule            string `json:"rule"`
	Message         string `json:"message"`
}

// PNEProblems reports the structures without an email and those sharing one.
func PNEProblems(rows []models.PNEStructure) []PNEProblem {
	byEmail := map[string][]models.PNEStructure{}
	for _, r := range rows {
		if r.Email != "" {
			e := strings.ToLower(r.Email)
			byEmail[e] = append(byEmail[e], r)
		}
	}
	var out []PNEProblem
	for _, r := range rows {
		if r.Email == "" {
			out = append(out, PNEProblem{StructureID: r.ID, AssociationName: r.AssociationName, Rule: PNEEmailMissing,
				Message: "Aucune adresse électronique : la structure ne recevra pas le questionnaire."})
			continue
		}
		if same := byEmail[strings.ToLower(r.Email)]; len(same) > 1 {
			var others []string
			for _, o := range same {
				if o.ID != r.ID {
					others = append(others, o.AssociationName)
				}
			}
			out = append(out, PNEProblem{StructureID: r.ID, AssociationName: r.AssociationName, Rule: PNEEmailDuplicate,
				Message: fmt.Sprintf("Adresse %s partagée avec : %s ; une adresse unique par structure est attendue.",
					r.Email, strings.Join(others, ", "))})
		}
	}
	return out
}

// PNEImportRow is one line of an imported answers file: a structure named by its token or its email.
type PNEImportRow struct {
	Line       int
	Token      string
	Email      string
	AnsweredAt time.Time
}

// PNEImportProblem is a line of an imported file that names no structure of the year, or several.
type PNEImportProblem struct {
	Line    int
	Rule    string // "unknown" or "ambiguous"
	Message string
}

// ImportAnswers records the answers of an imported file in one transaction,
// all or nothing: when a line names no structure of the year (or several, by a
// shared email), nothing is written and every such line is returned. A
// structure that had already answered keeps its first date.
func (s *PNEStructures) ImportAnswers(ctx context.Context, year int, rows []PNEImportRow) (recorded int, problems []PNEImportProblem, err error) {
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var all []models.PNEStructure
		if err := tx.Where("year = ?", year).Find(&all).Error; err != nil {
			return err
		}
		byToken, byEmail := map[string]uint64{}, map[string][]uint64{}
		for _, r := range all {
			byToken[r.Token] = r.ID
			if r.Email != "" {
				byEmail[strings.ToLower(r.Email)] = append(byEmail[strings.ToLower(r.Email)], r.ID)
			}
		}
		ids := make([]uint64, len(rows))
		for i, row := range rows {
			switch {
			case row.Token != "":
				id, ok := byToken[row.Token]
				if !ok {
					problems = append(problems, PNEImportProblem{Line: row.Line, Rule: "unknown",
						Message: fmt.Sprintf("jeton %q inconnu pour le PNE %d", row.Token, year)})
				}
				ids[i] = id
			default:
				match := byEmail[strings.ToLower(row.Email)]
				switch len(match) {
				case 0:
					problems = append(problems, PNEImportProblem{Line: row.Line, Rule: "unknown",
						Message: fmt.Sprintf("adresse %s inconnue pour le PNE %d", row.Email, year)})
				case 1:
					ids[i] = match[0]
				default:
					problems = append(problems, PNEImportProblem{Line: row.Line, Rule: "ambiguous",
						Message: fmt.Sprintf("adresse %s partagée par %d structures : utilisez le jeton", row.Email, len(match))})
				}
			}
		}
		if len(problems) > 0 {
			return nil
		}
		now := time.Now().UTC()
		for i, row := range rows {
			res := tx.Model(&models.PNEStructure{}).Where("id = ? AND answered_at IS NULL", ids[i]).
				Updates(map[string]any{"answered_at": row.AnsweredAt.UTC(), "updated_at": now})
			if res.Error != nil {
				return res.Error
			}
			recorded += int(res.RowsAffected)
			if res.RowsAffected == 1 {
				if err := recordAudit(ctx, tx, AuditPNEStructure, fmt.Sprint(ids[i]), "answer_imported",
					map[string]any{"answered_at": nil}, map[string]any{"answered_at": row.AnsweredAt.UTC(), "line": row.Line}); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil || len(problems) > 0 {
		recorded = 0
	}
	return recorded, problems, err
}

// PNEEmailRefused: the relay refused the structure's questionnaire for good.
const PNEEmailRefused = "email_refused"

// RefusedMailings reports the structures whose PNE invitation or reminder the
// relay refused for good (5xx, bad address), from the outbox, so that a
// correspondent learns which association could not be reached.
func (s *PNEStructures) RefusedMailings(ctx context.Context, year int, rows []models.PNEStructure) ([]PNEProblem, error) {
	var refused []models.Email
	prefix := fmt.Sprintf("aap/pne/%d/", year)
	if err := s.db.WithContext(ctx).Where("key LIKE ? AND state = ?", prefix+"%", models.EmailFailed).
		Order("key").Find(&refused).Error; err != nil {
		return nil, err
	}
	byID := make(map[uint64]models.PNEStructure, len(rows))
	for _, r := range rows {
		byID[r.ID] = r
	}
	seen := map[uint64]bool{}
	var out []PNEProblem
	for _, e := range refused {
		var id uint64
		if _, err := fmt.Sscanf(e.Key[strings.LastIndex(e.Key, "/structure-")+len("/structure-"):], "%d", &id); err != nil || seen[id] {
			continue
		}
		r, ok := byID[id]
		if !ok {
			continue
		}
		seen[id] = true
		out = append(out, PNEProblem{StructureID: id, AssociationName: r.AssociationName, Rule: PNEEmailRefused,
			Message: fmt.Sprintf("Le questionnaire adressé à %s a été refusé par le serveur de messagerie : %s", e.Recipient, e.LastError)})
	}
	return out, nil
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
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		var before models.PNEStructure
		if err := tx.Where("year = ? AND id = ?", year, id).Take(&before).Error; err != nil {
			return notFound(err)
		}
		// Read before the update: gorm writes the new values into the model it updates.
		was := map[string]any{"email": before.Email}
		if err := tx.Model(&before).Updates(map[string]any{"email": email, "updated_at": time.Now().UTC()}).Error; err != nil {
			return err
		}
		return recordAudit(ctx, tx, AuditPNEStructure, fmt.Sprint(id), "email_corrected", was, map[string]any{"email": email})
	})
	if errors.Is(err, ErrNotFound) {
		return nil, fmt.Errorf("PNE structure %d of %d: %w", id, year, ErrNotFound)
	}
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, year, id)
}

// InvitationsSent reports whether any questionnaire invitation of the year has
// been recorded in the outbox: from then on a structure's address is fixed.
func (s *PNEStructures) InvitationsSent(ctx context.Context, year int) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Email{}).Where("key LIKE ?", fmt.Sprintf("aap/pne/%d/pne-invitation/%%", year)).Count(&n).Error
	return n > 0, err
}
