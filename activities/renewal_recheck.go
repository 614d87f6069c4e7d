package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// PNERecheck counts what a PNE closure made of the provisional renewal blocks of
// the associations on its list: confirmed, lifted, or left provisional (another
// questionnaire of the rule still open).
type PNERecheck struct {
	Confirmed int
	Lifted    int
	Pending   int
}

// RecheckProvisionalBlocks runs right after the closure (ClosePNE) of ref.Year's
// questionnaire: each provisional PNE block of an association on the year's list
// is judged again on the recorded results. Missed: the block is confirmed (final);
// answered before the closure: it is lifted. The porteur de projet and the call's
// correspondent are told, once each (keys "<dossier workflow ID>/renewal-block-recheck-<block ID>/<role>"),
// before the block is settled, so that a retried attempt finds the block still
// provisional and its emails already sent. A block that stays provisional changes
// nothing and sends nothing.
func (a *Activities) RecheckProvisionalBlocks(ctx context.Context, ref PNERef) (PNERecheck, error) {
	blocks, err := a.FinancialReports.ProvisionalPNEBlocks(ctx, ref.Year)
	if err != nil {
		return PNERecheck{}, err
	}
	var out PNERecheck
	for i := range blocks {
		outcome, err := a.recheckBlock(ctx, ref, &blocks[i])
		if err != nil {
			return out, err
		}
		switch outcome {
		case store.RecheckConfirmed:
			out.Confirmed++
		case store.RecheckLifted:
			out.Lifted++
		default:
			out.Pending++
		}
	}
	return out, nil
}

// recheckBlock judges one provisional block again and answers its outcome ("" while
// still provisional).
func (a *Activities) recheckBlock(ctx context.Context, ref PNERef, b *models.RenewalBlock) (string, error) {
	app, c, err := a.dossier(ctx, b.ApplicationID)
	if err != nil {
		return "", err
	}
	now, err := a.pneBlock(ctx, app, c)
	if err != nil {
		return "", err
	}
	outcome, settled := store.RecheckLifted, *b
	switch {
	case now != nil && now.Provisional:
		return "", nil
	case now != nil:
		outcome, settled.Reason, settled.Lift = store.RecheckConfirmed, now.Reason, now.Lift
	}
	if err := a.notifyRecheck(ctx, ref, app, c, &settled, outcome); err != nil {
		return "", err
	}
	if _, err := a.FinancialReports.SettleProvisional(ctx, b.ID, outcome, settled.Reason, time.Now()); err != nil {
		return "", storeError(err)
	}
	return outcome, nil
}

// notifyRecheck tells the porteur de projet and the correspondent what the closure
// made of the block. A dossier of a cancelled call, or not retained, is out of the
// running: the block is settled and nobody is told.
// An address the relay refuses is reported (the porteur's to the correspondent)
// and logged: it does not hold the other blocks up.
func (a *Activities) notifyRecheck(ctx context.Context, ref PNERef, app *models.Application, c *models.Campaign, b *models.RenewalBlock, outcome string) error {
	if app.State == models.ApplicationCancelled || app.State == models.ApplicationNotRetained {
		return nil
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	closedAt := time.Now()
	if b.ReviewAt != nil {
		closedAt = *b.ReviewAt
	}
	data := mail.RenewalBlockRecheckedData{
		ApplicationID: app.ID, DossierReference: app.Reference, AssociationName: app.AssociationName, ProjectTitle: app.Title,
		CampaignTitle: c.Title, TerritoryLabel: label, PNEName: selection.PNEName(ref.Year), ClosedAt: closedAt,
		Confirmed: outcome == store.RecheckConfirmed, Reason: upperFirst(b.Reason), Lift: b.Lift,
		Retained: app.State == models.ApplicationRetained,
	}
	key := fmt.Sprintf("%s/renewal-block-recheck-%d/", app.WorkflowID, b.ID)
	porteur := data
	porteur.ReplyTo, porteur.SenderLabel = c.ContactEmail, "au correspondant intégration, "+label
	link, err := a.dossierLink(app, time.Now())
	if err != nil {
		return err
	}
	porteur.DossierLink = link
	content, err := mail.Render(mail.TemplateRenewalBlockRechecked, porteur)
	if err != nil {
		return err
	}
	err = a.deliverToPorteur(ctx, mail.Envelope{Key: key + "porteur", Purpose: mail.TemplateRenewalBlockRechecked,
		CampaignID: c.ID, To: app.AssociationEmail, ReplyTo: c.ContactEmail, Content: content}, app, c, "blocage du renouvellement revu à la clôture du PNE")
	if err := a.refusedIsLogged(ctx, err, key+"porteur"); err != nil {
		return err
	}
	if c.ContactEmail == "" {
		return nil
	}
	correspondent := data
	correspondent.ForCorrespondent = true
	if content, err = mail.Render(mail.TemplateRenewalBlockRechecked, correspondent); err != nil {
		return err
	}
	err = a.Outbox.Deliver(ctx, mail.Envelope{Key: key + "correspondent", Purpose: mail.TemplateRenewalBlockRechecked,
		CampaignID: c.ID, To: c.ContactEmail, Content: content})
	return a.refusedIsLogged(ctx, err, key+"correspondent")
}

// refusedIsLogged logs an email the relay refused for good and answers nil for it;
// any other error is returned (retried).
func (a *Activities) refusedIsLogged(ctx context.Context, err error, key string) error {
	if err != nil && mail.IsPermanent(err) {
		a.log(ctx).Warn("renewal block recheck email refused by the relay", "key", key, "error", err)
		return nil
	}
	return err
}
