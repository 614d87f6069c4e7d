package activities

import (
	"context"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// PhaseChange records that a campaign entered a phase.
type PhaseChange struct {
	CampaignID string
	Phase      string
	At         time.Time
}

// RecordCampaignPhase writes the campaign's new phase, read by the API's lists.
func (a *Activities) RecordCampaignPhase(ctx context.Context, in PhaseChange) error {
	return storeError(a.Campaigns.RecordPhase(ctx, in.CampaignID, in.Phase, in.At))
}

// CampaignRef names a campaign and its workflow; activities read the rest from
// the database, so no personal data rides in workflow histories.
type CampaignRef struct {
	CampaignID string
	WorkflowID string
}

// NotifyCampaignPublished emails the correspondent that the call is published,
// with the closing date as an .ics attachment. Sent once per campaign.
func (a *Activities) NotifyCampaignPublished(ctx context.Context, ref CampaignRef) error {
	c, err := a.Campaigns.Get(ctx, ref.CampaignID)
	if err != nil {
		return storeError(err)
	}
	data := mail.CampaignPublishedData{
		CampaignID:     c.ID,
		Title:          c.Title,
		TerritoryLabel: territory.Label(c.Territory, c.Level == models.LevelRegional),
		Year:           c.Year,
		PublishedAt:    c.PublishAt,
		CloseAt:        c.CloseAt,
		BudgetCents:    c.BudgetCents,
		PolicyName:     c.PolicyName,
	}
	if c.PublishedAt != nil {
		data.PublishedAt = *c.PublishedAt
	}
	for _, code := range c.Themes {
		data.ThemeLabels = append(data.ThemeLabels, models.ThemeLabel(code))
	}
	content, err := mail.Render(mail.TemplateCampaignPublished, data)
	if err != nil {
		return err
	}
	key := ref.WorkflowID + "/campaign-published/correspondent"
	closing := mail.Deadline{
		UID:         ref.WorkflowID + "/close@aap",
		Summary:     "Clôture de l'appel à projets : " + c.Title,
		Description: "Dernier jour de dépôt des dossiers (" + data.TerritoryLabel + ").",
		Day:         policy.DateOf(c.CloseAt),
	}
	return deliveryError(a.Outbox.Deliver(ctx, mail.Envelope{
		Key:        key,
		Purpose:    mail.TemplateCampaignPublished,
		CampaignID: c.ID,
		To:         c.ContactEmail,
		Content:    content,
		Attachment: &mail.Attachment{Name: "cloture.ics", ContentType: "text/calendar", Data: closing.ICS(c.CreatedAt)},
	}))
}

// NotifyCampaignClosed sends the correspondent the closure summary: number of
// dossiers, amounts requested by theme, flagged dossiers. Sent once per campaign.
func (a *Activities) NotifyCampaignClosed(ctx context.Context, ref CampaignRef) error {
	c, err := a.Campaigns.Get(ctx, ref.CampaignID)
	if err != nil {
		return storeError(err)
	}
	sum, err := a.Applications.Summary(ctx, c.ID)
	if err != nil {
		return err
	}
	data := mail.CampaignClosedData{
		CampaignID: c.ID, Title: c.Title, TerritoryLabel: territory.Label(c.Territory, c.Level == models.LevelRegional),
		Year: c.Year, ClosedAt: c.CloseAt, BudgetCents: c.BudgetCents, Count: sum.Count, RequestedCents: sum.RequestedCents,
	}
	if c.ClosedAt != nil {
		data.ClosedAt = *c.ClosedAt
	}
	for _, t := range sum.ByTheme {
		data.ByTheme = append(data.ByTheme, mail.ThemeLine{Label: models.ThemeLabel(t.Theme), Count: t.Count, RequestedCents: t.RequestedCents})
	}
	for _, f := range sum.Flagged {
		data.Flagged = append(data.Flagged, mail.FlaggedLine{AssociationName: f.AssociationName, Title: f.Title, Why: flagReason(f)})
	}
	if err := a.dsRefusedLines(ctx, c, &data); err != nil {
		return err
	}
	content, err := mail.Render(mail.TemplateCampaignClosed, data)
	if err != nil {
		return err
	}
	return deliveryError(a.Outbox.Deliver(ctx, mail.Envelope{
		Key: ref.WorkflowID + "/campaign-closed/correspondent", Purpose: mail.TemplateCampaignClosed,
		CampaignID: c.ID, To: c.ContactEmail, Content: content,
	}))
}

func flagReason(a models.Application) string {
	var why []string
	if len(a.DoubleFundingWith) > 0 {
		why = append(why, "projet déposé aussi dans un autre appel de l'année (risque de double financement)")
	}
	if a.AGIRRedundant {
		why = append(why, "accompagnement global redondant avec AGIR (non finançable)")
	}
	return strings.Join(why, " ; ")
}

// NotifyCalendarDeviation reports to DIAN, at once, a call published after the end of Q1 or
// closing after 31 May, with the difficulty the correspondent wrote (§8.3: « remonter à la
// DIAN toute difficulté »). Sent once per campaign (the outbox's key).
func (a *Activities) NotifyCalendarDeviation(ctx context.Context, ref CampaignRef) error {
	c, err := a.Campaigns.Get(ctx, ref.CampaignID)
	if err != nil {
		return storeError(err)
	}
	if !c.PublishLate && !c.CloseLate {
		return nil
	}
	data := mail.CalendarDeviationData{
		CampaignID: c.ID, Title: c.Title, TerritoryLabel: territory.Label(c.Territory, c.Level == models.LevelRegional),
		Year: c.Year, PublishAt: c.PublishAt, CloseAt: c.CloseAt, PublishLate: c.PublishLate, CloseLate: c.CloseLate,
		PublishBy: c.Policy.Calendar.AAPPublishBy.In(c.Year).French(), CloseBy: c.Policy.Calendar.AAPCloseBy.In(c.Year).French(),
		Justification: c.CalendarJustification, ContactEmail: c.ContactEmail,
		ReplyTo: c.ContactEmail, SenderLabel: "au correspondant intégration, " + territory.Label(c.Territory, c.Level == models.LevelRegional),
	}
	content, err := mail.Render(mail.TemplateCalendarDeviation, data)
	if err != nil {
		return err
	}
	return deliveryError(a.Outbox.Deliver(ctx, mail.Envelope{
		Key: ref.WorkflowID + "/calendar-deviation/dian", Purpose: mail.TemplateCalendarDeviation,
		CampaignID: c.ID, To: a.DIANEmail, ReplyTo: c.ContactEmail, Content: content,
	}))
}
