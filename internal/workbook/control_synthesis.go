package workbook

import (
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/rules/territory"
)

// Sheet names of the control synthesis workbook.
const (
	ControlSummarySheet = "Synthèse"
	ControlsSheet       = "Contrôles"
)

// ControlSynthesisFileName is the name of a region's control synthesis workbook.
func ControlSynthesisFileName(year int, region string) string {
	return fmt.Sprintf("synthese-controles-%d-region-%s.xlsx", year, region)
}

// ControlSynthesis is the region's synthesis of the year's on-site controls
// (§8.5): a summary sheet and one row per control, with typed cells.
func ControlSynthesis(year int, region string, lines []control.Line) ([]byte, error) {
	reg, ok := territory.LookupRegion(region)
	if !ok {
		return nil, fmt.Errorf("unknown region %q", region)
	}
	t := control.Count(lines)
	summary := Sheet{Name: ControlSummarySheet, Header: []string{"Indicateur", "Valeur"}, Rows: [][]any{
		{"Région", fmt.Sprintf("%s (%s)", reg.Name, reg.Code)},
		{"Année", year},
		{"Contrôles prévus (non encore réalisés)", t.Planned},
		{"Contrôles réalisés", t.Done},
		{"Conformes", t.Compliant},
		{"Non conformes", t.NonCompliant},
		{"Départements contrôlés", t.Departments},
		{"Suites en cours", t.FollowUpsOpen},
		{"Suites soldées", t.FollowUpsClosed},
		{"Reversements demandés", Euros(t.RepaymentCents)},
		{"Reversements recouvrés", Euros(t.RecoveredCents)},
	}}
	controls := Sheet{Name: ControlsSheet, Header: []string{
		"Convention ou CTAI", "Association", "Département", "Montant accordé (reçu via le CTAI)", "Date du contrôle", "Contrôleur",
		"État", "Résultat", "Constats", "Suite donnée", "Montant à reverser", "Suivi", "Montant recouvré", "Suite soldée le",
		"Prévu après la synthèse",
	}}
	for _, l := range lines {
		controls.Rows = append(controls.Rows, []any{
			l.Reference, l.AssociationName, l.Department, Euros(l.GrantedCents), dateOnly(l.PlannedOn), l.Controller,
			control.StateLabel(l.State), control.OutcomeLabel(l.Outcome), l.Findings, control.FollowUpLabel(l.FollowUpKind),
			Euros(l.FollowUpAmountCents), control.FollowUpStateLabel(l.FollowUpState), Euros(l.RecoveredCents),
			dateOnly(l.FollowUpClosedOn), yesNo(l.AfterSynthesis),
		})
	}
	return Write(summary, controls)
}

// date turns a stored "2006-01-02" into a typed cell; empty stays empty.
func dateOnly(s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return Date(t)
}
