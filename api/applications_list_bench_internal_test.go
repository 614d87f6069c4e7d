package api

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"

	"github.com/dian-p104/aap/internal/benchenv"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// BenchmarkApplicationsListFirstPage answers GET /api/v1/campaigns/{id}/applications
// (the first page, 50 dossiers, as aapbench reads it) on a call of AAP_BENCH_DOSSIERS
// dossiers (10,000 by default) in SQLite, through the handler: the call's lookup, the page's query, the total and the
// JSON. The role and territory checks sit in middleware before it and are not measured.
func BenchmarkApplicationsListFirstPage(b *testing.B) {
	gin.SetMode(gin.ReleaseMode)
	n := benchenv.Size(b, "AAP_BENCH_DOSSIERS", 10_000, 100)
	db := storetest.SQLite(b)
	id := uuid.NewString()
	c := &models.Campaign{ID: id, WorkflowID: "aap/2027/dep-69/" + id, Year: 2027,
		Level: models.LevelDepartmental, Territory: "69", Title: "AAP intégration",
		BudgetCents: 12_500_050, Themes: []string{"langue", "emploi"},
		PublishAt: time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC), CloseAt: time.Date(2027, 5, 31, 21, 0, 0, 0, time.UTC),
		ContactEmail: "ddets@example.gouv.fr", PolicyName: "2025", Phase: models.PhasePublished}
	if err := db.Create(c).Error; err != nil {
		b.Fatal(err)
	}
	base := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	rows := make([]models.Application, n)
	for i := range rows {
		aid := uuid.NewString()
		title := fmt.Sprintf("Ateliers sociolinguistiques %05d", i)
		rows[i] = models.Application{ID: aid, CampaignID: id, WorkflowID: "aap/2027/dep-69/" + id + "/dossier/" + aid,
			Year: 2027, AssociationKey: fmt.Sprintf("siren:%09d", i), SIRET: "73282932000074",
			AssociationName: "Association d'accueil et d'insertion", AssociationEmail: "contact@accueil.example.org",
			CERSigned: true, Title: title, TitleKey: title, Theme: "langue", Description: "Des ateliers de français " +
				"à visée professionnelle pour les primo-arrivants signataires du CIR, deux fois par semaine.",
			RequestedCents: 1_500_000, TotalBudgetCents: 3_000_000,
			CoFinancing: []models.CoFinancing{{Funder: "Ville", AmountCents: 100_000}}, BeneficiariesBPI: 40,
			State: models.ApplicationDeposited, CreatedAt: base.Add(time.Duration(i) * time.Second)}
	}
	if err := db.CreateInBatches(rows, 200).Error; err != nil {
		b.Fatal(err)
	}
	svc := &ApplicationService{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		Reports: store.NewFinancialReports(db)}
	r := gin.New()
	registerApplications(r.Group("/api/v1"), svc)
	path := "/api/v1/campaigns/" + id + "/applications"
	for b.Loop() {
		rec := httptest.NewRecorder()
		r.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		if rec.Code != http.StatusOK {
			b.Fatalf("%d %s", rec.Code, rec.Body.String())
		}
	}
}
