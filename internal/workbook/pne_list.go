package workbook

import (
	"strings"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// Sheet names of the PNE list, read back by the tests.
const (
	PNEStructuresSheet = "Structures"
	PNEProblemsSheet   = "Anomalies"
)

// PNEList is the list of structures funded the year before (§8.4): each
// structure's name, number of funded actions and one unique email, a flag on
// the rows to fix, and a second sheet listing what to fix.
func PNEList(rows []models.PNEStructure, problems []store.PNEProblem) ([]byte, error) {
	flags := map[uint64][]string{}
	for _, p := range problems {
		flags[p.StructureID] = append(flags[p.StructureID], problemLabel(p.Rule))
	}
	list := Sheet{Name: PNEStructuresSheet, Header: []string{"Identifiant", "Structure", "Nombre d'actions financées",
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
	fix := Sheet{Name: PNEProblemsSheet, Header: []string{"Identifiant", "Structure", "Anomalie", "Détail"}}
	for _, p := range problems {
		fix.Rows = append(fix.Rows, []any{int64(p.StructureID), p.AssociationName, problemLabel(p.Rule), p.Message})
	}
	return Write(list, fix)
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
