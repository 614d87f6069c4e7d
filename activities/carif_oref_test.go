package activities_test

import (
	"context"
	"log/slog"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// §4.1.2: the list sent to the Carif-Oref holds every funded formation
// linguistique, the decision's language_training (« à visée professionnelle »)
// whatever the theme, as well as the theme langue; a retained action that is
// neither, or a language training not retained, is not listed; a call funding
// none sends nothing.
func TestNotifyCarifOrefListsTheDecisionsLanguageTraining(t *testing.T) {
	cases := []struct {
		name     string
		theme    string
		language bool
		decision string
		listed   bool
	}{
		{"theme langue", "langue", false, selection.Retained, true},
		{"vocational language training, theme emploi", "emploi", true, selection.Retained, true},
		{"theme emploi, no language training", "emploi", false, selection.Retained, false},
		{"language training not retained", "emploi", true, selection.NotRetained, false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			outbox, catcher := withCatcher(t, db)
			var suite testsuite.WorkflowTestSuite
			env := suite.NewTestActivityEnvironment()
			env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
				Outbox: outbox, CarifOref: map[string]string{"84": "carif@auvergne-rhone-alpes.example"}, Logger: slog.New(slog.DiscardHandler)})
			c, app := seedFunded(t, db, 2027)
			require.NoError(t, db.Model(app).Updates(map[string]any{"theme": tc.theme, "language_training": tc.language,
				"decision": tc.decision, "title": "Français et métiers du bâtiment"}).Error)
			other := &models.Application{ID: uuid.NewString(), CampaignID: c.ID, WorkflowID: "aap/" + c.ID + "/other", Year: 2027,
				AssociationKey: "siret:2", SIRET: "44306184100047", AssociationName: "Emploi Rhône", Title: "Accompagnement vers l'emploi",
				TitleKey: "accompagnement vers l'emploi", Theme: "emploi", Decision: selection.Retained, GrantedCents: 500_000}
			require.NoError(t, db.Create(other).Error)

			_, err := env.ExecuteActivity((*activities.Activities)(nil).NotifyCarifOref,
				activities.CampaignRef{CampaignID: c.ID, WorkflowID: c.WorkflowID})
			require.NoError(t, err)
			if !tc.listed {
				require.Zero(t, catcher.Count(), "no language action funded: nothing sent")
				return
			}
			sent, err := catcher.WaitFor(context.Background(), 1)
			require.NoError(t, err)
			require.Len(t, sent, 1)
			msg, err := catcher.Get(sent[0].ID)
			require.NoError(t, err)
			require.Equal(t, []string{"carif@auvergne-rhone-alpes.example"}, msg.To)
			require.Contains(t, msg.TextBody, "« Français et métiers du bâtiment »")
			require.NotContains(t, msg.TextBody, "Accompagnement vers l'emploi", "a retained action that is no language training")
		})
	}
}
