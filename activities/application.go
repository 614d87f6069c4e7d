package activities

import (
	"time"

	"context"

	"github.com/dian-p104/aap/internal/mail"
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
