package store

import (
	"context"
	"fmt"
	"strings"

	"github.com/dian-p104/aap/models"
)

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

// InvitationsSent reports whether any questionnaire invitation of the year has
// been recorded in the outbox: from then on a structure's address is fixed.
func (s *PNEStructures) InvitationsSent(ctx context.Context, year int) (bool, error) {
	var n int64
	err := s.db.WithContext(ctx).Model(&models.Email{}).Where("key LIKE ?", fmt.Sprintf("aap/pne/%d/pne-invitation/%%", year)).Count(&n).Error
	return n > 0, err
}
