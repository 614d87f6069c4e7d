package activities

import (
	"context"
	"errors"
	"fmt"

	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

func asDSError(err error, target **ds.Error) bool { return errors.As(err, target) }

// PassDSDossierEnInstruction puts the DS dossier a dossier came from en instruction, at
// the call's closure, in the name of the call's instructeur. DS's state is read first:
// a dossier already en instruction (a retry, a replay) is left as it is.
func (a *Activities) PassDSDossierEnInstruction(ctx context.Context, ref ApplicationRef) error {
	app, conn, dossier, err := a.dsDossier(ctx, ref.ApplicationID)
	if err != nil || dossier.State != ds.StateEnConstruction {
		return err
	}
	_, err = a.DS.PasserEnInstruction(ctx, dossier.ID, conn.InstructeurID)
	a.log(ctx).Info("DS dossier passed en instruction", "application", app.ID, "ds_number", dossier.Number, "error", err)
	return dsError(err)
}

// SendDSDecision sends the committee's decision to DS once: accepted with the amount, or
// refused with the reason, from en instruction (passing it there first if the closure's
// call did not). A DS dossier already decided is left as it is.
func (a *Activities) SendDSDecision(ctx context.Context, ref ApplicationRef) error {
	app, conn, dossier, err := a.dsDossier(ctx, ref.ApplicationID)
	if err != nil {
		return err
	}
	switch dossier.State {
	case ds.StateAccepte, ds.StateRefuse, ds.StateSansSuite:
		return nil
	case ds.StateEnConstruction:
		if _, err := a.DS.PasserEnInstruction(ctx, dossier.ID, conn.InstructeurID); err != nil {
			return dsError(err)
		}
	}
	motivation := dsMotivation(app)
	if app.Decision == selection.Retained {
		_, err = a.DS.Accepter(ctx, dossier.ID, conn.InstructeurID, motivation)
	} else {
		_, err = a.DS.Refuser(ctx, dossier.ID, conn.InstructeurID, motivation)
	}
	a.log(ctx).Info("decision sent to DS", "application", app.ID, "ds_number", dossier.Number, "decision", app.Decision, "error", err)
	return dsError(err)
}

// dsMotivation is the motivation DS shows the usager (DS requires one for a refusal).
func dsMotivation(app *models.Application) string {
	if app.Decision == selection.Retained {
		m := "Dossier retenu par le comité de sélection : subvention de " + french.Euros(app.GrantedCents) + "."
		if app.DecisionReason != "" {
			m += " " + app.DecisionReason
		}
		return m
	}
	if app.DecisionReason != "" {
		return "Dossier non retenu par le comité de sélection : " + app.DecisionReason
	}
	return "Dossier non retenu par le comité de sélection."
}

// dsDossier reads a dossier, its call's connector and its DS dossier's state.
func (a *Activities) dsDossier(ctx context.Context, applicationID string) (*models.Application, *models.DSConnector, ds.DossierRef, error) {
	app, err := a.Applications.Get(ctx, applicationID)
	if err != nil {
		return nil, nil, ds.DossierRef{}, storeError(err)
	}
	if app.DSNumber == nil {
		return nil, nil, ds.DossierRef{}, temporal.NewNonRetryableApplicationError(
			fmt.Sprintf("dossier %s did not come from DS", app.ID), ErrTypeNotFound, nil)
	}
	conn, err := a.DSConnectors.Get(ctx, app.CampaignID)
	if err != nil {
		return nil, nil, ds.DossierRef{}, storeError(err)
	}
	dossier, err := a.DS.DossierState(ctx, *app.DSNumber)
	return app, conn, dossier, dsError(err)
}
