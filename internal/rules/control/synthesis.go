package control

import (
	"github.com/dian-p104/aap/models"
)

// Line is one control of the synthesis with its subject: a convention (its
// reference, association and amount) or a CTAI-funded association (Reference
// « CTAI <collectivité> », the amount its bilan gives).
type Line struct {
	models.Control
	Reference       string
	AssociationName string
	GrantedCents    int64
	// AfterSynthesis: planned after the region's synthesis left (§8.5: a supplement carries it).
	AfterSynthesis bool
}

// Open counts the controls not yet held and the follow-ups not closed: while
// any is, the region's controls are followed up past the synthesis.
func (t Totals) Open() int { return t.Planned + t.FollowUpsOpen }

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
