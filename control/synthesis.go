package control

import (
	"fmt"
	"time"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/territory"
	"github.com/dian-p104/aap/xlsx"
)

// Line is one control of the synthesis with its convention.
type Line struct {
	models.Control
	Reference       string
	AssociationName string
	GrantedCents    int64
}

// Totals count a region's controls of a year.
type Totals struct {
	Planned, Done, Compliant, NonCompliant int
	// FollowUps open (or in progress) and closed; RepaymentCents asked and RecoveredCents repaid.
	FollowUpsOpen, FollowUpsClosed int
	RepaymentCents, RecoveredCents int64
	Departments                    int
}

// Count totals the lines.
func Count(lines []Line) Totals {
	var t Totals
	deps := map[string]bool{}
	for _, l := range lines {
		switch l.State {
		case models.ControlPlanned:
			t.Planned++
		case models.ControlDone:
			t.Done++
			if l.Department != "" {
				deps[l.Department] = true
			}
		}
		switch l.Outcome {
		case models.OutcomeCompliant:
			t.Compliant++
		case models.OutcomeNonCompliant:
			t.NonCompliant++
		}
		switch l.FollowUpState {
		case models.FollowUpStateOpen, models.FollowUpStateInProgress:
			t.FollowUpsOpen++
		case models.FollowUpStateClosed:
			t.FollowUpsClosed++
		}
		if l.FollowUpKind == models.FollowUpRepayment {
			t.RepaymentCents += l.FollowUpAmountCents
			t.RecoveredCents += l.RecoveredCents
		}
	}
	t.Departments = len(deps)
	return t
}

// Sheet names of the synthesis workbook.
const (
	SheetSummary  = "Synthèse"
	SheetControls = "Contrôles"
)

// SynthesisFileName is the name of a region's synthesis workbook.
func SynthesisFileName(year int, region string) string {
	return fmt.Sprintf("synthese-controles-%d-region-%s.xlsx", year, region)
}

// SynthesisXLSX is the region's synthesis of the year's on-site controls
// (§8.5): a summary sheet and one row per control, with typed cells.
func SynthesisXLSX(year int, region string, lines []Line) ([]byte, error) {
	reg, ok := territory.LookupRegion(region)
	if !ok {
		return nil, fmt.Errorf("unknown region %q", region)
	}
	t := Count(lines)
	summary := xlsx.Sheet{Name: SheetSummary, Header: []string{"Indicateur", "Valeur"}, Rows: [][]any{
		{"Région", fmt.Sprintf("%s (%s)", reg.Name, reg.Code)},
		{"Année", year},
		{"Contrôles prévus (non encore réalisés)", t.Planned},
		{"Contrôles réalisés", t.Done},
		{"Conformes", t.Compliant},
		{"Non conformes", t.NonCompliant},
		{"Départements contrôlés", t.Departments},
		{"Suites en cours", t.FollowUpsOpen},
		{"Suites soldées", t.FollowUpsClosed},
		{"Reversements demandés", xlsx.Euros(t.RepaymentCents)},
		{"Reversements recouvrés", xlsx.Euros(t.RecoveredCents)},
	}}
	controls := xlsx.Sheet{Name: SheetControls, Header: []string{
		"Convention", "Association", "Département", "Montant accordé", "Date du contrôle", "Contrôleur",
		"État", "Résultat", "Constats", "Suite donnée", "Montant à reverser", "Suivi", "Montant recouvré", "Suite soldée le",
	}}
	for _, l := range lines {
		controls.Rows = append(controls.Rows, []any{
			l.Reference, l.AssociationName, l.Department, xlsx.Euros(l.GrantedCents), date(l.PlannedOn), l.Controller,
			StateLabel(l.State), OutcomeLabel(l.Outcome), l.Findings, FollowUpLabel(l.FollowUpKind),
			xlsx.Euros(l.FollowUpAmountCents), FollowUpStateLabel(l.FollowUpState), xlsx.Euros(l.RecoveredCents),
			date(l.FollowUpClosedOn),
		})
	}
	return xlsx.Write(summary, controls)
}

// date turns a stored "2006-01-02" into a typed cell; empty stays empty.
func date(s string) any {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return nil
	}
	return xlsx.Date(t)
}

// StateLabel names a control's state in French.
func StateLabel(s string) string {
	switch s {
	case models.ControlPlanned:
		return "prévu"
	case models.ControlDone:
		return "réalisé"
	}
	return s
}

// OutcomeLabel names an outcome in French.
func OutcomeLabel(s string) string {
	switch s {
	case models.OutcomeCompliant:
		return "conforme"
	case models.OutcomeNonCompliant:
		return "non conforme"
	}
	return s
}

// FollowUpLabel names a follow-up kind in French.
func FollowUpLabel(s string) string {
	switch s {
	case models.FollowUpNone:
		return "aucune"
	case models.FollowUpRepayment:
		return "demande de reversement"
	case models.FollowUpCorrective:
		return "mesures correctives"
	}
	return s
}

// FollowUpStateLabel names a follow-up's state in French.
func FollowUpStateLabel(s string) string {
	switch s {
	case models.FollowUpStateNone:
		return "sans suite"
	case models.FollowUpStateOpen:
		return "engagée"
	case models.FollowUpStateInProgress:
		return "en cours"
	case models.FollowUpStateClosed:
		return "soldée"
	}
	return s
}
