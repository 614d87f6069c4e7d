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
