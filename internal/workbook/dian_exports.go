package workbook

import (
	"context"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// DIANExports are DIAN's yearly exports by file name, served by the API and the dashboard.
var DIANExports = map[string]func(context.Context, *overview.Service, int) ([]byte, error){
	"vue-nationale":    OverviewExport,
	"dossiers-retenus": RetainedDossiersExport,
	"conventions":      ConventionsExport,
}

// OverviewExport is the overview as a workbook: one row per region and department, and the overdue items.
func OverviewExport(ctx context.Context, svc *overview.Service, year int) ([]byte, error) {
	ov, err := svc.Overview(ctx, year)
	if err != nil {
		return nil, err
	}
	return Overview(ov)
}

// Overview writes the overview: « Vue nationale » and « Retards ».
func Overview(ov *overview.Overview) ([]byte, error) {
	figures := Sheet{Name: "Vue nationale", Header: []string{"Niveau", "Code", "Territoire", "Appels",
		"Appels publiés", "Dossiers déposés", "Dossiers retenus", "Enveloppes (€)", "Montants demandés (€)",
		"Montants accordés (€)", "Montants engagés (€)", "Part emploi et langue (%)", "Part hors BPI (%)",
		"Taux de réponse PNE (%)", "Conventions signées", "Comptes-rendus financiers attendus",
		"Comptes-rendus financiers reçus", "Comptes-rendus financiers en retard", "Contrôles programmés",
		"Contrôles réalisés", "Renouvellements bloqués", "Demandes CTAI", "Avis CTAI favorables", "Avis CTAI défavorables"}}
	row := func(level string, a overview.Area) []any {
		f := a.Figures
		return []any{level, a.Code, a.Name, f[overview.CampaignsTotal], f[overview.CampaignsInPhase(models.PhasePublished)],
			f[overview.DossiersFiled], f[overview.DossiersRetained], Euros(f[overview.EnvelopeCents]), Euros(f[overview.RequestedCents]),
			Euros(f[overview.GrantedCents]), Euros(f[overview.CommittedCents]), pct(a.Shares.EmploymentLanguagePercent),
			pct(a.Shares.NonBPIPercent), pct(a.Shares.PNEResponsePercent), f[overview.ConventionsSigned],
			f[overview.FinancialReportsExpected], f[overview.FinancialReportsReceived], f[overview.FinancialReportsOverdue], f[overview.ControlsPlanned],
			f[overview.ControlsDone], f[overview.RenewalsBlocked], f[overview.CTAIRequests], f[overview.CTAIFavourable], f[overview.CTAIUnfavourable]}
	}
	figures.Rows = append(figures.Rows, row("national", ov.National))
	for _, r := range ov.Regions {
		figures.Rows = append(figures.Rows, row("région", r))
		for _, d := range r.Departments {
			figures.Rows = append(figures.Rows, row("département", d))
		}
	}
	overdue := Sheet{Name: "Retards", Header: []string{"Échéance", "Région", "Département", "Nature", "Détail"}}
	for _, o := range ov.Overdue {
		overdue.Rows = append(overdue.Rows, []any{Date(o.Due.In(french.Paris)), o.Region, o.Department, o.Kind, o.Message})
	}
	return Write(figures, overdue, deviationsSheet(ov), flagsSheet(ov), policySheet(ov))
}

// deviationsSheet lists the calls departing from the objectives (§8.1) or the calendar (§8.3).
func deviationsSheet(ov *overview.Overview) Sheet {
	sh := Sheet{Name: "Écarts", Header: []string{"Nature", "Région", "Département", "Appel à projets", "Écart", "Justification"}}
	for _, d := range ov.Deviations {
		kind := "objectifs (§8.1)"
		if d.Kind == overview.DeviationCalendar {
			kind = "calendrier (§8.3)"
		}
		sh.Rows = append(sh.Rows, []any{kind, d.Region, d.Department, d.Title, strings.Join(d.Details, " ; "), d.Justification})
	}
	return sh
}

// flagsSheet lists the departments without a call in the instruction's calendar.
func flagsSheet(ov *overview.Overview) Sheet {
	sh := Sheet{Name: "Territoires signalés", Header: []string{"Échéance", "Région", "Département", "Nature", "Détail"}}
	for _, f := range ov.TerritoriesFlagged {
		sh.Rows = append(sh.Rows, []any{Date(f.Due.In(french.Paris)), f.Region, f.Department, f.Kind, f.Message})
	}
	return sh
}

// policySheet says which instruction's rules the year follows.
func policySheet(ov *overview.Overview) Sheet {
	sh := Sheet{Name: "Instruction", Header: []string{"Année", "Règles de l'instruction", "Par défaut", "Détail"}}
	if p := ov.Policy; p != nil {
		sh.Rows = append(sh.Rows, []any{p.Year, p.RulesYear, yesNo(p.Fallback), p.Message})
	}
	return sh
}

func pct(p *float64) any {
	if p == nil {
		return nil
	}
	return Percent(*p)
}

// RetainedDossiersExport lists the dossiers retained in the year's calls.
func RetainedDossiersExport(ctx context.Context, svc *overview.Service, year int) ([]byte, error) {
	rows, err := svc.RetainedDossiers(ctx, year)
	if err != nil {
		return nil, err
	}
	sheet := Sheet{Name: "Dossiers retenus", Header: []string{"Dossier", "Région", "Département", "Appel à projets",
		"Projet", "Porteur de projet", "SIRET ou RNA", "Thème", "Montant demandé (€)", "Montant accordé (€)", "Décision le"}}
	for _, r := range rows {
		region, dep := overview.RegionOf(r.Level, r.Territory)
		sheet.Rows = append(sheet.Rows, []any{r.Reference, territory.RegionName(region), territory.DepartmentName(dep), r.CampaignTitle, r.Title,
			r.AssociationName, r.AssociationKey, models.ThemeLabel(r.Theme), Euros(r.RequestedCents),
			Euros(r.GrantedCents), dateCell(r.DecidedAt)})
	}
	return Write(sheet)
}

// ConventionsExport lists the conventions of the year's calls with their state and dates.
func ConventionsExport(ctx context.Context, svc *overview.Service, year int) ([]byte, error) {
	rows, err := svc.Conventions(ctx, year)
	if err != nil {
		return nil, err
	}
	sheet := Sheet{Name: "Conventions", Header: []string{"Référence", "Dossier", "Région", "Département", "Appel à projets",
		"Porteur de projet", "Projet", "Montant (€)", "État", "Envoyée le", "Signée le", "Caduque le"}}
	for _, r := range rows {
		region, dep := overview.RegionOf(r.Level, r.Territory)
		created := r.CreatedAt
		sheet.Rows = append(sheet.Rows, []any{r.Reference, r.Dossier, territory.RegionName(region), territory.DepartmentName(dep), r.CampaignTitle,
			r.AssociationName, r.Title, Euros(r.GrantedCents), models.ConventionLabel(r.State),
			dateCell(&created), dateCell(r.SignedAt), dateCell(r.LapsedAt)})
	}
	return Write(sheet)
}

// dateCell is the Paris calendar date of an instant, or an empty cell.
func dateCell(t *time.Time) any {
	if t == nil {
		return nil
	}
	return Date(t.In(french.Paris))
}
