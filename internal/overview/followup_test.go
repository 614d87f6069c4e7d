package overview_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

// july2025 is after the 2024 conventions' comptes-rendus financiers were due (30 June 2025).
var july2025 = time.Date(2025, 7, 15, 10, 0, 0, 0, time.UTC)

// buildFollowUp adds to buildYear's 2024 the conventions' follow-up:
//   - comptes-rendus financiers: the Rhône's « langue » received, a second Rhône
//     convention's missing (due 30 June 2025), a regional one due 30 September 2025;
//     a 2023 report overdue, not the 2024 overview's;
//   - controls: two in the Rhône (one held), one of the region (held), one in the
//     Bouches-du-Rhône, one in the Haute-Garonne (Occitanie), one of 2023;
//     syntheses: Auvergne-Rhône-Alpes sent on its date, Occitanie sent on 3 October,
//     Provence-Alpes-Côte d'Azur none;
//   - renewal blocks: the Rhône's « emploi » dossier blocked twice (counted once), the
//     « sante » dossier's block lifted (and another provisional, not counted), the regional
//     dossier's not, a cancelled dossier's;
//   - CTAI: three requests in the Rhône (favourable, unfavourable, being evaluated),
//     one favourable in the Bouches-du-Rhône, one of 2025.
//
// It returns the year and the convention whose report is missing.
func buildFollowUp(t *testing.T, db *gorm.DB) (*year2024, *models.Convention) {
	y := buildYear(t, db)
	f := y.f
	due2025 := policy.Date{Year: 2025, Month: time.June, Day: 30}.EndOfDay()
	f.financialReport(y.langueConv, due2025, paris(2025, 5, 10, 11))
	insertion := f.dossier(y.rhone, dossier{theme: "emploi", requested: 10_000_00, granted: 10_000_00, retained: true})
	missing := f.convention(insertion, models.ConventionSigned, june2024.AddDate(0, 0, -20))
	f.financialReport(missing, due2025, nil)
	regional := f.dossier(y.region, dossier{theme: "langue", requested: 5_000_00, granted: 5_000_00, retained: true})
	f.financialReport(f.convention(regional, models.ConventionSigned, june2024.AddDate(0, 0, -20)),
		policy.Date{Year: 2025, Month: time.September, Day: 30}.EndOfDay(), nil)
	old := f.campaign(models.LevelDepartmental, "69", models.PhaseClosed, 10_000_00, paris(2023, 2, 1, 9))
	require.NoError(t, db.Model(old).Update("year", 2023).Error)
	oldDossier := f.dossier(old, dossier{theme: "langue", requested: 1_000_00, granted: 1_000_00, retained: true})
	f.financialReport(f.convention(oldDossier, models.ConventionSigned, june2024.AddDate(-1, 0, 0)),
		policy.Date{Year: 2024, Month: time.June, Day: 30}.EndOfDay(), nil)

	f.control(2024, "84", "69", models.ControlDone)
	f.control(2024, "84", "69", models.ControlPlanned)
	f.control(2024, "84", "", models.ControlDone)
	f.control(2024, "93", "13", models.ControlPlanned)
	f.control(2024, "76", "31", models.ControlDone)
	f.control(2023, "93", "13", models.ControlDone)
	f.synthesis(2024, "84", "2024-09-30", *paris(2024, 9, 30, 9))
	f.synthesis(2024, "76", "2024-09-30", *paris(2024, 10, 3, 9))

	f.block(y.emploiRhone, models.BlockPNE, nil)
	f.block(y.emploiRhone, models.BlockFinancialReport, nil)
	f.block(y.sante, models.BlockPNE, paris(2024, 5, 1, 9))
	f.block(y.emploiRegion, models.BlockFinancialReport, nil)
	f.block(y.cancelled, models.BlockPNE, nil)
	f.provisionalBlock(y.sante) // not counted: the PNE it rests on is not closed

	f.ctaiRequest(2024, "69", ctai.KindNew, ctai.OpinionFavourable)
	f.ctaiRequest(2024, "69", ctai.KindRenewal, ctai.OpinionUnfavourable)
	f.ctaiRequest(2024, "69", ctai.KindNew, "")
	f.ctaiRequest(2024, "13", ctai.KindNew, ctai.OpinionFavourable)
	f.ctaiRequest(2025, "69", ctai.KindNew, ctai.OpinionFavourable)
	return y, missing
}

func regionOf(t *testing.T, ov *overview.Overview, code string) overview.Area {
	t.Helper()
	for _, r := range ov.Regions {
		if r.Code == code {
			return r
		}
	}
	t.Fatalf("region %s not in the overview", code)
	return overview.Area{}
}

func departmentOf(t *testing.T, r overview.Area, code string) overview.Figures {
	t.Helper()
	for _, d := range r.Departments {
		if d.Code == code {
			return d.Figures
		}
	}
	t.Fatalf("department %s not in region %s", code, r.Code)
	return nil
}

// pick keeps the named metrics of figures, zeros included, for exact comparisons.
func pick(f overview.Figures, names ...string) overview.Figures {
	out := overview.Figures{}
	for _, n := range names {
		out[n] = f[n]
	}
	return out
}

var followUpMetrics = []string{overview.FinancialReportsExpected, overview.FinancialReportsReceived,
	overview.FinancialReportsOverdue, overview.ControlsPlanned, overview.ControlsDone, overview.RenewalsBlocked,
	overview.CTAIRequests, overview.CTAIFavourable, overview.CTAIUnfavourable}

func figures(reports, received, overdue, planned, done, blocked, requests, favourable, unfavourable int64) overview.Figures {
	return overview.Figures{overview.FinancialReportsExpected: reports, overview.FinancialReportsReceived: received,
		overview.FinancialReportsOverdue: overdue, overview.ControlsPlanned: planned, overview.ControlsDone: done,
		overview.RenewalsBlocked: blocked, overview.CTAIRequests: requests, overview.CTAIFavourable: favourable,
		overview.CTAIUnfavourable: unfavourable}
}

func TestOverviewFollowUpFigures(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		y, missing := buildFollowUp(t, db)
		svc := service(t, db)
		svc.Now = func() time.Time { return july2025 }
		ov, err := svc.Overview(t.Context(), 2024)
		require.NoError(t, err)

		assert.Equal(t, figures(3, 1, 1, 5, 3, 2, 4, 2, 1), pick(ov.National.Figures, followUpMetrics...),
			"2023's report and control and 2025's CTAI request are other years'; a lifted block and a cancelled dossier's are not counted")
		ara := regionOf(t, ov, "84")
		assert.Equal(t, figures(3, 1, 1, 3, 2, 2, 3, 1, 1), pick(ara.Figures, followUpMetrics...),
			"the region counts its own call's report, control and block with its departments'")
		assert.Equal(t, figures(2, 1, 1, 2, 1, 1, 3, 1, 1), pick(departmentOf(t, ara, "69"), followUpMetrics...),
			"the « emploi » dossier blocked twice counts once; the request being evaluated has no opinion yet")
		paca := regionOf(t, ov, "93")
		assert.Equal(t, figures(0, 0, 0, 1, 0, 0, 1, 1, 0), pick(departmentOf(t, paca, "13"), followUpMetrics...))
		occitanie := regionOf(t, ov, "76")
		assert.Equal(t, figures(0, 0, 0, 1, 1, 0, 0, 0, 0), pick(departmentOf(t, occitanie, "31"), followUpMetrics...),
			"a region with controls only is in the overview")

		var reports, syntheses []overview.Overdue
		for _, o := range ov.Overdue {
			switch o.Kind {
			case overview.OverdueFinancialReport:
				reports = append(reports, o)
			case overview.OverdueControlSynthesis:
				syntheses = append(syntheses, o)
			}
		}
		require.Len(t, reports, 1, "the received report and the one due in September are not overdue; 2023's is not 2024's")
		assert.Equal(t, "69", reports[0].Department)
		assert.Equal(t, "84", reports[0].Region)
		assert.Equal(t, y.rhone.ID, reports[0].CampaignID, "the item links the call")
		assert.Equal(t, missing.ID, reports[0].ConventionID)
		assert.WithinDuration(t, policy.Date{Year: 2025, Month: time.June, Day: 30}.EndOfDay(), reports[0].Due, time.Millisecond)
		assert.Equal(t, "Compte-rendu financier de la convention "+missing.Reference+
			" non reçu : il était attendu au plus tard le 30 juin 2025.", reports[0].Message)
		require.Len(t, syntheses, 2, "Auvergne-Rhône-Alpes sent its synthesis on its date")
		assert.Equal(t, "76", syntheses[0].Region)
		assert.Equal(t, "Synthèse 2024 des contrôles sur place de la région Occitanie transmise le 3 octobre 2024, "+
			"après la date limite du 30 septembre 2024.", syntheses[0].Message)
		assert.Equal(t, "93", syntheses[1].Region)
		assert.Empty(t, syntheses[1].Department)
		assert.Equal(t, "Synthèse 2024 des contrôles sur place de la région Provence-Alpes-Côte d'Azur "+
			"non transmise à la DIAN au 30 septembre 2024.", syntheses[1].Message)
	})
}

func TestOverviewFollowUpDeadlines(t *testing.T) {
	db := storetest.SQLite(t)
	buildFollowUp(t, db)
	overdue := func(now time.Time) map[string][]string {
		svc := service(t, db)
		svc.Now = func() time.Time { return now }
		ov, err := svc.Overview(t.Context(), 2024)
		require.NoError(t, err)
		kinds := map[string][]string{}
		for _, o := range ov.Overdue {
			kinds[o.Kind] = append(kinds[o.Kind], o.Region+"/"+o.Department)
		}
		assert.Equal(t, int64(3), ov.National.Figures[overview.FinancialReportsExpected])
		return kinds
	}
	// 30 September 2024, 23:00 in Paris: the syntheses are due that day; nothing is late.
	before := overdue(time.Date(2024, 9, 30, 21, 0, 0, 0, time.UTC))
	assert.Empty(t, before[overview.OverdueControlSynthesis])
	assert.Empty(t, before[overview.OverdueFinancialReport])
	// 1 October 2024, 0:30 in Paris: Provence-Alpes-Côte d'Azur has sent nothing;
	// Occitanie's sending, recorded on 3 October, is late.
	after := overdue(time.Date(2024, 9, 30, 22, 30, 0, 0, time.UTC))
	assert.Equal(t, []string{"76/", "93/"}, after[overview.OverdueControlSynthesis])
	assert.Empty(t, after[overview.OverdueFinancialReport], "the reports are due in 2025")
	// 30 June 2025 at 23:59 in Paris the report is still in time; at midnight it is overdue.
	assert.Empty(t, overdue(time.Date(2025, 6, 30, 21, 59, 0, 0, time.UTC))[overview.OverdueFinancialReport])
	assert.Equal(t, []string{"84/69"}, overdue(time.Date(2025, 6, 30, 22, 0, 0, 0, time.UTC))[overview.OverdueFinancialReport])
}

func TestOverviewXLSXHasTheFollowUp(t *testing.T) {
	db := storetest.SQLite(t)
	buildFollowUp(t, db)
	svc := service(t, db)
	svc.Now = func() time.Time { return july2025 }
	data, err := workbook.OverviewExport(t.Context(), svc, 2024)
	require.NoError(t, err)
	rows, err := workbook.Read(data, "Vue nationale")
	require.NoError(t, err)
	header := rows[0]
	require.Len(t, header, 24)
	assert.Equal(t, []string{"Comptes-rendus financiers attendus", "Comptes-rendus financiers reçus",
		"Comptes-rendus financiers en retard", "Contrôles programmés", "Contrôles réalisés", "Renouvellements bloqués",
		"Demandes CTAI", "Avis CTAI favorables", "Avis CTAI défavorables"}, header[15:])
	byName := map[string][]string{}
	for _, r := range rows[1:] {
		byName[r[2]] = r
	}
	assert.Equal(t, []string{"3", "1", "1", "5", "3", "2", "4", "2", "1"}, byName["France entière"][15:])
	assert.Equal(t, []string{"2", "1", "1", "2", "1", "1", "3", "1", "1"}, byName["Rhône"][15:])
	assert.Equal(t, []string{"0", "0", "0", "1", "0", "0", "1", "1", "0"}, byName["Bouches-du-Rhône"][15:])

	retards, err := workbook.Read(data, "Retards")
	require.NoError(t, err)
	var kinds []string
	for _, r := range retards[1:] {
		kinds = append(kinds, r[3])
	}
	assert.Contains(t, kinds, overview.OverdueFinancialReport)
	assert.Contains(t, kinds, overview.OverdueControlSynthesis)
}

// A region with a signed convention of the year owes its synthesis even without
// any control recorded; one whose conventions are all unsigned does not.
func TestARegionWithoutControlsStillOwesItsSynthesis(t *testing.T) {
	db := storetest.SQLite(t)
	y, _ := buildFollowUp(t, db)
	f := y.f
	bretagne := f.campaign(models.LevelDepartmental, "35", models.PhaseSelected, 30_000_00, paris(2024, 2, 1, 9))
	f.convention(f.dossier(bretagne, dossier{theme: "langue", requested: 10_000_00, granted: 10_000_00, retained: true}),
		models.ConventionSigned, june2024)
	normandie := f.campaign(models.LevelDepartmental, "14", models.PhaseSelected, 30_000_00, paris(2024, 2, 1, 9))
	f.convention(f.dossier(normandie, dossier{theme: "langue", requested: 10_000_00, granted: 10_000_00, retained: true}),
		models.ConventionAwaitingSignature, june2024)

	svc := service(t, db)
	svc.Now = func() time.Time { return time.Date(2024, 10, 1, 8, 0, 0, 0, time.UTC) }
	ov, err := svc.Overview(t.Context(), 2024)
	require.NoError(t, err)
	var late []string
	for _, o := range ov.Overdue {
		if o.Kind == overview.OverdueControlSynthesis {
			late = append(late, o.Region)
			if o.Region == "53" {
				assert.Equal(t, "Synthèse 2024 des contrôles sur place de la région Bretagne non transmise à la DIAN au 30 septembre 2024.", o.Message)
			}
		}
	}
	assert.Equal(t, []string{"53", "76", "93"}, late, "Bretagne funded without controls; Normandie has no signed convention")
}
