package activities

import (
	"context"
	"time"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// CampaignCancellation records that a call was cancelled.
type CampaignCancellation struct {
	CampaignID string
	Reason     string
	At         time.Time
	// Actor is who cancelled the call (the audit entry's); empty: the workflow.
	Actor models.Actor
}

// RecordCampaignCancelled writes the call's cancellation and its reason.
func (a *Activities) RecordCampaignCancelled(ctx context.Context, in CampaignCancellation) error {
	return storeError(a.Campaigns.RecordCancelled(withActor(ctx, in.Actor), in.CampaignID, in.Reason, in.At))
}

// CampaignCancelled tells a dossier's workflow that its call was cancelled
// (workflows.SignalCampaignCancelled); built here, from the database.
type CampaignCancelled struct {
	Reason string
}

// DispatchCancellation signals every dossier of the call that it was cancelled
// (in.Signal); dossiers whose workflow has ended (not retained, convention
// signed) are left as they are. A dossier still deposited has a workflow that waits for
// the call's closure before its first task (its start delay), and reads the signal only
// then: it is cancelled here, and its porteur de projet told now; its workflow, at the
// closure, does it again, which changes nothing (CancelDossier is idempotent).
func (a *Activities) DispatchCancellation(ctx context.Context, in DossierSignal) error {
	c, err := a.Campaigns.Get(ctx, in.CampaignID)
	if err != nil {
		return storeError(err)
	}
	cancelled := CampaignCancelled{Reason: c.CancelReason}
	return a.signalDossiers(ctx, c.ID, in.Signal, func(ctx context.Context, app models.Application) (any, error) {
		if app.State != models.ApplicationDeposited {
			return cancelled, nil
		}
		err := a.CancelDossier(ctx, DossierCancellation{ApplicationRef: ApplicationRef{ApplicationID: app.ID, WorkflowID: app.WorkflowID}, Reason: c.CancelReason})
		if err != nil && !mail.IsPermanent(err) {
			return nil, err // the relay is down: retried, from this dossier
		}
		// Refused for good: the correspondent has been told which association (deliverToPorteur).
		return cancelled, nil
	})
}

// DossierCancellation cancels one dossier of a cancelled call.
type DossierCancellation struct {
	ApplicationRef
	Reason string
}

// CancelDossier records the dossier (and its unsigned convention) as cancelled
// and tells its porteur de projet why. Sent once.
func (a *Activities) CancelDossier(ctx context.Context, in DossierCancellation) error {
	app, c, err := a.dossier(ctx, in.ApplicationID)
	if err != nil {
		return err
	}
	if err := a.Applications.RecordState(ctx, app.ID, models.ApplicationCancelled); err != nil {
		return storeError(err)
	}
	if err := a.Conventions.CancelUnsigned(ctx, app.ID); err != nil {
		return err
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	link, err := a.dossierLink(app, time.Now())
	if err != nil {
		return err
	}
	content, err := mail.Render(mail.TemplateCampaignCancelled, mail.CampaignCancelledData{
		DossierLink: link, DossierReference: app.Reference, ApplicationID: app.ID, AssociationName: app.AssociationName, ProjectTitle: app.Title, CampaignTitle: c.Title,
		TerritoryLabel: label, Reason: in.Reason, ReplyTo: c.ContactEmail, SenderLabel: "au correspondant intégration, " + label,
	})
	if err != nil {
		return err
	}
	return a.deliverToPorteur(ctx, mail.Envelope{
		Key: in.WorkflowID + "/campaign-cancelled/porteur", Purpose: mail.TemplateCampaignCancelled,
		CampaignID: c.ID, To: app.AssociationEmail, ReplyTo: c.ContactEmail, Content: content,
	}, app, c, "annonce de l'annulation de l'appel")
}
