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
	"github.com/dian-p104/aap/models"
)

// FinancialReportPlan is when a signed convention's compte-rendu financier is
// due and when its association is reminded, from its campaign's policy.
type FinancialReportPlan struct {
	ConventionID string
	FiscalYear   int
	DueAt        time.Time
	// RemindersBefore the due date, furthest first; RemindersAfter it, nearest first.
	RemindersBefore []time.Duration
	RemindersAfter  []time.Duration
	// Received: the report arrived before the workflow started waiting for it.
	Received bool
}

// PlanFinancialReport records that the signed convention owes its compte-rendu
// financier (Cerfa n° 15059*02, §8.4) and returns its due date and reminders.
// The report accounts for the subsidy's year (for a CPO, its first year's
// tranche); it is due months_after_fiscal_year_end after the fiscal year's end,
// at the end of that Paris day (the demo policy: due_after_signature after the signature).
func (a *Activities) PlanFinancialReport(ctx context.Context, ref ApplicationRef) (FinancialReportPlan, error) {
	app, c, conv, err := a.conventionOf(ctx, ref.ApplicationID)
	if err != nil {
		return FinancialReportPlan{}, err
	}
	f := c.Policy.FinancialReport
	report, err := a.FinancialReports.Expect(ctx, convention.ExpectedReport(app, c, conv))
	if err != nil {
		return FinancialReportPlan{}, err
	}
	plan := FinancialReportPlan{ConventionID: conv.ID, FiscalYear: report.FiscalYear, DueAt: report.DueAt, Received: report.ReceivedAt != nil}
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
	DueAt        time.Time
	// Reminder is the reminder's number (1, 2…, those before the due date first); Overdue after the due date.
	Reminder int
	Overdue  bool
	// At is when the workflow took the step (the .ics's stamp).
	At time.Time
}

// RemindFinancialReport reminds the association to send its compte-rendu
// financier, with the due date as an .ics; nothing is sent once it is received.
func (a *Activities) RemindFinancialReport(ctx context.Context, ref FinancialReportRef) error {
	report, err := a.FinancialReports.ByConvention(ctx, ref.ConventionID)
	if err != nil {
		return storeError(err)
	}
	if report.ReceivedAt != nil {
		return nil
	}
	return a.financialReportEmail(ctx, ref, mail.TemplateFinancialReportReminder, fmt.Sprintf("financial-report-reminder-%d/porteur", ref.Reminder), false)
}

// RecordFinancialReportMissing records the report missing once the last
// reminder has passed without it (the history the renewal reads), and tells the
// association and the correspondent; it answers whether it was missing.
func (a *Activities) RecordFinancialReportMissing(ctx context.Context, ref FinancialReportRef) (bool, error) {
	missing, err := a.FinancialReports.RecordMissing(ctx, ref.ConventionID, ref.At)
	if err != nil || !missing {
		return false, storeError(err)
	}
	if err := a.financialReportEmail(ctx, ref, mail.TemplateFinancialReportMissing, "financial-report-missing/porteur", false); err != nil {
		return true, err
	}
	if err := a.financialReportEmail(ctx, ref, mail.TemplateFinancialReportMissing, "financial-report-missing/correspondent", true); err != nil {
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

func (a *Activities) financialReportEmail(ctx context.Context, ref FinancialReportRef, template, purposeKey string, toCorrespondent bool) error {
	app, c, conv, err := a.conventionOf(ctx, ref.ApplicationID)
	if err != nil {
		return err
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	data := mail.FinancialReportData{
		ApplicationID: app.ID, DossierReference: app.Reference, Reference: conv.Reference, AssociationName: app.AssociationName, ProjectTitle: app.Title,
		CampaignTitle: c.Title, TerritoryLabel: label, GrantedCents: conv.GrantedCents, FiscalYear: c.Year,
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
			UID:         ref.WorkflowID + "/financial-report@aap", // the same event as the signature's confirmation
			Summary:     "Compte-rendu financier (Cerfa n° 15059*02) : " + app.Title,
			Description: "Date limite d'envoi du compte-rendu financier de la convention " + conv.Reference + ".",
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
