package activities

import (
	"context"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// ackWhat names the accusé de réception in the correspondent's notice of a refusal.
const ackWhat = "accusé de réception"

// AcknowledgeApplication sends the porteur de projet its accusé de réception,
// once, with what was filed and the closing date; replies go to the correspondent.
func (a *Activities) AcknowledgeApplication(ctx context.Context, ref ApplicationRef) error {
	ack, err := a.acknowledgement(ctx, ref)
	if err != nil {
		return err
	}
	return a.deliverToPorteur(ctx, ack.env, ack.app, ack.c, ackWhat)
}

// AcknowledgeFilings follows up the dossiers of refs just filed, as the worker's sender does:
// each one's renewal conditions are checked (§8.4; the closure checks again, once the
// year's PNE has closed), then the accusés de réception leave over one SMTP connection (a
// connection, and under STARTTLS a TLS handshake, per message cost more than the message),
// each dossier and its call read once for both. It returns what became of each accusé de
// réception, at its index: as AcknowledgeApplication's error; a renewal check that fails is
// logged and leaves the accusé de réception to go. It is a function, not a method: the
// worker registers every method of Activities as an activity, and this one is the sender's.
func AcknowledgeFilings(ctx context.Context, a *Activities, refs []ApplicationRef) []error {
	errs := make([]error, len(refs))
	var acks []acknowledgement
	var at []int // acks[j] is refs[at[j]]'s
	for i, ref := range refs {
		ack, err := a.acknowledgement(ctx, ref)
		if err != nil {
			errs[i] = err
			continue
		}
		if _, err := a.checkRenewal(ctx, ref, ack.app, ack.c); err != nil {
			a.Logger.Warn("renewal check at the filing failed", "application", ref.ApplicationID, "error", err)
		}
		acks, at = append(acks, ack), append(at, i)
	}
	envs := make([]mail.Envelope, len(acks))
	for j, ack := range acks {
		envs[j] = ack.env
	}
	a.Outbox.DeliverBatchReporting(ctx, envs, 0, func(j int, err error) {
		errs[at[j]] = a.porteurOutcome(ctx, err, envs[j].Key, acks[j].app, acks[j].c, ackWhat)
	})
	return errs
}

// acknowledgement is a dossier's accusé de réception, ready to send, with its dossier and call.
type acknowledgement struct {
	env mail.Envelope
	app *models.Application
	c   *models.Campaign
}

// acknowledgement reads ref's dossier and call and writes its accusé de réception.
func (a *Activities) acknowledgement(ctx context.Context, ref ApplicationRef) (acknowledgement, error) {
	app, c, err := a.dossier(ctx, ref.ApplicationID)
	if err != nil {
		return acknowledgement{}, err
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	link, err := a.associationLink(auth.LinkDossier, app.ID, c.CloseAt.Add(linkLife))
	if err != nil {
		return acknowledgement{}, err
	}
	content, err := mail.Render(mail.TemplateApplicationReceived, mail.ApplicationReceivedData{
		AcknowledgeLink: link,
		ApplicationID:   app.ID, DossierReference: app.Reference, AssociationName: app.AssociationName, ProjectTitle: app.Title,
		ThemeLabel: models.ThemeLabel(app.Theme), RequestedCents: app.RequestedCents, TotalBudgetCents: app.TotalBudgetCents,
		ReceivedAt: app.CreatedAt, CampaignTitle: c.Title, TerritoryLabel: label, CloseAt: c.CloseAt,
		ReplyTo: c.ContactEmail, SenderLabel: "au correspondant intégration, " + label,
	})
	if err != nil {
		return acknowledgement{}, err
	}
	closing := mail.Deadline{
		UID:         c.WorkflowID + "/close@aap",
		Summary:     "Clôture de l'appel à projets : " + c.Title,
		Description: "Dernier jour de dépôt des dossiers (" + label + ").",
		Day:         policy.DateOf(c.CloseAt),
	}
	return acknowledgement{app: app, c: c, env: mail.Envelope{
		Key:        ref.WorkflowID + "/application-received/porteur",
		Purpose:    mail.TemplateApplicationReceived,
		CampaignID: c.ID,
		To:         app.AssociationEmail,
		ReplyTo:    c.ContactEmail,
		Content:    content,
		Attachment: &mail.Attachment{Name: "cloture.ics", ContentType: "text/calendar", Data: closing.ICS(app.CreatedAt)},
	}}, nil
}
