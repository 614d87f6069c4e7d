package activities

import (
	"time"

	"context"

	"github.com/dian-p104/aap/internal/auth"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// ApplicationStateChange records a dossier's new state.
type ApplicationStateChange struct {
	ApplicationID string
	State         string
}

// RecordApplicationState writes the dossier's state, read by the API's lists.
func (a *Activities) RecordApplicationState(ctx context.Context, in ApplicationStateChange) error {
	return storeError(a.Applications.RecordState(ctx, in.ApplicationID, in.State))
}

// ApplicationRef names a dossier and its workflow.
type ApplicationRef struct {
	ApplicationID string
	WorkflowID    string
}

// AcknowledgeApplication sends the porteur de projet its accusé de réception,
// once, with what was filed and the closing date; replies go to the correspondent.
func (a *Activities) AcknowledgeApplication(ctx context.Context, ref ApplicationRef) error {
	app, c, err := a.dossier(ctx, ref.ApplicationID)
	if err != nil {
		return err
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	link, err := a.associationLink(auth.LinkDossier, app.ID, c.CloseAt.Add(linkLife))
	if err != nil {
		return err
	}
	content, err := mail.Render(mail.TemplateApplicationReceived, mail.ApplicationReceivedData{
		AcknowledgeLink: link,
		ApplicationID:   app.ID, DossierReference: app.Reference, AssociationName: app.AssociationName, ProjectTitle: app.Title,
		ThemeLabel: models.ThemeLabel(app.Theme), RequestedCents: app.RequestedCents, TotalBudgetCents: app.TotalBudgetCents,
		ReceivedAt: app.CreatedAt, CampaignTitle: c.Title, TerritoryLabel: label, CloseAt: c.CloseAt,
		ReplyTo: c.ContactEmail, SenderLabel: "au correspondant intégration, " + label,
	})
	if err != nil {
		return err
	}
	closing := mail.Deadline{
		UID:         c.WorkflowID + "/close@aap",
		Summary:     "Clôture de l'appel à projets : " + c.Title,
		Description: "Dernier jour de dépôt des dossiers (" + label + ").",
		Day:         policy.DateOf(c.CloseAt),
	}
	return a.deliverToPorteur(ctx, mail.Envelope{
		Key:        ref.WorkflowID + "/application-received/porteur",
		Purpose:    mail.TemplateApplicationReceived,
		CampaignID: c.ID,
		To:         app.AssociationEmail,
		ReplyTo:    c.ContactEmail,
		Content:    content,
		Attachment: &mail.Attachment{Name: "cloture.ics", ContentType: "text/calendar", Data: closing.ICS(app.CreatedAt)},
	}, app, c, "accusé de réception")
}

// NotifyApplicationDecided tells the porteur de projet the committee's decision:
// retained with the amount, or not retained with the reason. Sent once.
func (a *Activities) NotifyApplicationDecided(ctx context.Context, ref ApplicationRef) error {
	app, c, err := a.dossier(ctx, ref.ApplicationID)
	if err != nil {
		return err
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	link, err := a.dossierLink(app, time.Now())
	if err != nil {
		return err
	}
	content, err := mail.Render(mail.TemplateApplicationDecided, mail.ApplicationDecidedData{
		DossierLink: link, DossierReference: app.Reference,
		ApplicationID: app.ID, AssociationName: app.AssociationName, ProjectTitle: app.Title, CampaignTitle: c.Title,
		TerritoryLabel: label, Retained: app.Decision == "retenu", GrantedCents: app.GrantedCents,
		RequestedCents: app.RequestedCents, Reason: app.DecisionReason, DecisionReference: c.DecisionReference,
		ReplyTo: c.ContactEmail, SenderLabel: "au correspondant intégration, " + label,
	})
	if err != nil {
		return err
	}
	return a.deliverToPorteur(ctx, mail.Envelope{
		Key: ref.WorkflowID + "/application-decided/porteur", Purpose: mail.TemplateApplicationDecided,
		CampaignID: c.ID, To: app.AssociationEmail, ReplyTo: c.ContactEmail, Content: content,
	}, app, c, "réponse du comité de sélection")
}
