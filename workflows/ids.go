package workflows

import (
	"fmt"

	"github.com/dian-p104/aap/models"
)

// CampaignWorkflowID derives a campaign workflow's ID from the campaign, so a
// repeated start finds the running workflow: "aap/2027/dep-69/<campaign id>".
// It carries no personal data.
func CampaignWorkflowID(year int, level, territory, campaignID string) string {
	scope := "dep"
	if level == models.LevelRegional {
		scope = "reg"
	}
	return fmt.Sprintf("aap/%d/%s-%s/%s", year, scope, territory, campaignID)
}

// ApplicationWorkflowID derives a dossier's workflow ID from its call's and its own:
// "aap/2027/dep-69/<campaign id>/dossier/<application id>". No personal data.
func ApplicationWorkflowID(campaignWorkflowID, applicationID string) string {
	return fmt.Sprintf("%s/dossier/%s", campaignWorkflowID, applicationID)
}

// PNEWorkflowID is the one workflow of a year's PNE: "aap/pne/2027".
func PNEWorkflowID(year int) string { return fmt.Sprintf("aap/pne/%d", year) }

// ControlWorkflowID is the one workflow of a region's controls of a year:
// "aap/controls/2027/84" (INSEE region code, no personal data).
func ControlWorkflowID(year int, region string) string {
	return fmt.Sprintf("aap/controls/%d/%s", year, region)
}

// CTAIWorkflowID is the one workflow of a CTAI request: "aap/ctai/2027/<request id>".
// It carries no personal data (no collectivité name, no address).
func CTAIWorkflowID(year int, requestID string) string {
	return fmt.Sprintf("aap/ctai/%d/%s", year, requestID)
}
