package api

import (
	"context"
	"strconv"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/workflows"
)

// SelectionFigures are a selection's totals beside the call's thresholds: what the
// selection page shows under « Vérifier », whether the rules are kept or not.
type SelectionFigures struct {
	Rules  selection.Rules
	Totals selection.Totals
}

// Figures sums the decisions as the rules do (selection.Summarise), refused or not;
// decisions the form could not read (an amount that is not one) are refused as Record does.
func (s *SelectionService) Figures(ctx context.Context, campaignID string, req *SelectionRequest) (SelectionFigures, error) {
	c, err := s.Campaigns.campaign(ctx, campaignID)
	if err != nil {
		return SelectionFigures{}, err
	}
	decisions, fieldErrs := req.decisions(c)
	if fieldErrs != nil {
		return SelectionFigures{}, ValidationProblem(fieldErrs)
	}
	dossiers, err := s.dossiers(ctx, c.ID)
	if err != nil {
		return SelectionFigures{}, err
	}
	pol, err := s.Campaigns.policyOf(c)
	if err != nil {
		return SelectionFigures{}, err
	}
	rules := workflows.CampaignInput{Year: c.Year, BudgetCents: c.BudgetCents, Policy: pol}.SelectionRules()
	return SelectionFigures{Rules: rules, Totals: selection.Summarise(rules, dossiers, decisions)}, nil
}

// ruleLine is one rule of the selection as the page shows it: its figures and whether it is kept.
type ruleLine struct {
	Name, Figures string
	Kept          bool
	// Messages are the rule's refusals (per dossier: one each).
	Messages []string
}

// perMilleText writes part/total as "68,4 %" (truncated, as the rules round), "—" when total is 0.
func perMilleText(part, total int64) string {
	if total <= 0 {
		return "—"
	}
	pm := part * 1000 / total
	return strconv.FormatInt(pm/10, 10) + "," + strconv.FormatInt(pm%10, 10) + "\u00a0%"
}
