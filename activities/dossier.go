package activities

import (
	"context"

	"github.com/dian-p104/aap/models"
)

// The reader of a dossier, shared by every activity that writes to its porteur de projet or acts
// on its convention: the dossier, its call, and (once granted) its convention.

// dossier loads a dossier and its call.
func (a *Activities) dossier(ctx context.Context, applicationID string) (*models.Application, *models.Campaign, error) {
	app, err := a.Applications.Get(ctx, applicationID)
	if err != nil {
		return nil, nil, storeError(err)
	}
	c, err := a.Campaigns.Get(ctx, app.CampaignID)
	if err != nil {
		return nil, nil, storeError(err)
	}
	return app, c, nil
}

// conventionOf reads a dossier, its call and its convention.
func (a *Activities) conventionOf(ctx context.Context, applicationID string) (*models.Application, *models.Campaign, *models.Convention, error) {
	app, c, err := a.dossier(ctx, applicationID)
	if err != nil {
		return nil, nil, nil, err
	}
	conv, err := a.Conventions.ByApplication(ctx, app.ID)
	if err != nil {
		return nil, nil, nil, storeError(err)
	}
	return app, c, conv, nil
}
