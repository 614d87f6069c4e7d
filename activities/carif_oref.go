package activities

import (
	"context"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/models"
)

// NotifyCarifOref sends the region's Carif-Oref the list of the call's funded
// language-training actions (§4.1.2), once: the theme langue and every action the
// decision says is a formation linguistique, « à visée professionnelle » included. Nothing is sent when no action is
// funded or when the region has no address configured (AAP_CARIF_OREF_FILE).
func (a *Activities) NotifyCarifOref(ctx context.Context, ref CampaignRef) error {
	c, err := a.Campaigns.Get(ctx, ref.CampaignID)
	if err != nil {
		return storeError(err)
	}
	region := c.Territory
	if c.Level == models.LevelDepartmental {
		dep, _ := territory.LookupDepartment(c.Territory)
		region = dep.RegionCode
	}
	to := a.CarifOref[region]
	all, err := a.Applications.All(ctx, c.ID)
	if err != nil {
		return err
	}
	var actions []mail.LanguageAction
	for _, app := range all {
		if app.Decision == selection.Retained && app.IsLanguageTraining() {
			id := "SIRET " + app.SIRET
			if app.SIRET == "" {
				id = "RNA " + app.RNA
			}
			actions = append(actions, mail.LanguageAction{AssociationName: app.AssociationName, AssociationID: id,
				ProjectTitle: app.Title, GrantedCents: app.GrantedCents, Beneficiaries: app.BeneficiariesBPI + app.BeneficiariesNonBPI})
		}
	}
	if len(actions) == 0 {
		return nil
	}
	if to == "" {
		a.log(ctx).Warn("no Carif-Oref address for the region: list of funded language actions not sent", "campaign", c.ID, "region", region)
		return nil
	}
	label := territory.Label(c.Territory, c.Level == models.LevelRegional)
	content, err := mail.Render(mail.TemplateCarifOrefActions, mail.CarifOrefData{
		CampaignTitle: c.Title, TerritoryLabel: label, Year: c.Year, Actions: actions,
		ReplyTo: c.ContactEmail, SenderLabel: "au correspondant intégration, " + label,
	})
	if err != nil {
		return err
	}
	return deliveryError(a.Outbox.Deliver(ctx, mail.Envelope{
		Key: ref.WorkflowID + "/carif-oref-actions/carif-oref", Purpose: mail.TemplateCarifOrefActions,
		CampaignID: c.ID, To: to, ReplyTo: c.ContactEmail, Content: content,
	}))
}
