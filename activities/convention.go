package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/auth"

	"github.com/google/uuid"

	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// ConventionPlan is the signature schedule of a convention, from its campaign's policy.
type ConventionPlan struct {
	ConventionID           string
	RemindersAfter         []time.Duration
	WarnCorrespondentAfter time.Duration
	LapseAfter             time.Duration
}

// PrepareConvention draws up the retained dossier's convention (once) with the
// terms of its campaign's policy, and returns its signature schedule.
func (a *Activities) PrepareConvention(ctx context.Context, ref ApplicationRef) (ConventionPlan, error) {
	app, c, err := a.dossier(ctx, ref.ApplicationID)
	if err != nil {
		return ConventionPlan{}, err
	}
	p := c.Policy
	year := c.Year
	pneClose := time.Now().AddDate(0, 6, 0) // the demo policy has no calendar
	if !p.Calendar.PNEClose.IsZero() {
		// The funded year is evaluated by the next year's questionnaire (§8.4).
		pneClose = p.Calendar.PNEClose.In(year + 1).EndOfDay()
	}
	conv, err := a.Conventions.Ensure(ctx, &models.Convention{
		ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: c.ID,
		Reference: fmt.Sprintf("CONV-%d-%s-%s", year, c.Territory, strings.ToUpper(app.ID[:8])),
		Kind:      kindOf(app), Tranches: app.CPOTranches, GrantedCents: app.GrantedCents, PNECloseDate: pneClose,
		FiscalYearEnd:         subsidyFiscalYearEnd(app, p, year),
		FinancialReportMonths: p.FinancialReport.MonthsAfterFiscalYearEnd,
		State:                 models.ConventionAwaitingSignature,
	})
	if err != nil {
		return ConventionPlan{}, err
	}
	plan := ConventionPlan{
		ConventionID:           conv.ID,
		WarnCorrespondentAfter: time.Duration(p.Convention.WarnCorrespondentAfter),
		LapseAfter:             time.Duration(p.Convention.LapseAfter),
	}
	for _, r := range p.Convention.RemindersAfter {
		plan.RemindersAfter = append(plan.RemindersAfter, time.Duration(r))
	}
	return plan, nil
}

// subsidyFiscalYearEnd is the end of the exercice the convention's compte-rendu financier
// follows (§8.4): the association's, as given when filing, else the policy's (31 December),
// for the subsidy granted at the decision (now when the dossier has none recorded).
func subsidyFiscalYearEnd(app *models.Application, p policy.Policy, year int) time.Time {
	granted := time.Now()
	if app.DecidedAt != nil {
		granted = *app.DecidedAt
	}
	return convention.SubsidyFiscalYearEnd(app.FiscalYearEnd, p.Convention.FiscalYearEnd.In(year).EndOfDay(), year, granted)
}

// ConventionRef names a convention's step: which dossier, when it was sent, when it lapses, which reminder.
type ConventionRef struct {
	ApplicationRef
	SentAt   time.Time
	LapseAt  time.Time
	Reminder int
}

// SendConventionForSignature emails the convention (PDF attached) to the porteur de projet.
func (a *Activities) SendConventionForSignature(ctx context.Context, ref ConventionRef) error {
	return a.conventionEmail(ctx, ref, mail.TemplateConventionToSign, "convention-to-sign/porteur", false, true)
}

// RemindConventionSignature reminds the porteur de projet to sign (reminder n° ref.Reminder).
func (a *Activities) RemindConventionSignature(ctx context.Context, ref ConventionRef) error {
	return a.conventionEmail(ctx, ref, mail.TemplateConventionReminder, fmt.Sprintf("convention-reminder-%d/porteur", ref.Reminder), false, false)
}

// WarnConventionUnsigned warns the correspondent that the convention is still unsigned.
func (a *Activities) WarnConventionUnsigned(ctx context.Context, ref ConventionRef) error {
	return a.conventionEmail(ctx, ref, mail.TemplateConventionUnsigned, "convention-unsigned/correspondent", true, false)
}

// LapseConvention records the unsigned convention as lapsed and tells both the
// porteur de projet and the correspondent.
func (a *Activities) LapseConvention(ctx context.Context, ref ConventionRef) error {
	conv, err := a.Conventions.ByApplication(ctx, ref.ApplicationID)
	if err != nil {
		return storeError(err)
	}
	if err := a.Conventions.RecordLapsed(ctx, conv.ID, ref.LapseAt); err != nil {
		return storeError(err)
	}
	if err := a.conventionEmail(ctx, ref, mail.TemplateConventionLapsed, "convention-lapsed/porteur", false, false); err != nil {
		return err
	}
	return a.conventionEmail(ctx, ref, mail.TemplateConventionLapsed, "convention-lapsed/correspondent", true, false)
}

// ConfirmConventionSigned tells the association (with the compte-rendu
// financier's due date as an .ics) and the correspondent that the convention is signed.
func (a *Activities) ConfirmConventionSigned(ctx context.Context, ref ConventionRef) error {
	if err := a.conventionEmail(ctx, ref, mail.TemplateConventionSigned, "convention-signed/porteur", false, false); err != nil {
		return err
	}
	return a.conventionEmail(ctx, ref, mail.TemplateConventionSigned, "convention-signed/correspondent", true, false)
}

// SignatureRecord is a convention's signature and who sent it.
type SignatureRecord struct {
	ConventionID string
	SignedBy     string
	At           time.Time
	// Actor is the caller the audit entry names (the token's name, or the
	// association through its link); empty: the workflow.
	Actor models.Actor
}

// RecordConventionSigned writes the signature and its audit entry in one
// transaction, while the convention awaits it; once it does not (another
// signature won, or it lapsed) the error is non-retryable (ErrTypeConflict).
func (a *Activities) RecordConventionSigned(ctx context.Context, in SignatureRecord) error {
	return storeError(a.Conventions.RecordSigned(withActor(ctx, in.Actor), in.ConventionID, in.SignedBy, in.At))
}

func (a *Activities) conventionEmail(ctx context.Context, ref ConventionRef, template, purposeKey string, toCorrespondent, attachPDF bool) error {
	app, c, conv, err := a.conventionOf(ctx, ref.ApplicationID)
	if err != nil {
		return err
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	data := mail.ConventionData{
		ApplicationID: app.ID, DossierReference: app.Reference, Reference: conv.Reference, AssociationName: app.AssociationName, ProjectTitle: app.Title,
		CampaignTitle: c.Title, TerritoryLabel: label, GrantedCents: conv.GrantedCents, SentAt: ref.SentAt,
		LapseAt: ref.LapseAt, Reminder: ref.Reminder, ForCorrespondent: toCorrespondent,
		PNECloseDate: conv.PNECloseDate, FinancialReportDue: convention.FromRecords(app, c, conv).FinancialReportDue(),
	}
	env := mail.Envelope{Key: ref.WorkflowID + "/" + purposeKey, Purpose: template, CampaignID: c.ID, To: c.ContactEmail}
	if !toCorrespondent {
		data.ReplyTo, data.SenderLabel = c.ContactEmail, "au correspondant intégration, "+label
		env.To, env.ReplyTo = app.AssociationEmail, c.ContactEmail
	}
	if !toCorrespondent && (template == mail.TemplateConventionToSign || template == mail.TemplateConventionReminder) {
		if data.SignLink, err = a.associationLink(auth.LinkDossier, app.ID, ref.LapseAt); err != nil {
			return err
		}
	} else if !toCorrespondent {
		// Signed: valid until after the compte-rendu financier's due date; lapsed: for a while.
		from := time.Now()
		if template == mail.TemplateConventionSigned {
			from = data.FinancialReportDue
		}
		if data.DossierLink, err = a.dossierLink(app, from); err != nil {
			return err
		}
	}
	if env.Content, err = mail.Render(template, data); err != nil {
		return err
	}
	if template == mail.TemplateConventionSigned && !toCorrespondent {
		due := mail.Deadline{
			UID:         ref.WorkflowID + "/financial-report@aap",
			Summary:     "Compte-rendu financier (Cerfa n° 15059*02) : " + app.Title,
			Description: "Date limite d'envoi du compte-rendu financier de la convention " + conv.Reference + ".",
			Day:         policy.DateOf(data.FinancialReportDue),
		}
		if env.Attachment, err = a.Outbox.CalendarFile(ctx, "compte-rendu-financier.ics", due, ref.SentAt); err != nil {
			return err
		}
	}
	if attachPDF {
		pdf, err := convention.FromRecords(app, c, conv).PDF()
		if err != nil {
			return fmt.Errorf("convention %s: %w", conv.Reference, err)
		}
		env.Attachment = &mail.Attachment{Name: "convention-" + conv.Reference + ".pdf", ContentType: "application/pdf", Data: pdf}
	}
	if toCorrespondent {
		return deliveryError(a.Outbox.Deliver(ctx, env))
	}
	return a.deliverToPorteur(ctx, env, app, c, "courriel relatif à la convention")
}

// kindOf: a dossier granted yearly tranches gets a multi-year CPO, the others an annual convention.
func kindOf(app *models.Application) string {
	if len(app.CPOTranches) > 0 {
		return convention.CPO
	}
	return convention.Annual
}
