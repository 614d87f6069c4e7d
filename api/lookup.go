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
// A read whose access check already read the row takes it from the request (preloaded).
func lookupCampaign(ctx context.Context, campaigns *store.Campaigns, id string) (*models.Campaign, error) {
	if c, ok := preloadedOf(ctx).campaigns[id]; ok {
		return c, nil
	}
	return findByID(ctx, id, campaigns.Get)
}

// lookupApplication returns a dossier by its ID or its readable reference
// (AAP-2027-69-0042, what an association reads out on the phone), or the API's 404.
func lookupApplication(ctx context.Context, applications *store.Applications, id string) (*models.Application, error) {
	if a, ok := preloadedOf(ctx).applications[id]; ok {
		return a, nil
	}
	if models.IsDossierReference(id) {
		a, err := applications.Find(ctx, id)
		if err != nil {
			return nil, storeError(err)
		}
		return a, nil
	}
	return findByID(ctx, id, applications.Get)
}

// preloaded holds the rows a GET's access check read (authorize), by the ID the
// request named, so that the handler does not read them a second time. Only reads
// carry them, and the writes whose rule says preload (a filing reads its call outside
// its transaction: a second read would be no fresher); any other write reads its rows
// again, inside its own transaction or after it.
type preloaded struct {
	campaigns    map[string]*models.Campaign
	applications map[string]*models.Application
}

type preloadedKey struct{}

// withPreloaded returns ctx carrying an empty preloaded set, and the set.
func withPreloaded(ctx context.Context) (context.Context, *preloaded) {
	p := &preloaded{campaigns: map[string]*models.Campaign{}, applications: map[string]*models.Application{}}
	return context.WithValue(ctx, preloadedKey{}, p), p
}

// preloadedOf is the request's preloaded set; an empty one outside a GET or a preloading write.
func preloadedOf(ctx context.Context) *preloaded {
	if p, ok := ctx.Value(preloadedKey{}).(*preloaded); ok {
		return p
	}
	return &preloaded{}
}
