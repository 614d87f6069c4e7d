package control

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/xlsx"
)

func refs(rs []Ranked) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Reference
	}
	return out
}

func codes(r Ranked) []string {
	var out []string
	for _, x := range r.Reasons {
		out = append(out, x.Code)
	}
	return out
}

// Auvergne-Rhône-Alpes (84): Rhône (69), Isère (38), Ain (01).
func TestRankDoubtBeatsAmount(t *testing.T) {
	got := Rank("84", []Candidate{
		{Reference: "big", Department: "69", GrantedCents: 9_000_000},
		{Reference: "doubt", Department: "69", GrantedCents: 100_000, Doubts: []string{DoubtFunds}},
	})
	require.Equal(t, []string{"doubt", "big"}, refs(got))
	require.Equal(t, []string{ReasonDoubt, ReasonFunding}, codes(got[0]))
	require.Equal(t, []string{ReasonFunding}, codes(got[1]), "the Rhône is covered by the doubt: the big one is not its department's pick")
	require.Equal(t, 1, got[0].Rank)
	require.Equal(t, 2, got[1].Rank)
}

func TestRankWithoutDoubtLargestFirst(t *testing.T) {
	got := Rank("84", []Candidate{
		{Reference: "small", Department: "69", GrantedCents: 100_000},
		{Reference: "large", Department: "69", GrantedCents: 500_000},
	})
	require.Equal(t, []string{"large", "small"}, refs(got))
	require.Equal(t, []string{ReasonDepartment, ReasonFunding}, codes(got[0]))
}

func TestRankGuaranteesOnePerDepartment(t *testing.T) {
	got := Rank("84", []Candidate{
		{Reference: "rhone-1", Department: "69", GrantedCents: 9_000_000},
		{Reference: "rhone-2", Department: "69", GrantedCents: 8_000_000},
		{Reference: "ain", Department: "01", GrantedCents: 50_000},
		{Reference: "isere", Department: "38", GrantedCents: 70_000},
		{Reference: "regional", Department: "", GrantedCents: 7_000_000},
		{Reference: "elsewhere", Department: "75", GrantedCents: 10_000_000}, // Paris: not a department of the region
	})
	require.Equal(t, []string{"rhone-1", "isere", "ain", "elsewhere", "rhone-2", "regional"}, refs(got),
		"the Ain's and the Isère's small conventions come before the Rhône's second")
	for _, r := range got[:3] {
		require.Contains(t, codes(r), ReasonDepartment, r.Reference)
	}
	for _, r := range got[3:] {
		require.NotContains(t, codes(r), ReasonDepartment, r.Reference)
	}
}

func TestRankTiesKeepTheGivenOrder(t *testing.T) {
	in := []Candidate{
		{Reference: "a", Department: "69", GrantedCents: 100},
		{Reference: "b", Department: "69", GrantedCents: 100},
		{Reference: "c", Department: "69", GrantedCents: 100},
		{Reference: "d", Department: "01", GrantedCents: 100, Doubts: []string{DoubtDelivery}},
		{Reference: "e", Department: "01", GrantedCents: 100, Doubts: []string{DoubtFunds}},
	}
	for range 5 {
		require.Equal(t, []string{"d", "e", "a", "b", "c"}, refs(Rank("84", in)))
	}
	require.Empty(t, Rank("84", nil))
}

func TestSynthesisXLSX(t *testing.T) {
	lines := []Line{
		{Control: models.Control{Department: "69", PlannedOn: "2027-06-15", Controller: "Inspectrice", State: models.ControlDone,
			Outcome: models.OutcomeNonCompliant, Findings: "Actions non réalisées", FollowUpKind: models.FollowUpRepayment,
			FollowUpAmountCents: 250_000, FollowUpState: models.FollowUpStateClosed, RecoveredCents: 250_000, FollowUpClosedOn: "2027-09-01"},
			Reference: "CONV-1", AssociationName: "Accueil", GrantedCents: 1_000_000},
		{Control: models.Control{Department: "01", PlannedOn: "2027-10-02", Controller: "Inspecteur", State: models.ControlPlanned,
			FollowUpState: models.FollowUpStateNone}, Reference: "CONV-2", AssociationName: "Lire", GrantedCents: 500_000},
	}
	data, err := SynthesisXLSX(2027, "84", lines)
	require.NoError(t, err)
	rows, err := xlsx.Read(data, SheetSummary)
	require.NoError(t, err)
	require.Equal(t, []string{"Région", "Auvergne-Rhône-Alpes (84)"}, rows[1])
	require.Equal(t, []string{"Contrôles réalisés", "1"}, rows[4])
	require.Equal(t, []string{"Non conformes", "1"}, rows[6])
	v, _, err := xlsx.Value(data, SheetSummary, "B11")
	require.NoError(t, err)
	require.Equal(t, "2500.00", v, "repayments asked, a number of euros")
	ctl, err := xlsx.Read(data, SheetControls)
	require.NoError(t, err)
	require.Len(t, ctl, 3)
	require.Equal(t, "CONV-1", ctl[1][0])
	require.Equal(t, "non conforme", ctl[1][7])
	require.Equal(t, "demande de reversement", ctl[1][9])
	require.Equal(t, "soldée", ctl[1][11])
	require.Equal(t, "prévu", ctl[2][6])
	_, err = SynthesisXLSX(2027, "99", nil)
	require.Error(t, err)
}

func TestReasonsSayTheAmountInEuros(t *testing.T) {
	got := Rank("84", []Candidate{{Reference: "a", Department: "69", GrantedCents: 1_250_050}})
	require.Equal(t, "Montant accordé : 12\u00a0500,50\u00a0€.", got[0].Reasons[1].Message)
	require.Equal(t, "Financement le plus élevé du département Rhône (69) : au moins un contrôle par département.", got[0].Reasons[0].Message)
}
