package monitoring

import (
	"context"
	"time"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policy"
	"github.com/dian-p104/aap/selection"
	"github.com/dian-p104/aap/territory"
	"github.com/dian-p104/aap/xlsx"
)

// OverviewXLSX is the overview as a workbook: one row per region and department, and the overdue items.
func (s *Service) OverviewXLSX(ctx context.Context, year int) ([]byte, error) {
	ov, err := s.Overview(ctx, year)
	if err != nil {
		return nil, err
	}
	figures := xlsx.Sheet{Name: "Vue nationale", Header: []string{"Niveau", "Code", "Territoire", "Appels",
		"Appels publiés", "Dossiers déposés", "Dossiers retenus", "Enveloppes (€)", "Montants demandés (€)",
		"Montants accordés (€)", "Montants engagés (€)", "Part emploi et langue (%)", "Part hors BPI (%)",
		"Taux de réponse PNE (%)", "Conventions signées", "Comptes-rendus financiers attendus",
		"Comptes-rendus financiers reçus", "Comptes-rendus financiers en retard", "Contrôles programmés",
		"Contrôles réalisés", "Renouvellements bloqués", "Demandes CTAI", "Avis CTAI favorables", "Avis CTAI défavorables"}}
	row := func(level string, a Area) []any {
		f := a.Figures
		return []any{level, a.Code, a.Name, f[CampaignsTotal], f[CampaignsInPhase(models.PhasePublished)],
			f[DossiersFiled], f[DossiersRetained], xlsx.Euros(f[EnvelopeCents]), xlsx.Euros(f[RequestedCents]),
			xlsx.Euros(f[GrantedCents]), xlsx.Euros(f[CommittedCents]), pct(a.Shares.EmploymentLanguagePercent),
			pct(a.Shares.NonBPIPercent), pct(a.Shares.PNEResponsePercent), f[ConventionsSigned],
			f[FinancialReportsExpected], f[FinancialReportsReceived], f[FinancialReportsOverdue], f[ControlsPlanned],
			f[ControlsDone], f[RenewalsBlocked], f[CTAIRequests], f[CTAIFavourable], f[CTAIUnfavourable]}
	}
	figures.Rows = append(figures.Rows, row("national", ov.National))
	for _, r := range ov.Regions {
		figures.Rows = append(figures.Rows, row("région", r))
		for _, d := range r.Departments {
			figures.Rows = append(figures.Rows, row("département", d))
		}
	}
	overdue := xlsx.Sheet{Name: "Retards", Header: []string{"Échéance", "Région", "Département", "Nature", "Détail"}}
	for _, o := range ov.Overdue {
		overdue.Rows = append(overdue.Rows, []any{xlsx.Date(o.Due.In(paris())), o.Region, o.Department, o.Kind, o.Message})
	}
	return xlsx.Write(figures, overdue)
}

func pct(p *float64) any {
	if p == nil {
		return nil
	}
	return xlsx.Percent(*p)
}

func paris() *time.Location { return policy.Paris }

// DossiersXLSX lists the dossiers retained in the year's calls (cancelled ones left out).
func (s *Service) DossiersXLSX(ctx context.Context, year int) ([]byte, error) {
	var rows []struct {
		Level, Territory, CampaignTitle, Title, AssociationName, AssociationKey, Theme string
		RequestedCents, GrantedCents                                                   int64
		DecidedAt                                                                      *time.Time
	}
	err := s.DB.WithContext(ctx).Table("applications AS a").
		Select("c.level, c.territory, c.title AS campaign_title, a.title, a.association_name, a.association_key, "+
			"a.theme, a.requested_cents, a.granted_cents, a.decided_at").
		Joins("JOIN campaigns AS c ON c.id = a.campaign_id").
		Where("c.year = ? AND a.decision = ? AND a.state <> ?", year, selection.Retained, models.ApplicationCancelled).
		Order("c.territory, c.title, a.title, a.id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	sheet := xlsx.Sheet{Name: "Dossiers retenus", Header: []string{"Région", "Département", "Appel à projets",
		"Projet", "Porteur de projet", "SIRET ou RNA", "Thème", "Montant demandé (€)", "Montant accordé (€)", "Décision le"}}
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		sheet.Rows = append(sheet.Rows, []any{regionName(region), departmentName(dep), r.CampaignTitle, r.Title,
			r.AssociationName, r.AssociationKey, models.ThemeLabel(r.Theme), xlsx.Euros(r.RequestedCents),
			xlsx.Euros(r.GrantedCents), dateCell(r.DecidedAt)})
	}
	return xlsx.Write(sheet)
}

// ConventionsXLSX lists the conventions of the year's calls with their state and dates.
func (s *Service) ConventionsXLSX(ctx context.Context, year int) ([]byte, error) {
	var rows []struct {
		Reference, State, Level, Territory, CampaignTitle, AssociationName, Title string
		GrantedCents                                                              int64
		CreatedAt                                                                 time.Time
		SignedAt, LapsedAt                                                        *time.Time
	}
	err := s.DB.WithContext(ctx).Table("conventions AS v").
		Select("v.reference, v.state, c.level, c.territory, c.title AS campaign_title, a.association_name, a.title, "+
			"v.granted_cents, v.created_at, v.signed_at, v.lapsed_at").
		Joins("JOIN campaigns AS c ON c.id = v.campaign_id").
		Joins("JOIN applications AS a ON a.id = v.application_id").
		Where("c.year = ?", year).Order("v.reference").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	sheet := xlsx.Sheet{Name: "Conventions", Header: []string{"Référence", "Région", "Département", "Appel à projets",
		"Porteur de projet", "Projet", "Montant (€)", "État", "Envoyée le", "Signée le", "Caduque le"}}
	for _, r := range rows {
		region, dep := RegionOf(r.Level, r.Territory)
		created := r.CreatedAt
		sheet.Rows = append(sheet.Rows, []any{r.Reference, regionName(region), departmentName(dep), r.CampaignTitle,
			r.AssociationName, r.Title, xlsx.Euros(r.GrantedCents), models.ConventionLabel(r.State),
			dateCell(&created), dateCell(r.SignedAt), dateCell(r.LapsedAt)})
	}
	return xlsx.Write(sheet)
}

// dateCell is the Paris calendar date of an instant, or an empty cell.
func dateCell(t *time.Time) any {
	if t == nil {
		return nil
	}
	return xlsx.Date(t.In(paris()))
}

func regionName(code string) string {
	if r, ok := territory.LookupRegion(code); ok {
		return r.Name
	}
	return code
}

func departmentName(code string) string {
	if d, ok := territory.LookupDepartment(code); ok {
		return d.Name
	}
	return code
}
