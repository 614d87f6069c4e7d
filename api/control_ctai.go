package api

import (
	"context"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// ctaiInside: a CTAI request is its department's (its correspondent instructs
// it, §3.4) and its region's, whose correspondent runs the region's controls
// and their synthesis (§8.5).
func ctaiInside(scope store.Scope, r *models.CTAIRequest) bool {
	dep, _ := territory.LookupDepartment(r.Territory)
	return scope.CoversPlace(dep.RegionCode, r.Territory)
}

// ctaiSubject makes planned the control of an association a CTAI funded (§8.5:
// « des associations financées dans le cadre des CTAI »): the CTAI inside scope,
// funded by DIAN's favourable opinion, its bilan naming the association.
func (s *ControlService) ctaiSubject(ctx context.Context, subject plannedSubject, scope store.Scope, planned *models.Control) error {
	r, funded, err := s.Controls.CTAIAssociation(ctx, subject.CTAIRequestID, subject.AssociationKey)
	if err != nil {
		return err
	}
	if !ctaiInside(scope, r) {
		return errNotFound
	}
	if r.Opinion != ctai.OpinionFavourable {
		opinion := "avis de la DIAN non encore rendu"
		if r.Opinion != "" {
			opinion = "avis " + opinionLabel(r.Opinion) + " de la DIAN"
		}
		return ValidationProblem([]FieldError{{Field: "ctai_request_id", Rule: "favourable",
			Message: "seules les associations financées par un CTAI ayant reçu l'avis favorable de la DIAN peuvent être contrôlées (" + opinion + ")"}})
	}
	if funded == nil {
		return ValidationProblem([]FieldError{{Field: "association_key", Rule: "in_bilan",
			Message: "le bilan de ce CTAI ne nomme pas cette association : choisissez-la parmi les candidats au contrôle"}})
	}
	dep, _ := territory.LookupDepartment(r.Territory)
	planned.Subject, planned.CTAIRequestID, planned.AssociationKey, planned.AssociationName =
		models.ControlOfCTAIAssociation, r.ID, funded.Key, funded.Name
	planned.SubjectKey = models.CTAISubjectKey(r.ID, funded.Key)
	planned.Year, planned.Region, planned.Department = r.Year, dep.RegionCode, r.Territory
	return nil
}

// subjectFunding is what a control's subject received: at most what a
// repayment may ask back, with its French label for the error.
type subjectFunding struct {
	cents int64
	label string
}

// fundingOf is what the controlled subject received: the convention's amount,
// or what the CTAI's bilan gives the association — the credits DIAN delegated to
// the CTAI when the bilan names it without an amount.
func (s *ControlService) fundingOf(ctx context.Context, ctl *models.Control) (subjectFunding, error) {
	if !ctl.IsCTAI() {
		conv, err := s.Conventions.Get(ctx, ctl.ConventionID)
		if err != nil {
			return subjectFunding{}, err
		}
		return subjectFunding{conv.GrantedCents, "le montant accordé par la convention"}, nil
	}
	r, funded, err := s.Controls.CTAIAssociation(ctx, ctl.CTAIRequestID, ctl.AssociationKey)
	if err != nil {
		return subjectFunding{}, err
	}
	if funded != nil && funded.Cents > 0 {
		return subjectFunding{funded.Cents, "le montant reçu via le CTAI selon son bilan"}, nil
	}
	return subjectFunding{r.DelegatedCents, "les crédits délégués au CTAI"}, nil
}
