package api

import (
	"context"
	"errors"
	"fmt"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

// FileExternal files a dossier a connector brought (a Démarches Simplifiées dossier)
// through the same decoding, rules, storage and workflow as POST
// /api/v1/campaigns/{id}/applications. It is idempotent on the connector's key (the DS
// number), and the deposit time is the platform's, so §2.2.1 judges when the association
// really filed, not when the engine pulled. A dossier the rules refuse comes back with
// each field's French error and nothing recorded; only a failure of the database or of
// Temporal is an error.
func (s *ApplicationService) FileExternal(ctx context.Context, d models.ExternalDossier) (models.ExternalFiling, error) {
	c, err := s.Campaigns.Get(ctx, d.CampaignID)
	if err != nil {
		return models.ExternalFiling{}, err
	}
	if existing, err := s.Applications.ByIdempotencyKey(ctx, d.Key); err == nil {
		filing := models.ExternalFiling{ApplicationID: existing.ID, Replayed: true}
		if existing.WorkflowPending { // the first filing died before starting it
			return filing, s.start(ctx, c, existing, false)
		}
		return filing, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return models.ExternalFiling{}, err
	}
	if refused := depositRefusal(c, d); refused != nil {
		return models.ExternalFiling{Refused: refused}, nil
	}
	var req ApplicationRequest
	if err := decodeStrict(d.Body, &req); err != nil {
		return models.ExternalFiling{Refused: refusalOf(err)}, nil
	}
	a, fieldErrs := req.validate(c)
	if fieldErrs != nil {
		return models.ExternalFiling{Refused: connectorFieldErrors(fieldErrs)}, nil
	}
	key, number := d.Key, d.DSNumber
	a.IdempotencyKey, a.DSNumber, a.CreatedAt = &key, &number, d.DepositedAt
	a.RequestHash = hashBody(d.Body)
	stored, created, err := s.store(ctx, c, &a)
	if err != nil {
		return models.ExternalFiling{}, err
	}
	if err := s.start(ctx, c, stored, created); err != nil {
		return models.ExternalFiling{}, err
	}
	return models.ExternalFiling{ApplicationID: stored.ID, Replayed: !created}, nil
}

// depositRefusal applies §2.2.1 to the platform's deposit time: a dossier deposited
// before the call's publication or after its closure is hors délais; none is taken
// into a cancelled call.
func depositRefusal(c *models.Campaign, d models.ExternalDossier) []models.ConnectorFieldError {
	if c.Phase == models.PhaseCancelled {
		return []models.ConnectorFieldError{{Field: "dateDepot", Rule: "campaign_cancelled",
			Message: "l'appel à projets est annulé : il n'accepte plus de dossier"}}
	}
	if d.DepositedAt.Before(c.PublishAt) || !d.DepositedAt.Before(c.CloseAt) {
		return []models.ConnectorFieldError{{Field: "dateDepot", Rule: "hors_delais",
			Message: fmt.Sprintf("dossier déposé hors délais le %s : l'appel à projets était ouvert du %s au %s (heure de Paris)",
				french.DateTime(d.DepositedAt), french.DateTime(c.PublishAt), french.DateTime(c.CloseAt))}}
	}
	return nil
}

// refusalOf turns a decoding error (a wrong type, a refused character) into field errors.
func refusalOf(err error) []models.ConnectorFieldError {
	var p *Problem
	if errors.As(err, &p) && len(p.Fields) > 0 {
		return connectorFieldErrors(p.Fields)
	}
	return []models.ConnectorFieldError{{Field: "dossier", Rule: "malformed", Message: "dossier illisible : " + err.Error()}}
}

func connectorFieldErrors(fields []FieldError) []models.ConnectorFieldError {
	out := make([]models.ConnectorFieldError, len(fields))
	for i, f := range fields {
		out[i] = models.ConnectorFieldError{Field: f.Field, Rule: f.Rule, Message: f.Message}
	}
	return out
}
