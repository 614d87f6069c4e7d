package activities_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/converter"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

const (
	bigCall      = 10_000 // dossiers of the call
	bigRetained  = 100    // the first ones, 1 000 € each
	grantedCents = 100_000
	// maxEventPayload bounds what the selection puts in the campaign workflow's history
	// (the Update's draft reference, the activity's input and result), whatever the call's size.
	maxEventPayload = 64 << 10
)

// A call of 10,000 dossiers selected in one go: the decisions go through the database (the
// draft), so the payloads the workflow's history holds stay small; the draft is judged by the
// call's rules (refused one cent under the envelope, nothing recorded; recorded at it).
func TestRecordSelectionOfTenThousandDossiers(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	apps := store.NewApplications(db)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: apps, Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)

	c := &models.Campaign{ID: uuid.NewString(), Year: 2027, Level: models.LevelDepartmental, Territory: "69", Title: "Grand appel",
		ContactEmail: "ddets@rhone.example.gouv.fr", Phase: models.PhaseClosed, BudgetCents: bigRetained * grantedCents}
	c.WorkflowID = "aap/" + c.ID
	require.NoError(t, db.Create(c).Error)
	payload := store.SelectionPayload{DecisionReference: "Arrêté préfectoral n° 69-2027-06-12-004"}
	rows := make([]models.Application, bigCall)
	for i := range rows {
		rows[i] = models.Application{ID: uuid.NewString(), CampaignID: c.ID, WorkflowID: fmt.Sprintf("aap/%s/d-%d", c.ID, i), Year: 2027,
			Reference: fmt.Sprintf("AAP-2027-69-%05d", i), AssociationKey: fmt.Sprintf("siret:%d", i), AssociationName: fmt.Sprintf("Association %d", i),
			Title: fmt.Sprintf("Ateliers %d", i), TitleKey: fmt.Sprintf("ateliers %d", i), Theme: "langue", RequestedCents: grantedCents,
			BeneficiariesBPI: 5, BeneficiariesNonBPI: 10}
		payload.Dossiers = append(payload.Dossiers, selection.Dossier{ApplicationID: rows[i].ID, AssociationName: rows[i].AssociationName,
			Theme: "langue", RequestedCents: grantedCents, BeneficiariesBPI: 5, BeneficiariesNonBPI: 10})
		d := selection.Decision{ApplicationID: rows[i].ID, Decision: selection.NotRetained, Score: 40, Reason: "Projet hors des priorités de l'appel."}
		if i < bigRetained {
			d = selection.Decision{ApplicationID: rows[i].ID, Decision: selection.Retained, GrantedCents: grantedCents, Score: 80}
		}
		payload.Decisions = append(payload.Decisions, d)
	}
	require.NoError(t, db.CreateInBatches(rows, 500).Error)
	draft, err := apps.SaveSelectionDraft(ctx, c.ID, "request-1", payload)
	require.NoError(t, err)
	again, err := apps.SaveSelectionDraft(ctx, c.ID, "request-1", payload)
	require.NoError(t, err)
	require.Equal(t, draft, again, "the same request is the same draft")
	rules := selection.Rules{EnvelopeCents: bigRetained * grantedCents, Year: 2027, EmploymentLanguageThemes: []string{"emploi", "langue"},
		EmploymentLanguageMinPercent: 70, NonBPIBeneficiariesMinPercent: 30, PNEMissesBlockingRenewal: 2}

	// One cent under the envelope: refused with the violation, nothing recorded.
	tight := rules
	tight.EnvelopeCents--
	_, err = env.ExecuteActivity(a.RecordSelection, activities.SelectionRecord{CampaignID: c.ID, Draft: draft, Rules: tight})
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.Equal(t, activities.ErrTypeSelectionRefused, appErr.Type())
	var violations []selection.Violation
	require.NoError(t, appErr.Details(&violations))
	require.Len(t, violations, 1)
	assert.Equal(t, selection.RuleEnvelope, violations[0].Rule)
	var decided int64
	require.NoError(t, db.Model(&models.Application{}).Where("campaign_id = ? AND decision <> ''", c.ID).Count(&decided).Error)
	require.Zero(t, decided)

	// A digest that is not the draft's: refused for good.
	forged := draft
	forged.Digest = fmt.Sprintf("%064d", 0)
	_, err = env.ExecuteActivity(a.RecordSelection, activities.SelectionRecord{CampaignID: c.ID, Draft: forged, Rules: rules})
	require.ErrorAs(t, err, &appErr)
	require.Equal(t, activities.ErrTypeInvalidData, appErr.Type())

	// At the envelope: recorded, every dossier decided.
	in := activities.SelectionRecord{CampaignID: c.ID, Draft: draft, Rules: rules, Actor: models.Actor{Name: "Jeanne Martin"}}
	v, err := env.ExecuteActivity(a.RecordSelection, in)
	require.NoError(t, err)
	var out activities.SelectionOutcome
	require.NoError(t, v.Get(&out))
	assert.Equal(t, bigRetained, out.Totals.RetainedCount)
	assert.Equal(t, bigCall-bigRetained, out.Totals.NotRetainedCount)
	require.NoError(t, db.Model(&models.Application{}).Where("campaign_id = ? AND decision <> ''", c.ID).Count(&decided).Error)
	require.EqualValues(t, bigCall, decided)
	var phase string
	require.NoError(t, db.Model(&models.Campaign{}).Where("id = ?", c.ID).Pluck("phase", &phase).Error)
	require.Equal(t, models.PhaseSelected, phase)

	// What the history holds: the Update (the draft's reference and its sender, part of the
	// activity's input), the activity's input and its result.
	for name, value := range map[string]any{"activity input": in, "activity result": out} {
		p, err := converter.GetDefaultDataConverter().ToPayload(value)
		require.NoError(t, err)
		assert.Less(t, len(p.GetData()), maxEventPayload, "%s of a %d-dossier selection", name, bigCall)
	}
}

// A text the database would refuse (a NUL byte) is refused for good, named as the API names
// it; a newline in a reason is admitted.
func TestRecordSelectionRefusesAControlCharacter(t *testing.T) {
	ctx := context.Background()
	db := storetest.SQLite(t)
	apps := store.NewApplications(db)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: apps, Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)
	c := &models.Campaign{ID: uuid.NewString(), Year: 2027, Level: models.LevelDepartmental, Territory: "69", Title: "Petit appel",
		ContactEmail: "ddets@rhone.example.gouv.fr", Phase: models.PhaseClosed, BudgetCents: grantedCents}
	c.WorkflowID = "aap/" + c.ID
	require.NoError(t, db.Create(c).Error)
	app := models.Application{ID: uuid.NewString(), CampaignID: c.ID, WorkflowID: "aap/" + c.ID + "/d", Year: 2027, Reference: "AAP-2027-69-00001",
		AssociationKey: "siret:1", AssociationName: "Association 1", Title: "Ateliers", TitleKey: "ateliers", Theme: "langue", RequestedCents: grantedCents}
	require.NoError(t, db.Create(&app).Error)
	payload := func(reason string) store.SelectionPayload {
		return store.SelectionPayload{DecisionReference: "Arrêté n° 1",
			Dossiers:  []selection.Dossier{{ApplicationID: app.ID, AssociationName: app.AssociationName, Theme: "langue", RequestedCents: grantedCents}},
			Decisions: []selection.Decision{{ApplicationID: app.ID, Decision: selection.NotRetained, Score: 40, Reason: reason}}}
	}
	rules := selection.Rules{EnvelopeCents: grantedCents, Year: 2027}

	bad, err := apps.SaveSelectionDraft(ctx, c.ID, "request-1", payload("Hors\x00 priorités"))
	require.NoError(t, err)
	_, err = env.ExecuteActivity(a.RecordSelection, activities.SelectionRecord{CampaignID: c.ID, Draft: bad, Rules: rules})
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	require.Equal(t, activities.ErrTypeInvalidText, appErr.Type())
	assert.Contains(t, appErr.Error(), "decisions[0].reason")

	good, err := apps.SaveSelectionDraft(ctx, c.ID, "request-2", payload("Hors des priorités\n(emploi et langue)"))
	require.NoError(t, err)
	_, err = env.ExecuteActivity(a.RecordSelection, activities.SelectionRecord{CampaignID: c.ID, Draft: good, Rules: rules})
	require.NoError(t, err)
}
