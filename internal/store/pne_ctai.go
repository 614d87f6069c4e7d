package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/dian-p104/aap/internal/identity"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/models"
)

// ctaiAssociations returns, as funded actions, the associations a CTAI funded in
// fundedYear (DIAN's favourable opinion) mobilised, as its bilan names them (§8.4:
// they benefited from the credits through the collectivité; §8.5 counts them too).
// The bilan gives a name only: the structure is keyed by its folded name
// (CTAIAssociationKey), in the collectivité's department, without an email — the
// list flags it for the correspondent to complete — unless a structure funded by
// a call bears the same name, whose row it joins.
func (s *PNEStructures) ctaiAssociations(ctx context.Context, fundedYear int) ([]fundedDossier, error) {
	var requests []models.CTAIRequest
	if err := s.db.WithContext(ctx).Where("year = ? AND opinion = ?", fundedYear, ctai.OpinionFavourable).
		Order("opinion_at, id").Find(&requests).Error; err != nil {
		return nil, fmt.Errorf("funded CTAI of %d: %w", fundedYear, err)
	}
	byName, err := s.fundedNames(ctx, fundedYear)
	if err != nil {
		return nil, err
	}
	var out []fundedDossier
	for _, r := range requests {
		for _, b := range r.Bilan {
			for _, name := range b.Associations {
				name = strings.TrimSpace(name)
				if name == "" {
					continue
				}
				key := byName[identity.TitleKey(name)]
				if key == "" {
					key = CTAIAssociationKey(name)
				}
				out = append(out, fundedDossier{AssociationKey: key, AssociationName: name,
					Level: models.LevelDepartmental, Territory: r.Territory, DecidedAt: r.OpinionAt, ByCTAI: true})
			}
		}
	}
	return out, nil
}

// fundedNames maps the folded names of the associations whose convention of a call of
// fundedYear was signed to their keys.
func (s *PNEStructures) fundedNames(ctx context.Context, fundedYear int) (map[string]string, error) {
	var rows []struct{ AssociationKey, AssociationName string }
	err := s.db.WithContext(ctx).Table("applications AS a").Select("a.association_key, a.association_name").
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").Joins("JOIN conventions AS v ON v.application_id = a.id").
		Where("c.year = ? AND v.state = ?", fundedYear, models.ConventionSigned).Scan(&rows).Error
	out := map[string]string{}
	for _, r := range rows {
		out[identity.TitleKey(r.AssociationName)] = r.AssociationKey
	}
	return out, err
}

// CTAIAssociationKey keys an association a CTAI's bilan names, known by its name only.
func CTAIAssociationKey(name string) string {
	sum := sha256.Sum256([]byte(identity.TitleKey(name)))
	return "ctai:" + hex.EncodeToString(sum[:])[:16]
}
