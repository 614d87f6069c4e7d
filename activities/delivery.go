package activities

import (
	"context"
	"strings"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// deliverToPorteur sends an email to a porteur de projet. When the relay
// refuses it for good (5xx, bad address), the correspondent is told which
// association could not be reached, once; the refusal is then returned.
func (a *Activities) deliverToPorteur(ctx context.Context, env mail.Envelope, app *models.Application, c *models.Campaign, what string) error {
	return a.porteurOutcome(ctx, a.Outbox.Deliver(ctx, env), env.Key, app, c, what)
}

// porteurOutcome is what the delivery of the email keyed key to a porteur de projet makes
// of its error err: a refusal for good is reported to the correspondent, then returned
// non-retryable; a relay that is down is returned as is, to be retried.
func (a *Activities) porteurOutcome(ctx context.Context, err error, key string, app *models.Application, c *models.Campaign, what string) error {
	if err == nil || !mail.IsPermanent(err) {
		return deliveryError(err)
	}
	if noticeErr := a.reportUndeliverable(ctx, key, app, c, what); noticeErr != nil {
		// Retried: the refused email is not sent again (its outbox row says failed), the notice is.
		return noticeErr
	}
	return deliveryError(err)
}

// reportUndeliverable tells the correspondent that the email keyed refusedKey
// ("what": "accusé de réception"…) could not be delivered to the association.
func (a *Activities) reportUndeliverable(ctx context.Context, refusedKey string, app *models.Application, c *models.Campaign, what string) error {
	refused, err := a.Emails.ByKey(ctx, refusedKey)
	if err != nil {
		return storeError(err)
	}
	content, err := mail.Render(mail.TemplateEmailUndeliverable, mail.EmailUndeliverableData{
		AssociationName: app.AssociationName, Recipient: refused.Recipient, Subject: refused.Subject,
		Purpose: what, Error: refused.LastError, CampaignTitle: c.Title,
		TerritoryLabel: territory.Label(c.Territory, c.Level == models.LevelRegional), ApplicationID: app.ID,
		DossierReference: app.Reference,
	})
	if err != nil {
		return err
	}
	return deliveryError(a.Outbox.Deliver(ctx, mail.Envelope{
		Key:     strings.TrimSuffix(refusedKey, "/porteur") + "/undeliverable/correspondent",
		Purpose: mail.TemplateEmailUndeliverable, CampaignID: c.ID, To: c.ContactEmail, Content: content,
	}))
}
