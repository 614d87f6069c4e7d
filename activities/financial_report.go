package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// FinancialReportPlan is when a signed convention's comptes-rendus financiers are
// due and when its association is reminded, from its campaign's policy.
type FinancialReportPlan struct {
	ConventionID string
	// FiscalYear, DueAt and Received are the first report's: an annual convention's only one.
	FiscalYear int
	DueAt      time.Time
	// RemindersBefore each due date, furthest first; RemindersAfter it, nearest first.
	RemindersBefore []time.Duration
	RemindersAfter  []time.Duration
	// Received: the report arrived before the workflow started waiting for it.
	Received bool
	// Tranches are a CPO's reports, one per yearly tranche, the first included
	// (§8.2, §8.4); empty for an annual convention.
	Tranches []TrancheReport
}

// TrancheReport is the compte-rendu financier of one yearly tranche of a CPO.
type TrancheReport struct {
	Tranche    int // 1, 2, 3
	FiscalYear int // the tranche's year
	DueAt      time.Time
	Received   bool
}

// Reports are the reports the plan follows: a CPO's tranches, or the one report.
func (p FinancialReportPlan) Reports() []TrancheReport {
	if len(p.Tranches) > 0 {
		return p.Tranches
	}
	return []TrancheReport{{FiscalYear: p.FiscalYear, DueAt: p.DueAt, Received: p.Received}}
}

// PlanFinancialReport records that the signed convention owes its comptes-rendus
// financiers (Cerfa n° 15059*02, §8.4) and returns their due dates and reminders.
// A report accounts for the subsidy's year, a CPO's one for each yearly tranche;
// each is due months_after_fiscal_year_end after the end of the structure's
// exercice of its year, at the end of that Paris day (convention.Data.Reports;
// the demo policy: due_after_signature after the signature, per tranche).
func (a *Activities) PlanFinancialReport(ctx context.Context, ref ApplicationRef) (FinancialReportPlan, error) {
	app, c, conv, err := a.conventionOf(ctx, ref.ApplicationID)
	if err != nil {
		return FinancialReportPlan{}, err
	}
	f := c.Policy.FinancialReport
	plan := FinancialReportPlan{ConventionID: conv.ID}
	for i, expected := range convention.ExpectedReports(app, c, conv) {
		report, err := a.FinancialReports.Expect(ctx, expected)
		if err != nil {
			return FinancialReportPlan{}, err
		}
		if i == 0 {
			plan.FiscalYear, plan.DueAt, plan.Received = report.FiscalYear, report.DueAt, report.ReceivedAt != nil
		}
		if report.Tranche > 0 {
			plan.Tranches = append(plan.Tranches, TrancheReport{Tranche: report.Tranche, FiscalYear: report.FiscalYear,
				DueAt: report.DueAt, Received: report.ReceivedAt != nil})
		}
	}
	for _, d := range f.RemindersBefore {
		plan.RemindersBefore = append(plan.RemindersBefore, time.Duration(d))
	}
	for _, d := range f.RemindersAfter {
		plan.RemindersAfter = append(plan.RemindersAfter, time.Duration(d))
	}
	return plan, nil
}

// FinancialReportRef names one step of a compte-rendu financier's follow-up.
type FinancialReportRef struct {
	ApplicationRef
	ConventionID string
	// FiscalYear is the report's year (0: the convention's first, as before CPO tranches
	// were followed); Tranche its number in a CPO (0: an annual convention).
	FiscalYear int
	Tranche    int
	DueAt      time.Time
	// Reminder is the reminder's number (1, 2…, those before the due date first); Overdue after the due date.
	Reminder int
	Overdue  bool
	// At is when the workflow took the step (the .ics's stamp).
	At time.Time
}

// RemindFinancialReport reminds the association to send its compte-rendu
// financier, with the due date as an .ics; nothing is sent once it is received.
func (a *Activities) RemindFinancialReport(ctx context.Context, ref FinancialReportRef) error {
	report, err := a.reportOf(ctx, ref)
	if err != nil {
		return err
	}
	if report.ReceivedAt != nil {
		return nil
	}
	return a.financialReportEmail(ctx, ref, report, mail.TemplateFinancialReportReminder, ref.purpose(fmt.Sprintf("financial-report-reminder-%d/porteur", ref.Reminder)), false)
}

// reportOf is the report a step follows: its year's, or the convention's first.
func (a *Activities) reportOf(ctx context.Context, ref FinancialReportRef) (*models.FinancialReport, error) {
	if ref.FiscalYear == 0 {
		reports, err := a.FinancialReports.OfConvention(ctx, ref.ConventionID)
		if err != nil {
			return nil, err
		}
		if len(reports) == 0 {
			return nil, storeError(store.ErrNotFound)
		}
		return &reports[0], nil
	}
	report, err := a.FinancialReports.ByConvention(ctx, ref.ConventionID, ref.FiscalYear)
	return report, storeError(err)
}

// purpose keys a step's email: a CPO tranche's own, an annual convention's as before.
func (ref FinancialReportRef) purpose(key string) string {
	if ref.Tranche == 0 {
		return key
	}
	return fmt.Sprintf("tranche-%d/%s", ref.FiscalYear, key)
}

// RecordFinancialReportMissing records the report missing once the last
// reminder has passed without it (the history the renewal reads), and tells the
// association and the correspondent; it answers whether it was missing.
func (a *Activities) RecordFinancialReportMissing(ctx context.Context, ref FinancialReportRef) (bool, error) {
	report, err := a.reportOf(ctx, ref)
	if err != nil {
		return false, err
	}
	missing, err := a.FinancialReports.RecordMissing(ctx, ref.ConventionID, report.FiscalYear, ref.At)
	if err != nil || !missing {
		return false, storeError(err)
	}
	if err := a.financialReportEmail(ctx, ref, report, mail.TemplateFinancialReportMissing, ref.purpose("financial-report-missing/porteur"), false); err != nil {
		return true, err
	}
	if err := a.financialReportEmail(ctx, ref, report, mail.TemplateFinancialReportMissing, ref.purpose("financial-report-missing/correspondent"), true); err != nil {
		return true, err
	}
	return true, a.recheckPendingRenewals(ctx, ref.ApplicationID)
}

// recheckPendingRenewals runs the renewal check on the association's dossiers
// already filed and not yet decided: the report missing now blocks them, and
// their porteur is told at once rather than discovering it at the selection.
// The check records each block and its email once, so a retry repeats nothing.
func (a *Activities) recheckPendingRenewals(ctx context.Context, applicationID string) error {
	app, err := a.Applications.Get(ctx, applicationID)
	if err != nil {
		return storeError(err)
	}
	pending, err := a.Applications.Pending(ctx, app.AssociationKey)
	if err != nil {
		return err
	}
	for _, p := range pending {
		if _, err := a.CheckRenewal(ctx, ApplicationRef{ApplicationID: p.ID, WorkflowID: p.WorkflowID}); err != nil {
			return fmt.Errorf("renewal check of dossier %s: %w", p.ID, err)
		}
	}
	return nil
}

func (a *Activities) financialReportEmail(ctx context.Context, ref FinancialReportRef, report *models.FinancialReport, template, purposeKey string, toCorrespondent bool) error {
	app, c, conv, err := a.conventionOf(ctx, ref.ApplicationID)
	if err != nil {
		return err
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	data := mail.FinancialReportData{
		ApplicationID: app.ID, DossierReference: app.Reference, Reference: conv.Reference, AssociationName: app.AssociationName, ProjectTitle: app.Title,
		CampaignTitle: c.Title, TerritoryLabel: label, GrantedCents: conv.GrantedCents, FiscalYear: c.Year,
		Tranche: report.Tranche, TrancheYear: report.FiscalYear, TrancheCents: report.AmountCents,
		DueAt: ref.DueAt, Reminder: ref.Reminder, Overdue: ref.Overdue, ForCorrespondent: toCorrespondent,
	}
	env := mail.Envelope{Key: ref.WorkflowID + "/" + purposeKey, Purpose: template, CampaignID: c.ID, To: c.ContactEmail}
	if !toCorrespondent {
		data.ReplyTo, data.SenderLabel = c.ContactEmail, "au correspondant intégration, "+label
		env.To, env.ReplyTo = app.AssociationEmail, c.ContactEmail
	}
	if template == mail.TemplateFinancialReportReminder {
		// Valid beyond the last reminder: after the due date the report is still awaited.
		expires := ref.DueAt
		if ref.At.After(expires) {
			expires = ref.At
		}
		if data.ReportLink, err = a.associationLink(auth.LinkDossier, app.ID, expires.Add(linkLife)); err != nil {
			return err
		}
	} else if !toCorrespondent {
		if data.DossierLink, err = a.dossierLink(app, time.Now()); err != nil {
			return err
		}
	}
	if env.Content, err = mail.Render(template, data); err != nil {
		return err
	}
	if template == mail.TemplateFinancialReportReminder && !ref.Overdue {
		due := mail.Deadline{
			UID:         reportEventUID(ref.WorkflowID, report), // the same event as the signature's confirmation
			Summary:     "Compte-rendu financier (Cerfa n° 15059*02) : " + app.Title + trancheSuffix(report),
			Description: "Date limite d'envoi du compte-rendu financier " + reportOfConvention(report, conv.Reference) + ".",
			Day:         policy.DateOf(ref.DueAt),
		}
		if env.Attachment, err = a.Outbox.CalendarFile(ctx, "compte-rendu-financier.ics", due, ref.At); err != nil {
			return err
		}
	}
	if toCorrespondent {
		return deliveryError(a.Outbox.Deliver(ctx, env))
	}
	return a.deliverToPorteur(ctx, env, app, c, "rappel du compte-rendu financier")
}

// reportEventUID is the .ics event of a report's due date: an annual convention's
// (or a CPO's first tranche's) as before, each later tranche its own.
func reportEventUID(workflowID string, r *models.FinancialReport) string {
	if r.Tranche <= 1 {
		return workflowID + "/financial-report@aap"
	}
	return fmt.Sprintf("%s/financial-report-%d@aap", workflowID, r.FiscalYear)
}

// trancheSuffix names a CPO tranche in a title: « (tranche 2028) ».
func trancheSuffix(r *models.FinancialReport) string {
	if r.Tranche == 0 {
		return ""
	}
	return fmt.Sprintf(" (tranche %d)", r.FiscalYear)
}

// reportOfConvention says whose report it is: « de la convention X », or « de la
// tranche 2028 de la convention pluriannuelle X ».
func reportOfConvention(r *models.FinancialReport, reference string) string {
	if r.Tranche == 0 {
		return "de la convention " + reference
	}
	return fmt.Sprintf("de la tranche %d de la convention pluriannuelle %s", r.FiscalYear, reference)
}
