package workflows

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

func TestCampaignWorkflowIDCarriesTheCampaignNotPersonalData(t *testing.T) {
	require.Equal(t, "aap/2027/dep-69/c-1", CampaignWorkflowID(2027, models.LevelDepartmental, "69", "c-1"))
	require.Equal(t, "aap/2027/reg-84/c-2", CampaignWorkflowID(2027, models.LevelRegional, "84", "c-2"))
}

func TestApplicationWorkflowIDExtendsItsCampaigns(t *testing.T) {
	require.Equal(t, "aap/2027/dep-69/c-1/dossier/a-1", ApplicationWorkflowID("aap/2027/dep-69/c-1", "a-1"))
}

func TestPNEWorkflowID(t *testing.T) {
	require.Equal(t, "aap/pne/2027", PNEWorkflowID(2027))
}

func TestControlWorkflowID(t *testing.T) {
	require.Equal(t, "aap/controls/2027/84", ControlWorkflowID(2027, "84"))
}

func TestCTAIWorkflowID(t *testing.T) {
	require.Equal(t, "aap/ctai/2027/0193f6b0-1111-7abc-8def-000000000042", CTAIWorkflowID(2027, "0193f6b0-1111-7abc-8def-000000000042"))
}
