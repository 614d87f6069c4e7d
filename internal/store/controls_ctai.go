package store

import (
	"context"
	"fmt"
	"strings"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/identity"
	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// CTAIFunded is an association a funded CTAI's bilan names (§8.5: « des
// contrôles sur site … au profit … des associations financées dans le cadre des
// CTAI »), with what it received through that CTAI, its actions summed.
type CTAIFunded struct {
	RequestID        string
	CollectiviteName string
	// Department is the CTAI's territory; Region the department's region.
	Department, Region string
	// Key identifies the association within its CTAI, and names it in a control:
	// its SIREN or RNA key when the bilan gives one, else its folded name's (ctai:…).
	Key  string
	Name string
	// FundingKey is the key its whole P104 funding of the year is summed under:
	// Key, or — the bilan giving a name only — the key of the association funded
	// by a call of the year that bears the same name (as the PNE list joins them, §8.4).
	FundingKey string
	// Cents is what the bilan says it received; 0 when it names it without an amount.
	Cents int64
}

// FundedByCTAI lists the associations a CTAI request's bilan names, one per
// association (its amounts over the actions summed): those with an amount
// first, in the bilan's order, then those named only (§3.3's list of the
// associations mobilised), unless already listed under the same name. byName
// maps folded names of the year's call-funded associations to their keys.
func FundedByCTAI(r *models.CTAIRequest, byName map[string]string) []CTAIFunded {
	dep, _ := territory.LookupDepartment(r.Territory)
	var out []CTAIFunded
	at := map[string]int{}     // Key → index in out
	named := map[string]bool{} // folded names listed
	add := func(name, number string, cents int64) {
		folded := identity.TitleKey(name)
		key, ok := identity.NumberKey(number)
		if !ok {
			key = CTAIAssociationKey(name)
		}
		if i, seen := at[key]; seen {
			out[i].Cents += cents
			named[folded] = true
			return
		}
		funding := key
		if !ok && byName[folded] != "" {
			funding = byName[folded]
		}
		at[key], named[folded] = len(out), true
		out = append(out, CTAIFunded{RequestID: r.ID, CollectiviteName: r.CollectiviteName, Department: r.Territory,
			Region: dep.RegionCode, Key: key, Name: name, FundingKey: funding, Cents: cents})
	}
	for _, b := range r.Bilan {
		for _, f := range b.FundedAssociations {
			if name := strings.TrimSpace(f.Name); name != "" {
				add(name, f.SIRENOrRNA, f.AmountCents)
			}
		}
	}
	for _, b := range r.Bilan {
		for _, name := range b.Associations {
			if name = strings.TrimSpace(name); name != "" && !named[identity.TitleKey(name)] {
				add(name, "", 0)
			}
		}
	}
	return out
}

// ctaiFundings returns the associations funded through the CTAI that DIAN's
// favourable opinion funded in year, in every territory (an association's
// funding is summed nationwide), by department, collectivité and request.
func (s *Controls) ctaiFundings(ctx context.Context, year int) ([]CTAIFunded, error) {
	var requests []models.CTAIRequest
	err := s.db.WithContext(ctx).Where("year = ? AND opinion = ?", year, ctai.OpinionFavourable).
		Order("territory, collectivite_name, id").Find(&requests).Error
	if err != nil {
		return nil, fmt.Errorf("funded CTAI of %d: %w", year, err)
	}
	if len(requests) == 0 {
		return nil, nil
	}
	byName, err := callFundedNames(s.db.WithContext(ctx), year)
	if err != nil {
		return nil, err
	}
	var out []CTAIFunded
	for i := range requests {
		out = append(out, FundedByCTAI(&requests[i], byName)...)
	}
	return out, nil
}

// CTAIAssociation returns a CTAI request and, if its bilan names it, the
// association keyed key (nil otherwise); ErrNotFound for an unknown request.
// Its FundingKey is not resolved (its Key).
func (s *Controls) CTAIAssociation(ctx context.Context, requestID, key string) (*models.CTAIRequest, *CTAIFunded, error) {
	var r models.CTAIRequest
	if err := s.db.WithContext(ctx).Where("id = ?", requestID).Take(&r).Error; err != nil {
		return nil, nil, notFound(err)
	}
	for _, f := range FundedByCTAI(&r, nil) {
		if f.Key == key {
			return &r, &f, nil
		}
	}
	return &r, nil, nil
}

// callFundedNames maps the folded names of the associations whose convention of
// a call of year was signed (the call not cancelled) to their keys.
func callFundedNames(db *gorm.DB, year int) (map[string]string, error) {
	var rows []struct{ AssociationKey, AssociationName string }
	err := db.Table("applications AS a").Select("a.association_key, a.association_name").
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").Joins("JOIN conventions AS v ON v.application_id = a.id").
		Where("c.year = ? AND c.phase <> ? AND v.state = ?", year, models.PhaseCancelled, models.ConventionSigned).
		Order("a.association_key").Scan(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("call-funded associations of %d: %w", year, err)
	}
	out := map[string]string{}
	for _, r := range rows {
		if k := identity.TitleKey(r.AssociationName); out[k] == "" {
			out[k] = r.AssociationKey
		}
	}
	return out, nil
}

// ctaiLine completes a CTAI-funded association's line of the synthesis: its
// reference is « CTAI <collectivité> », its amount what the bilan gives it.
func (s *Controls) ctaiLine(ctx context.Context, l *control.Line) error {
	r, f, err := s.CTAIAssociation(ctx, l.CTAIRequestID, l.AssociationKey)
	if err != nil {
		return fmt.Errorf("control %s: %w", l.ID, err)
	}
	l.Reference, l.AssociationName = "CTAI "+r.CollectiviteName, l.Control.AssociationName
	if f != nil {
		l.GrantedCents = f.Cents
	}
	return nil
}
