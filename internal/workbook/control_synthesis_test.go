package workbook_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

func TestControlSynthesis(t *testing.T) {
	lines := []control.Line{
		{Control: models.Control{Department: "69", PlannedOn: "2027-06-15", Controller: "Inspectrice", State: models.ControlDone,
			Outcome: models.OutcomeNonCompliant, Findings: "Actions non réalisées", FollowUpKind: models.FollowUpRepayment,
			FollowUpAmountCents: 250_000, FollowUpState: models.FollowUpStateClosed, RecoveredCents: 250_000, FollowUpClosedOn: "2027-09-01"},
			Reference: "CONV-1", AssociationName: "Accueil", GrantedCents: 1_000_000},
		{Control: models.Control{Department: "01", PlannedOn: "2027-10-02", Controller: "Inspecteur", State: models.ControlPlanned,
			FollowUpState: models.FollowUpStateNone}, Reference: "CONV-2", AssociationName: "Lire", GrantedCents: 500_000},
	}
	data, err := workbook.ControlSynthesis(2027, "84", lines)
	require.NoError(t, err)
	rows, err := workbook.Read(data, workbook.ControlSummarySheet)
	require.NoError(t, err)
	require.Equal(t, []string{"Région", "Auvergne-Rhône-Alpes (84)"}, rows[1])
	require.Equal(t, []string{"Contrôles réalisés", "1"}, rows[4])
	require.Equal(t, []string{"Non conformes", "1"}, rows[6])
	v, _, err := workbook.Value(data, workbook.ControlSummarySheet, "B11")
	require.NoError(t, err)
	require.Equal(t, "2500.00", v, "repayments asked, a number of euros")
	ctl, err := workbook.Read(data, workbook.ControlsSheet)
	require.NoError(t, err)
	require.Len(t, ctl, 3)
	require.Equal(t, "CONV-1", ctl[1][0])
	require.Equal(t, "non conforme", ctl[1][7])
	require.Equal(t, "demande de reversement", ctl[1][9])
	require.Equal(t, "soldée", ctl[1][11])
	require.Equal(t, "prévu", ctl[2][6])
	_, err = workbook.ControlSynthesis(2027, "99", nil)
	require.Error(t, err)
}
