package models

// French labels of the codes, for messages people read.
var (
	phaseLabels = map[string]string{
		PhaseScheduled: "programmé", PhasePublished: "publié", PhaseClosed: "clos",
		PhaseSelected: "sélection enregistrée", PhaseCancelled: "annulé",
	}
	conventionLabels = map[string]string{
		ConventionAwaitingSignature: "en attente de signature", ConventionSigned: "signée",
		ConventionLapsed: "caduque", ConventionCancelled: "annulée",
	}
)

// PhaseLabel says in French where a call stands: "clos", "annulé"…
func PhaseLabel(phase string) string { return label(phaseLabels, phase) }

// ConventionLabel says in French where a convention stands: "signée", "caduque"…
func ConventionLabel(state string) string { return label(conventionLabels, state) }

func label(labels map[string]string, code string) string {
	if l, ok := labels[code]; ok {
		return l
	}
	return code
}
