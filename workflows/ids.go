// Package workflows holds the Temporal workflows that carry a call for projects
// through its year. Workflows are deterministic: every side effect is an
// activity (package activities), every clock read is workflow.Now.
package workflows

import (
	"fmt"

	"github.com/dian-p104/aap/models"
)

// TaskQueue is the one task queue the aap workers poll.
const TaskQueue = "aap"

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
