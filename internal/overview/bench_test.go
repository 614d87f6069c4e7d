package overview_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// BenchmarkOverview computes a national year: three calls in each of the 101
// departments, 100 dossiers each (30,300 dossiers), half retained, each with a
// convention and its compte-rendu financier (a third received), a control per call.
func BenchmarkOverview(b *testing.B) {
	db := storetest.SQLite(b)
	themes := []string{"langue", "emploi", "sante", "logement"}
	var campaigns []models.Campaign
	var dossiers []models.Application
	var conventions []models.Convention
	var reports []models.FinancialReport
	var controls []models.Control
	for _, d := range territory.Departments() {
		for k := 0; k < 3; k++ {
			c := models.Campaign{ID: fmt.Sprintf("c-%s-%d", d.Code, k), Year: 2024, Level: models.LevelDepartmental,
				Territory: d.Code, Title: "Appel", BudgetCents: 1_000_000_00, Phase: models.PhaseSelected, PolicyName: "2024"}
			c.WorkflowID = "campaign-" + c.ID
			campaigns = append(campaigns, c)
			controls = append(controls, models.Control{ID: "ctl-" + c.ID, ConventionID: "v-" + c.ID + "-a000", Year: 2024,
				Region: d.RegionCode, Department: d.Code, PlannedOn: "2024-06-15", State: models.ControlPlanned})
			for i := 0; i < 100; i++ {
				a := models.Application{ID: fmt.Sprintf("%s-a%03d", c.ID, i), CampaignID: c.ID, Year: 2024,
					Theme: themes[i%len(themes)], RequestedCents: 20_000_00, BeneficiariesBPI: i % 7, BeneficiariesNonBPI: i % 11,
					State: models.ApplicationNotRetained}
				a.WorkflowID, a.AssociationKey, a.TitleKey = "application-"+a.ID, "rna:"+a.ID, a.ID
				if i%2 == 0 {
					a.Decision, a.GrantedCents, a.State = selection.Retained, 15_000_00, models.ApplicationRetained
					conventions = append(conventions, models.Convention{ID: "v-" + a.ID, ApplicationID: a.ID,
						CampaignID: c.ID, Reference: "R-" + a.ID, GrantedCents: a.GrantedCents, State: models.ConventionSigned})
					r := models.FinancialReport{ConventionID: "v-" + a.ID, ConventionReference: "R-" + a.ID, ApplicationID: a.ID,
						FiscalYear: 2024, DueAt: time.Date(2025, 6, 30, 21, 59, 59, 0, time.UTC)}
					if i%3 == 0 {
						r.ReceivedAt = &r.DueAt
					}
					reports = append(reports, r)
				}
				dossiers = append(dossiers, a)
			}
		}
	}
	require.NoError(b, db.CreateInBatches(campaigns, 100).Error)
	require.NoError(b, db.CreateInBatches(dossiers, 200).Error)
	require.NoError(b, db.CreateInBatches(conventions, 200).Error)
	require.NoError(b, db.CreateInBatches(reports, 200).Error)
	require.NoError(b, db.CreateInBatches(controls, 200).Error)
	svc := service(b, db)
	b.ResetTimer()
	start := time.Now()
	for b.Loop() {
		ov, err := svc.Overview(b.Context(), 2024)
		if err != nil || ov.National.Figures[overview.DossiersFiled] != int64(len(dossiers)) ||
			ov.National.Figures[overview.FinancialReportsExpected] != int64(len(reports)) ||
			ov.National.Figures[overview.ControlsPlanned] != int64(len(controls)) {
			b.Fatalf("overview: %v %v", err, ov.National.Figures)
		}
	}
	b.Logf("%d dossiers: %s per overview", len(dossiers), time.Since(start)/time.Duration(b.N))
}
