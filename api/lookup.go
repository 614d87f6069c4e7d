package api

import (
	"context"

	"github.com/google/uuid"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// findByID reads a record by its UUID: a malformed or unknown ID is the API's 404.
func findByID[T any](ctx context.Context, id string, get func(context.Context, string) (*T, error)) (*T, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNotFound
	}
	record, err := get(ctx, id)
	if err != nil {
		return nil, storeError(err)
	}
	return record, nil
}

// lookupCampaign returns a campaign, or the API's 404 for an unknown or malformed ID.
func lookupCampaign(ctx context.Context, campaigns *store.Campaigns, id string) (*models.Campaign, error) {
	return findByID(ctx, id, campaigns.Get)
}

// lookupApplication returns a dossier by its ID or its readable reference
// (AAP-2027-69-0042, what an association reads out on the phone), or the API's 404.
func lookupApplication(ctx context.Context, applications *store.Applications, id string) (*models.Application, error) {
	if models.IsDossierReference(id) {
		a, err := applications.Find(ctx, id)
		if err != nil {
			return nil, storeError(err)
		}
		return a, nil
	}
	return findByID(ctx, id, applications.Get)
}
