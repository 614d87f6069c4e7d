// Package reports draws up the spreadsheets the instruction asks for, from the
// database's records: the PNE list of structures (§8.4) and the monthly CTAI
// summary table (§3.4). Package xlsx writes them with typed cells.
package reports

import (
	"fmt"
	"sort"
	"strings"

	"github.com/dian-p104/aap/ctai"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policy"
	"github.com/dian-p104/aap/store"
	"github.com/dian-p104/aap/xlsx"
)

// Sheet names, read back by the tests.
const (
	PNEStructuresSheet = "Structures"
	PNEProblemsSheet   = "Anomalies"
	CTAIRequestsSheet  = "CTAI"
	CTAIActionsSheet   = "Actions"
)

// PNEList is the list of structures funded the year before (§8.4): each
// structure's name, number of funded actions and one unique email, a flag on
// the rows to fix, and a second sheet listing what to fix.
func PNEList(rows []models.PNEStructure, problems []store.PNEProblem) ([]byte, error) {
	flags := map[uint64][]string{}
	for _, p := range problems {
		flags[p.StructureID] = append(flags[p.StructureID], problemLabel(p.Rule))
	}
	list := xlsx.Sheet{Name: PNEStructuresSheet, Header: []string{"Identifiant", "Structure", "Nombre d'actions financées",
		"Adresse électronique", "Région", "Département", "À corriger"}}
	for _, r := range rows {
		var email, dep any
		if r.Email != "" {
			email = r.Email
		}
		if r.Department != "" {
			dep = r.Department
		}
		var flag any
		if f := flags[r.ID]; len(f) > 0 {
			flag = strings.Join(f, ", ")
		}
		list.Rows = append(list.Rows, []any{int64(r.ID), r.AssociationName, r.FundedActions, email, r.Region, dep, flag})
	}
	fix := xlsx.Sheet{Name: PNEProblemsSheet, Header: []string{"Identifiant", "Structure", "Anomalie", "Détail"}}
	for _, p := range problems {
		fix.Rows = append(fix.Rows, []any{int64(p.StructureID), p.AssociationName, problemLabel(p.Rule), p.Message})
	}
	return xlsx.Write(list, fix)
}

func problemLabel(rule string) string {
	switch rule {
	case store.PNEEmailMissing:
		return "adresse manquante"
	case store.PNEEmailDuplicate:
		return "adresse partagée"
	case store.PNEEmailRefused:
		return "adresse refusée"
	}
	return rule
}

// CTAISummary is the monthly summary table of a year's CTAI requests (§3.4):
// one row per request with its figures, opinion and failed rules, and a sheet
// of the actions with their domain and budget.
func CTAISummary(rows []models.CTAIRequest) ([]byte, error) {
	req := xlsx.Sheet{Name: CTAIRequestsSheet, Header: []string{"Département", "Collectivité", "Code INSEE", "Nature",
		"Date de dépôt", "Habitants", "Signataires CIR", "Compétente logement", "Domaines", "Financement demandé",
		"Délégué l'année précédente", "Part locale du coordinateur (%)", "Dépenses d'investissement", "Bilan",
		"Avis", "Critères non respectés", "Date de l'avis"}}
	actions := xlsx.Sheet{Name: CTAIActionsSheet, Header: []string{"Collectivité", "Nature", "Action", "Domaine", "Budget"}}
	for _, r := range rows {
		var previous, share, opinionAt any
		if r.Kind == ctai.KindRenewal {
			previous = xlsx.Euros(r.PreviousDelegatedCents)
		}
		if c := r.Coordinator; c != nil && c.CostCents > 0 {
			share = xlsx.Percent(float64(c.LocalShareCents*1000/c.CostCents) / 10)
		}
		if r.OpinionAt != nil {
			opinionAt = xlsx.Date(r.OpinionAt.In(paris))
		}
		req.Rows = append(req.Rows, []any{r.Territory, r.CollectiviteName, r.CollectiviteCode, ctai.KindLabel(r.Kind),
			xlsx.Date(r.FiledAt.In(paris)), r.Inhabitants, r.CIRCount, yesNo(r.HousingCompetent), domains(r.Actions),
			xlsx.Euros(r.RequestedCents), previous, share, xlsx.Euros(r.InvestmentCents), bilanLabel(r),
			opinionLabel(r.Opinion), failed(r.Outcomes), opinionAt})
		for _, a := range r.Actions {
			actions.Rows = append(actions.Rows, []any{r.CollectiviteName, ctai.KindLabel(r.Kind), a.Title,
				ctai.Domains[a.Domain], xlsx.Euros(a.BudgetCents)})
		}
	}
	return xlsx.Write(req, actions)
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

var paris = policy.Paris
