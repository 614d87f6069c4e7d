package activities

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

// ControlRef names a region's controls of a year and their workflow; the
// controls are read from the database, never carried in the history.
type ControlRef struct {
	Year       int
	Region     string
	WorkflowID string
}

// ControlNotice asks to tell the association the date of its control.
type ControlNotice struct {
	ControlRef
	ControlID string
}

// NotifyControlPlanned emails the association the date of its control, with
// the visit as an .ics for its agenda; once per control and date.
func (a *Activities) NotifyControlPlanned(ctx context.Context, n ControlNotice) error {
	ctl, err := a.Controls.Get(ctx, n.ControlID)
	if err != nil {
		return storeError(err)
	}
	if ctl.IsCTAI() {
		return a.notifyCTAIControlPlanned(ctx, n, ctl)
	}
	conv, err := a.Conventions.Get(ctx, ctl.ConventionID)
	if err != nil {
		return storeError(err)
	}
	app, c, err := a.dossier(ctx, conv.ApplicationID)
	if err != nil {
		return err
	}
	day, err := time.ParseInLocation(time.DateOnly, ctl.PlannedOn, french.Paris)
	if err != nil {
		return fmt.Errorf("control %s: planned date %q: %w", ctl.ID, ctl.PlannedOn, err)
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	data := mail.ControlPlannedData{
		ControlID: ctl.ID, Reference: conv.Reference, AssociationName: app.AssociationName, ProjectTitle: app.Title,
		TerritoryLabel: label, PlannedOn: day, Controller: ctl.Controller,
		ReplyTo: c.ContactEmail, SenderLabel: "au correspondant intégration, " + label,
	}
	content, err := mail.Render(mail.TemplateControlPlanned, data)
	if err != nil {
		return err
	}
	visit := mail.Deadline{
		UID:         "control-" + ctl.ID + "@aap", // a new date moves the same event in the agenda
		Summary:     "Contrôle sur place : convention " + conv.Reference,
		Description: "Contrôle sur place de l'action « " + app.Title + " » (§8.5 de l'instruction annuelle).",
		Day:         policy.DateOf(day),
	}
	env := mail.Envelope{
		Key:     n.WorkflowID + "/control-planned/" + ctl.ID + "/" + ctl.PlannedOn,
		Purpose: mail.TemplateControlPlanned, CampaignID: c.ID, To: app.AssociationEmail, ReplyTo: c.ContactEmail,
		Content: content, Attachment: &mail.Attachment{Name: "controle-sur-place.ics", ContentType: "text/calendar", Data: visit.ICS(ctl.CreatedAt)},
	}
	return a.deliverToPorteur(ctx, env, app, c, "annonce du contrôle sur place")
}

// SynthesisReminder is one reminder of a region's synthesis to its correspondents.
type SynthesisReminder struct {
	ControlRef
	DueAt    time.Time
	Reminder int
}

// RemindControlSynthesis reminds each correspondent of the region's calls of
// the year that the synthesis of the controls is due, with the date as an .ics.
// It returns how many were reminded.
func (a *Activities) RemindControlSynthesis(ctx context.Context, r SynthesisReminder) (int, error) {
	lines, err := a.Controls.SynthesisLines(ctx, r.Year, r.Region)
	if err != nil {
		return 0, err
	}
	corr, err := a.Controls.Correspondents(ctx, r.Year, r.Region)
	if err != nil {
		return 0, err
	}
	t := control.Count(lines)
	content, err := mail.Render(mail.TemplateControlSynthesisReminder, mail.ControlSynthesisReminderData{
		RegionLabel: territory.Label(r.Region, true), Year: r.Year, DueAt: r.DueAt, Reminder: r.Reminder,
		Planned: t.Planned, Done: t.Done,
	})
	if err != nil {
		return 0, err
	}
	due := &mail.Attachment{Name: "synthese-controles.ics", ContentType: "text/calendar", Data: mail.Deadline{
		UID:         r.WorkflowID + "/synthesis@aap",
		Summary:     fmt.Sprintf("Synthèse régionale des contrôles sur place %d", r.Year),
		Description: "Date d'envoi à la DIAN de la synthèse régionale des contrôles sur place (§8.5).",
		Day:         policy.DateOf(r.DueAt),
	}.ICS(r.DueAt)}
	for _, c := range corr {
		err := a.Outbox.Deliver(ctx, mail.Envelope{
			Key:     fmt.Sprintf("%s/synthesis-reminder-%d/campaign-%s", r.WorkflowID, r.Reminder, c.CampaignID),
			Purpose: mail.TemplateControlSynthesisReminder, CampaignID: c.CampaignID, To: c.Email, Content: content, Attachment: due,
		})
		if err != nil && mail.IsPermanent(err) {
			a.Logger.Warn("control synthesis reminder refused", "campaign", c.CampaignID, "error", err)
			continue // another correspondent may still be reached
		}
		if err != nil {
			return 0, err
		}
	}
	return len(corr), nil
}

// SynthesisSending asks to send a region's synthesis to DIAN; Supplement
// numbers a supplementary one (1, 2…), 0 the synthesis itself.
type SynthesisSending struct {
	ControlRef
	DueAt      time.Time
	Supplement int
}

// SynthesisSummary counts what the synthesis sent held.
type SynthesisSummary struct {
	Controls int
	Done     int
	// Open counts the controls not held and the follow-ups not closed.
	Open int
}

// SendControlSynthesis generates the region's synthesis of the year's controls
// (XLSX) and emails it to DIAN, once, then records it sent.
func (a *Activities) SendControlSynthesis(ctx context.Context, s SynthesisSending) (SynthesisSummary, error) {
	sum, err := a.emailSynthesis(ctx, s, time.Time{})
	if err != nil {
		return SynthesisSummary{}, err
	}
	dueOn := policy.DateOf(s.DueAt)
	if err := a.Controls.RecordSynthesisSent(ctx, s.Year, s.Region,
		fmt.Sprintf("%04d-%02d-%02d", dueOn.Year, dueOn.Month, dueOn.Day), sum.Controls, time.Now()); err != nil {
		return SynthesisSummary{}, err
	}
	return sum, nil
}

// SendSupplementarySynthesis emails DIAN the region's supplementary synthesis
// number s.Supplement (§8.5: controls planned, results and follow-ups recorded
// after the synthesis), once, then records it.
func (a *Activities) SendSupplementarySynthesis(ctx context.Context, s SynthesisSending) (SynthesisSummary, error) {
	syn, err := a.Controls.Synthesis(ctx, s.Year, s.Region)
	if err != nil {
		return SynthesisSummary{}, storeError(err)
	}
	var sentOn time.Time
	if syn.SentAt != nil {
		sentOn = *syn.SentAt
	}
	sum, err := a.emailSynthesis(ctx, s, sentOn)
	if err != nil {
		return SynthesisSummary{}, err
	}
	if err := a.Controls.RecordSupplementSent(ctx, s.Year, s.Region, s.Supplement, sum.Controls, time.Now()); err != nil {
		return SynthesisSummary{}, err
	}
	return sum, nil
}

// emailSynthesis emails DIAN the region's synthesis (a supplement when
// s.Supplement > 0) with its workbook, once per number.
func (a *Activities) emailSynthesis(ctx context.Context, s SynthesisSending, sentOn time.Time) (SynthesisSummary, error) {
	lines, err := a.Controls.SynthesisLines(ctx, s.Year, s.Region)
	if err != nil {
		return SynthesisSummary{}, err
	}
	data, err := workbook.ControlSynthesis(s.Year, s.Region, lines)
	if err != nil {
		return SynthesisSummary{}, err
	}
	t := control.Count(lines)
	name, key := workbook.ControlSynthesisFileName(s.Year, s.Region), s.WorkflowID+"/synthesis/dian"
	if s.Supplement > 0 {
		name = strings.TrimSuffix(name, ".xlsx") + fmt.Sprintf("-complement-%d.xlsx", s.Supplement)
		key = fmt.Sprintf("%s/supplement-%d", key, s.Supplement)
	}
	content, err := mail.Render(mail.TemplateControlSynthesis, mail.ControlSynthesisData{
		RegionLabel: territory.Label(s.Region, true), Year: s.Year, DueAt: s.DueAt, Planned: t.Planned, Done: t.Done,
		Compliant: t.Compliant, NonCompliant: t.NonCompliant, Departments: t.Departments, FollowUpsOpen: t.FollowUpsOpen,
		FollowUpsClosed: t.FollowUpsClosed, RepaymentCents: t.RepaymentCents, FileName: name,
		Supplement: s.Supplement, SentOn: sentOn,
	})
	if err != nil {
		return SynthesisSummary{}, err
	}
	err = a.Outbox.Deliver(ctx, mail.Envelope{
		Key: key, Purpose: mail.TemplateControlSynthesis, To: a.DIANEmail, Content: content,
		Attachment: &mail.Attachment{Name: name, ContentType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", Data: data},
	})
	if err != nil {
		return SynthesisSummary{}, deliveryError(err)
	}
	return SynthesisSummary{Controls: len(lines), Done: t.Done, Open: t.Open()}, nil
}

// FlagControlGaps records the departments of the region where no control was
// held by the synthesis date although a signed convention counts there, and
// tells the region's correspondents and DIAN (§8.5: « dans chaque
// département »), once. It returns how many departments were flagged.
func (a *Activities) FlagControlGaps(ctx context.Context, s SynthesisSending) (int, error) {
	dueOn := policy.DateOf(s.DueAt)
	gaps, err := a.Controls.Gaps(ctx, s.Year, s.Region, fmt.Sprintf("%04d-%02d-%02d", dueOn.Year, dueOn.Month, dueOn.Day))
	if err != nil || len(gaps) == 0 {
		return 0, err
	}
	if err := a.Controls.RecordGaps(ctx, gaps); err != nil {
		return 0, err
	}
	data := mail.ControlGapsData{RegionLabel: territory.Label(s.Region, true), Year: s.Year, DueAt: s.DueAt}
	for _, g := range gaps {
		data.Gaps = append(data.Gaps, mail.ControlGapLine{DepartmentLabel: territory.Label(g.Department, false),
			Candidates: g.Candidates, Planned: g.Planned})
	}
	content, err := mail.Render(mail.TemplateControlGaps, data)
	if err != nil {
		return 0, err
	}
	corr, err := a.Controls.Correspondents(ctx, s.Year, s.Region)
	if err != nil {
		return 0, err
	}
	to := []mail.Envelope{{Key: s.WorkflowID + "/control-gaps/dian", Purpose: mail.TemplateControlGaps, To: a.DIANEmail, Content: content}}
	for _, c := range corr {
		to = append(to, mail.Envelope{Key: s.WorkflowID + "/control-gaps/campaign-" + c.CampaignID,
			Purpose: mail.TemplateControlGaps, CampaignID: c.CampaignID, To: c.Email, Content: content})
	}
	for _, env := range to {
		err := a.Outbox.Deliver(ctx, env)
		if err != nil && mail.IsPermanent(err) {
			a.Logger.Warn("control gaps not delivered", "campaign", env.CampaignID, "error", err)
			continue // the others may still be reached
		}
		if err != nil {
			return 0, err
		}
	}
	return len(gaps), nil
}
