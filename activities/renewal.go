package activities

import (
	"context"
	"fmt"
	"time"

	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// RenewalCheck is what CheckRenewal found: the rules that block the dossier, if
// any, and those that block it provisionally (a PNE questionnaire not closed yet).
type RenewalCheck struct {
	Rules       []string
	Provisional []string `json:",omitempty"`
}

// CheckRenewal looks at the association's history when it applies again (§8.4):
// the PNE questionnaires it missed (the selection's rule of the campaign's
// policy) and its comptes-rendus financiers overdue and not received. Each
// failing condition is recorded as a renewal block of the dossier (once) and
// the porteur de projet is told, once per block, why and what would lift it.
// A PNE block resting on a questionnaire not closed yet is provisional: the
// association may still answer, and the closure rechecks it
// (RecheckProvisionalBlocks). It runs when the dossier is filed and again when
// it goes under review.
func (a *Activities) CheckRenewal(ctx context.Context, ref ApplicationRef) (RenewalCheck, error) {
	app, c, err := a.dossier(ctx, ref.ApplicationID)
	if err != nil {
		return RenewalCheck{}, err
	}
	return a.checkRenewal(ctx, ref, app, c)
}

// checkRenewal is CheckRenewal on the dossier and call already read.
func (a *Activities) checkRenewal(ctx context.Context, ref ApplicationRef, app *models.Application, c *models.Campaign) (RenewalCheck, error) {
	var blocks []models.RenewalBlock
	pne, err := a.pneBlock(ctx, app, c)
	if err != nil {
		return RenewalCheck{}, err
	}
	if pne != nil {
		blocks = append(blocks, *pne)
	}
	reports, err := a.FinancialReports.Missing(ctx, []string{app.AssociationKey})
	if err != nil {
		return RenewalCheck{}, err
	}
	for _, r := range reports[app.AssociationKey] {
		blocks = append(blocks, models.RenewalBlock{
			// A CPO's tranches block one by one (§8.2, §8.4): each names its year.
			Rule: models.BlockFinancialReport, Source: models.ReportSource(r), SourceYear: r.FiscalYear, SourceConventionID: r.ConventionID,
			Reason: fmt.Sprintf("%s, attendu au plus tard le %s, n'a pas été reçu",
				convention.ReportLabel(r), french.Date(r.DueAt)),
			Lift: "envoyer ce compte-rendu financier ; sa réception lève le blocage",
		})
	}
	var out RenewalCheck
	for _, b := range blocks {
		b.ApplicationID, b.AssociationKey = app.ID, app.AssociationKey
		stored, err := a.FinancialReports.Block(ctx, &b)
		if err != nil {
			return RenewalCheck{}, err
		}
		if stored.LiftedAt != nil {
			continue
		}
		if stored.Provisional {
			out.Provisional = append(out.Provisional, stored.Rule)
		} else {
			out.Rules = append(out.Rules, stored.Rule)
		}
		if err := a.notifyRenewalBlocked(ctx, ref, app, c, stored); err != nil {
			return out, err
		}
	}
	return out, nil
}

func (a *Activities) notifyRenewalBlocked(ctx context.Context, ref ApplicationRef, app *models.Application, c *models.Campaign, b *models.RenewalBlock) error {
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	link, err := a.dossierLink(app, time.Now())
	if err != nil {
		return err
	}
	data := mail.RenewalBlockedData{
		DossierLink: link, DossierReference: app.Reference, ApplicationID: app.ID, AssociationName: app.AssociationName, ProjectTitle: app.Title, CampaignTitle: c.Title,
		TerritoryLabel: label, Blocks: []mail.RenewalBlockLine{{Reason: upperFirst(b.Reason), Lift: b.Lift}}, Provisional: b.Provisional,
		ReplyTo: c.ContactEmail, SenderLabel: "au correspondant intégration, " + label,
	}
	content, err := mail.Render(mail.TemplateRenewalBlocked, data)
	if err != nil {
		return err
	}
	env := mail.Envelope{Key: ref.WorkflowID + "/renewal-blocked/" + b.Rule + "/" + b.Source + "/porteur", Purpose: mail.TemplateRenewalBlocked,
		CampaignID: c.ID, To: app.AssociationEmail, ReplyTo: c.ContactEmail, Content: content}
	return a.deliverToPorteur(ctx, env, app, c, "blocage du renouvellement")
}

func upperFirst(s string) string {
	if s == "" {
		return s
	}
	r := []rune(s)
	if r[0] >= 'a' && r[0] <= 'z' {
		r[0] -= 'a' - 'A'
	}
	return string(r)
}
