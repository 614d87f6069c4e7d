package workbook

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/models"
)

// Sheet names of the CTAI summary table, read back by the tests.
const (
	CTAIRequestsSheet = "CTAI"
	CTAIActionsSheet  = "Actions"
)

// CTAISummary is the monthly summary table of a year's CTAI requests (§3.4):
// one row per request with its figures, the engine's proposed opinion and
// failed rules, DIAN's opinion (amount delegated, motivation, agent), and a sheet
// of the actions with their domain and budget.
func CTAISummary(rows []models.CTAIRequest) ([]byte, error) {
	req := Sheet{Name: CTAIRequestsSheet, Header: []string{"Département", "Collectivité", "Code INSEE", "Nature",
		"Date de dépôt", "Habitants", "Signataires CIR", "Compétente logement", "Domaines", "Financement demandé",
		"Délégué l'année précédente", "Part locale du coordinateur (%)", "Dépenses d'investissement", "Bilan",
		"Avis proposé", "Critères non respectés", "Financement demandé par CIR", "Avis de la DIAN", "Montant délégué",
		"Motivation", "Décidé par", "Date de l'avis"}}
	actions := Sheet{Name: CTAIActionsSheet, Header: []string{"Collectivité", "Nature", "Action", "Domaine", "Budget"}}
	for _, r := range rows {
		var previous, share, opinionAt, perCIR, delegated any
		if r.Kind == ctai.KindRenewal {
			previous = Euros(r.PreviousDelegatedCents)
		}
		if c := r.Coordinator; c != nil && c.CostCents > 0 {
			share = Percent(float64(c.LocalShareCents*1000/c.CostCents) / 10)
		}
		if r.Coherence != nil && r.Coherence.CIRCount > 0 {
			perCIR = Euros(r.Coherence.CentsPerCIR)
		}
		if r.Opinion == ctai.OpinionFavourable {
			delegated = Euros(r.DelegatedCents)
		}
		if r.OpinionAt != nil {
			opinionAt = Date(r.OpinionAt.In(french.Paris))
		}
		req.Rows = append(req.Rows, []any{r.Territory, r.CollectiviteName, r.CollectiviteCode, ctai.KindLabel(r.Kind),
			Date(r.FiledAt.In(french.Paris)), r.Inhabitants, r.CIRCount, yesNo(r.HousingCompetent), domains(r.Actions),
			Euros(r.RequestedCents), previous, share, Euros(r.InvestmentCents), bilanLabel(r),
			opinionLabel(r.ProposedOpinion), failed(r.Outcomes), perCIR, opinionLabel(r.Opinion), delegated,
			r.Motivation, r.DecidedBy, opinionAt})
		for _, a := range r.Actions {
			actions.Rows = append(actions.Rows, []any{r.CollectiviteName, ctai.KindLabel(r.Kind), a.Title,
				ctai.Domains[a.Domain], Euros(a.BudgetCents)})
		}
	}
	return Write(req, actions)
}

func yesNo(b bool) string {
	if b {
		return "oui"
	}
	return "non"
}

func domains(actions []ctai.Action) string {
	seen := map[string]bool{}
	var out []string
	for _, a := range actions {
		if !seen[a.Domain] {
			seen[a.Domain] = true
			out = append(out, ctai.Domains[a.Domain])
		}
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}

func bilanLabel(r models.CTAIRequest) string {
	if r.Kind != ctai.KindRenewal {
		return "sans objet"
	}
	if len(r.Bilan) == 0 {
		return "absent"
	}
	return fmt.Sprintf("%d action(s)", len(r.Bilan))
}

func opinionLabel(o string) string {
	switch o {
	case ctai.OpinionFavourable:
		return "favorable"
	case ctai.OpinionUnfavourable:
		return "défavorable"
	}
	return "en instruction"
}

func failed(outcomes []ctai.Outcome) any {
	var out []string
	for _, o := range outcomes {
		if !o.Passed {
			out = append(out, ctai.RuleLabel(o.Rule))
		}
	}
	if len(out) == 0 {
		return nil
	}
	return strings.Join(out, ", ")
}
