package overview_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

// june2024 is after the end of Q1 and long after the conventions of the fixture were sent.
var june2024 = time.Date(2024, 6, 20, 10, 0, 0, 0, time.UTC)

func paris(y int, m time.Month, d, h int) *time.Time {
	t := time.Date(y, m, d, h, 0, 0, 0, french.Paris)
	return &t
}

// buildYear is a small 2024: the Rhône's call (published on time) with three
// dossiers, a regional call of Auvergne-Rhône-Alpes published late, a call of
// the Bouches-du-Rhône never published, and a cancelled call of the Rhône.
func buildYear(t *testing.T, db *gorm.DB) *year2024 {
	f := &fixture{t: t, db: db}
	y := &year2024{f: f}
	y.rhone = f.campaign(models.LevelDepartmental, "69", models.PhaseSelected, 100_000_00, paris(2024, 2, 1, 9))
	y.langue = f.dossier(y.rhone, dossier{theme: "langue", requested: 50_000_00, granted: 40_000_00, retained: true, bpi: 10, nonBPI: 30})
	y.sante = f.dossier(y.rhone, dossier{theme: "sante", requested: 30_000_00, granted: 20_000_00, retained: true, bpi: 20, nonBPI: 0})
	y.emploiRhone = f.dossier(y.rhone, dossier{theme: "emploi", requested: 25_000_00, state: models.ApplicationNotRetained})
	y.langueConv = f.convention(y.langue, models.ConventionSigned, june2024.AddDate(0, 0, -40))
	f.convention(y.sante, models.ConventionAwaitingSignature, june2024.AddDate(0, 0, -31))

	y.region = f.campaign(models.LevelRegional, "84", models.PhaseClosed, 200_000_00, paris(2024, 4, 2, 9))
	y.emploiRegion = f.dossier(y.region, dossier{theme: "emploi", requested: 60_000_00, granted: 60_000_00, retained: true, bpi: 5, nonBPI: 15})
	f.convention(y.emploiRegion, models.ConventionAwaitingSignature, june2024.AddDate(0, 0, -5)) // within its delay

	f.campaign(models.LevelDepartmental, "13", models.PhaseScheduled, 50_000_00, nil)
	cancelled := f.campaign(models.LevelDepartmental, "69", models.PhaseCancelled, 70_000_00, paris(2024, 1, 10, 9))
	y.cancelled = f.dossier(cancelled, dossier{theme: "langue", requested: 10_000_00, state: models.ApplicationCancelled})

	f.pneStructure("84", "69", true)
	f.pneStructure("84", "69", false)
	f.pneStructure("84", "", true)
	f.pneStructure("93", "13", false)
	return y
}

// year2024 holds the records of buildYear that other rows point to.
type year2024 struct {
	f                                                   *fixture
	rhone, region                                       *models.Campaign
	langue, sante, emploiRhone, emploiRegion, cancelled *models.Application
	langueConv                                          *models.Convention
}

func service(t testing.TB, db *gorm.DB) *overview.Service {
	pols, err := policy.Load(policies.FS)
	require.NoError(t, err)
	return overview.New(db, pols, func() time.Time { return june2024 })
}

func TestOverviewFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		buildYear(t, db)
		ov, err := service(t, db).Overview(t.Context(), 2024)
		require.NoError(t, err)

		n := ov.National.Figures
		assert.Equal(t, int64(4), n[overview.CampaignsTotal])
		assert.Equal(t, int64(3), n[overview.CampaignsPublished], "the Bouches-du-Rhône call never was")
		assert.Equal(t, int64(1), n[overview.CampaignsInPhase(models.PhaseCancelled)])
		assert.Equal(t, int64(350_000_00), n[overview.EnvelopeCents], "the cancelled call's envelope is not counted")
		assert.Equal(t, int64(4), n[overview.DossiersFiled], "the cancelled dossier is not counted")
		assert.Equal(t, int64(3), n[overview.DossiersRetained])
		assert.Equal(t, int64(165_000_00), n[overview.RequestedCents])
		assert.Equal(t, int64(120_000_00), n[overview.GrantedCents])
		assert.Equal(t, int64(40_000_00), n[overview.CommittedCents], "only signed conventions commit credits")
		assert.Equal(t, int64(100_000_00), n[overview.EmploymentLanguageCents])
		assert.Equal(t, int64(2), n[overview.ConventionsAwaiting])
		// 100 000 of 120 000 € → 83.3 %; 45 non-BPI of 80 beneficiaries → 56.2 % (rounded down).
		require.NotNil(t, ov.National.Shares.EmploymentLanguagePercent)
		assert.Equal(t, 83.3, *ov.National.Shares.EmploymentLanguagePercent)
		assert.Equal(t, 56.2, *ov.National.Shares.NonBPIPercent)
		assert.Equal(t, 70, ov.National.Shares.EmploymentLanguageTarget)
		assert.Equal(t, 50.0, *ov.National.Shares.PNEResponsePercent)

		require.Len(t, ov.Regions, 2)
		ara := ov.Regions[0]
		assert.Equal(t, "84", ara.Code)
		assert.Equal(t, int64(3), ara.Figures[overview.DossiersRetained], "the region counts its departments' dossiers")
		require.Len(t, ara.Departments, 1)
		rhone := ara.Departments[0]
		assert.Equal(t, "69", rhone.Code)
		assert.Equal(t, "Rhône", rhone.Name)
		assert.Equal(t, int64(2), rhone.Figures[overview.DossiersRetained])
		// Rhône: 40 000 of 60 000 € on language → 66.6 %, under the 70 % target.
		assert.Equal(t, 66.6, *rhone.Shares.EmploymentLanguagePercent)
		assert.Equal(t, 50.0, *rhone.Shares.PNEResponsePercent)
		assert.Equal(t, 66.6, *ara.Shares.PNEResponsePercent)
		paca := ov.Regions[1]
		assert.Equal(t, "93", paca.Code)
		assert.Nil(t, paca.Shares.EmploymentLanguagePercent, "nothing granted: no share")

		kinds := map[string][]string{}
		for _, o := range ov.Overdue {
			kinds[o.Kind] = append(kinds[o.Kind], o.Department+o.Region)
		}
		assert.ElementsMatch(t, []string{"1393", "84"}, kinds["aap_not_published"], "the late and the unpublished call")
		assert.Equal(t, []string{"6984"}, kinds["convention_unsigned"], "only the convention past its 30 days")
	})
}

func TestOverviewBeforeTheDeadlinesHasNothingOverdue(t *testing.T) {
	db := storetest.SQLite(t)
	buildYear(t, db)
	svc := service(t, db)
	svc.Now = func() time.Time { return time.Date(2024, 3, 31, 21, 0, 0, 0, time.UTC) } // 23:00 in Paris, still 31 March
	ov, err := svc.Overview(t.Context(), 2024)
	require.NoError(t, err)
	for _, o := range ov.Overdue {
		assert.NotEqual(t, "13", o.Department, "the Bouches-du-Rhône's call is not late yet")
		assert.NotEqual(t, "convention_unsigned", o.Kind)
	}
}

func TestOverviewOfAnEmptyYear(t *testing.T) {
	db := storetest.SQLite(t)
	buildYear(t, db)
	ov, err := service(t, db).Overview(t.Context(), 2025)
	require.NoError(t, err)
	assert.Empty(t, ov.Regions)
	assert.Empty(t, ov.Overdue)
	assert.Zero(t, ov.National.Figures[overview.CampaignsTotal])
}

func TestPNEWeeksCumulateTheAnswers(t *testing.T) {
	db := storetest.SQLite(t)
	f := &fixture{t: t, db: db}
	// Four structures; answers on Monday 1 April, Sunday 7 April (same week) and
	// Wednesday 17 April 2024; one never answers.
	for _, at := range []*time.Time{paris(2024, 4, 1, 9), paris(2024, 4, 7, 23), paris(2024, 4, 17, 10), nil} {
		s := &models.PNEStructure{Year: 2024, AssociationKey: f.id("rna"), Token: f.id("tok"), AnsweredAt: at}
		require.NoError(t, db.Create(s).Error)
	}
	weeks, err := service(t, db).PNEWeeks(t.Context(), 2024)
	require.NoError(t, err)
	require.Len(t, weeks, 3)
	assert.Equal(t, "1er avril 2024", weeks[0].WeekStart.French())
	assert.Equal(t, []float64{50, 50, 75}, []float64{weeks[0].Percent, weeks[1].Percent, weeks[2].Percent})
	assert.Equal(t, int64(3), weeks[2].Answered)

	weeks, err = service(t, db).PNEWeeks(t.Context(), 2025)
	require.NoError(t, err)
	assert.Empty(t, weeks, "no structure that year")
}
