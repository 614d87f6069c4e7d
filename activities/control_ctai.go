package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// notifyCTAIControlPlanned emails the date of the control of an association a
// CTAI funded (§8.5) to the collectivité: the bilan names the association but
// gives no address, and the collectivité, which funded it, relays the date. The
// correspondent who instructs the CTAI receives the replies. Once per control and date.
func (a *Activities) notifyCTAIControlPlanned(ctx context.Context, n ControlNotice, ctl *models.Control) error {
	r, err := a.CTAI.Get(ctx, ctl.CTAIRequestID)
	if err != nil {
		return storeError(err)
	}
	day, err := time.ParseInLocation(time.DateOnly, ctl.PlannedOn, french.Paris)
	if err != nil {
		return fmt.Errorf("control %s: planned date %q: %w", ctl.ID, ctl.PlannedOn, err)
	}
	label := territory.Label(r.Territory, false)
	content, err := mail.Render(mail.TemplateControlPlanned, mail.ControlPlannedData{
		ControlID: ctl.ID, AssociationName: ctl.AssociationName, CollectiviteName: r.CollectiviteName,
		TerritoryLabel: label, PlannedOn: day, Controller: ctl.Controller,
		ReplyTo: r.CorrespondentEmail, SenderLabel: "au correspondant intégration, " + label,
	})
	if err != nil {
		return err
	}
	visit := mail.Deadline{
		UID:         "control-" + ctl.ID + "@aap", // a new date moves the same event in the agenda
		Summary:     "Contrôle sur place : " + ctl.AssociationName + " (CTAI " + r.CollectiviteName + ")",
		Description: "Contrôle sur place de l'utilisation des crédits reçus via le CTAI (§8.5 de l'instruction annuelle).",
		Day:         policy.DateOf(day),
	}
	err = a.Outbox.Deliver(ctx, mail.Envelope{
		Key:     n.WorkflowID + "/control-planned/" + ctl.ID + "/" + ctl.PlannedOn,
		Purpose: mail.TemplateControlPlanned, To: r.CollectiviteEmail, ReplyTo: r.CorrespondentEmail, Content: content,
		Attachment: &mail.Attachment{Name: "controle-sur-place.ics", ContentType: "text/calendar", Data: visit.ICS(ctl.CreatedAt)},
	})
	if err != nil && mail.IsPermanent(err) {
		// No dossier to flag on: the correspondent plans the visit with the collectivité directly.
		a.Logger.Warn("CTAI control announcement refused", "control", ctl.ID, "error", err)
		return nil
	}
	return deliveryError(err)
}
