package activities_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// territoryCall stores a departmental call of the Rhône in 2027, in phase, with one
// dossier of theme asking cents (5 BPI and 5 others), retained when the call is selected.
func territoryCall(t *testing.T, db *gorm.DB, phase, theme string, cents int64) (string, selection.Dossier) {
	t.Helper()
	cid, aid := uuid.NewString(), uuid.NewString()
	c := &models.Campaign{ID: cid, WorkflowID: "aap/2027/dep-69/" + cid, Year: 2027, Level: models.LevelDepartmental, Territory: "69",
		Title: "AAP intégration", BudgetCents: 10_000_000, Themes: []string{theme}, PublishAt: time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC),
		CloseAt: time.Date(2027, 5, 31, 21, 0, 0, 0, time.UTC), ContactEmail: "ddets@example.gouv.fr", PolicyName: "2027", Phase: phase}
	require.NoError(t, db.Create(c).Error)
	a := &models.Application{ID: aid, CampaignID: cid, WorkflowID: "aap/2027/dep-69/" + cid + "/dossier/" + aid, Year: 2027,
		AssociationKey: "siret:73282932000074", SIRET: "73282932000074", AssociationName: "Accueil", AssociationEmail: "contact@accueil.example.org",
		CERSigned: true, Title: "Ateliers " + theme, TitleKey: "ateliers " + theme + " " + cid, Theme: theme, RequestedCents: cents, TotalBudgetCents: cents,
		BeneficiariesBPI: 5, BeneficiariesNonBPI: 5, State: models.ApplicationDeposited}
	if phase == models.PhaseSelected {
		a.Decision, a.GrantedCents = selection.Retained, cents
	}
	require.NoError(t, db.Create(a).Error)
	return cid, selection.Dossier{ApplicationID: aid, AssociationName: "Accueil", Theme: theme, RequestedCents: cents, BeneficiariesBPI: 5, BeneficiariesNonBPI: 5}
}

var territoryRules = selection.Rules{EnvelopeCents: 10_000_000, Year: 2027, EmploymentLanguageThemes: []string{"langue", "emploi"},
	EmploymentLanguageMinPercent: 70, NonBPIBeneficiariesMinPercent: 30}

type healthSelection struct {
	cid           string
	dossier       selection.Dossier
	justification string
}

func recordSelection(db *gorm.DB, h healthSelection) ([]selection.Deviation, error) {
	apps := store.NewApplications(db)
	// The territories' figures as the API reads them before sending the selection.
	others, err := apps.RetainedByTerritory(context.Background(), 2027, territoryRules.EmploymentLanguageThemes, h.cid)
	if err != nil {
		return nil, err
	}
	p := store.SelectionPayload{Decisions: []selection.Decision{{ApplicationID: h.dossier.ApplicationID, Decision: selection.Retained,
		GrantedCents: h.dossier.RequestedCents, Score: 80}}, Dossiers: []selection.Dossier{h.dossier},
		Objectives: selection.Objectives{Justification: h.justification, Scopes: selection.ScopesOf(true, "69", store.TerritorySumsOf(others))}}
	ref, err := apps.SaveSelectionDraft(context.Background(), h.cid, uuid.NewString(), p)
	if err != nil {
		return nil, err
	}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Applications: apps, Campaigns: store.NewCampaigns(db)})
	v, err := env.ExecuteActivity((*activities.Activities)(nil).RecordSelection, activities.SelectionRecord{CampaignID: h.cid, Draft: ref,
		Rules: territoryRules, At: time.Now(), Actor: models.Actor{Name: "Correspondant 69"}})
	if err != nil {
		return nil, err
	}
	var out activities.SelectionOutcome
	return out.Deviations, v.Get(&out)
}

// §8.1: the 70 % share is measured on the department across the year's calls. The Rhône has
// 100,000 € of language retained; two health calls of 30,000 € each leave it at 76.9 % alone
// (fine without justification) but at 62.5 % together. Selected at the same instant, the
// second is judged in its recording transaction with the first's figures: refused without
// the justification (the French message with the figures), recorded with it and its deviations.
func TestTwoSelectionsOfOneDepartmentTogetherTheSecondSeesTheFirst(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		territoryCall(t, db, models.PhaseSelected, "langue", 10_000_000)
		var cids [2]string
		var dossiers [2]selection.Dossier
		for i := range cids {
			cids[i], dossiers[i] = territoryCall(t, db, models.PhaseClosed, "sante", 3_000_000)
		}
		errs := make([]error, 2)
		var start, done sync.WaitGroup
		start.Add(1)
		for i := range 2 {
			done.Add(1)
			go func() {
				defer done.Done()
				start.Wait()
				_, errs[i] = recordSelection(db, healthSelection{cids[i], dossiers[i], ""})
			}()
		}
		start.Done()
		done.Wait()

		winner := -1
		for i, err := range errs {
			if err == nil {
				require.Equal(t, -1, winner, "both recorded")
				winner = i
			}
		}
		require.NotEqual(t, -1, winner, "none recorded: %v", errs)
		loser := 1 - winner
		var appErr *temporal.ApplicationError
		require.True(t, errors.As(errs[loser], &appErr), "%v", errs[loser])
		assert.Equal(t, activities.ErrTypeSelectionRefused, appErr.Type())
		assert.True(t, appErr.NonRetryable())
		var violations []selection.Violation
		require.NoError(t, appErr.Details(&violations))
		require.NotEmpty(t, violations)
		for _, v := range violations {
			assert.Equal(t, selection.RuleEmploymentLanguageShare, v.Rule)
			assert.Equal(t, selection.RuleObjectivesJustification, v.Field)
			assert.Contains(t, v.Message, "62,5\u00a0%", "the figures with both health calls")
		}
		var c models.Campaign
		require.NoError(t, db.Where("id = ?", cids[loser]).Take(&c).Error)
		assert.Equal(t, models.PhaseClosed, c.Phase, "the refused selection recorded nothing")

		devs, err := recordSelection(db, healthSelection{cids[loser], dossiers[loser], "Appel santé mentale : thématique insuffisamment couverte (§8.2)."})
		require.NoError(t, err, "justified, it is recorded")
		var scopes []string
		for _, d := range devs {
			scopes = append(scopes, fmt.Sprintf("%s:%s:%s", d.Scope, d.Objective, d.Percent))
		}
		assert.Contains(t, scopes, "department:employment_language_share:62,5\u00a0%")
		assert.Contains(t, scopes, "region:employment_language_share:62,5\u00a0%")
		require.NoError(t, db.Where("id = ?", cids[loser]).Take(&c).Error)
		assert.Equal(t, models.PhaseSelected, c.Phase)
		assert.Equal(t, devs, c.ObjectivesDeviations, "the deviations recorded are those measured in the transaction")
	})
}

// At the threshold and just past it, one call after the other: 100,000 € of language and
// 42,857.14 € of health leave the Rhône at 70.0000… %: fine; one cent more: under 70 %.
func TestSelectionOfADepartmentAtTheObjectiveAndJustUnder(t *testing.T) {
	for _, c := range []struct {
		cents   int64
		refused bool
	}{{4_285_714, false}, {4_285_715, true}} {
		t.Run(fmt.Sprint(c.cents), func(t *testing.T) {
			db := storetest.SQLite(t)
			territoryCall(t, db, models.PhaseSelected, "langue", 10_000_000)
			cid, d := territoryCall(t, db, models.PhaseClosed, "sante", c.cents)
			_, err := recordSelection(db, healthSelection{cid, d, ""})
			if !c.refused {
				require.NoError(t, err)
				return
			}
			var appErr *temporal.ApplicationError
			require.True(t, errors.As(err, &appErr), "%v", err)
			assert.Equal(t, activities.ErrTypeSelectionRefused, appErr.Type())
		})
	}
}
