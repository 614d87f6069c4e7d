package engine

import (
	"context"
	"log/slog"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/store"
)

// devAgents are the agents `aap dev` adds to an empty agents table, so that its
// dev sign-in has someone to choose: DIAN and the Rhône's correspondent.
var devAgents = []auth.NewAgent{
	{Email: "dian@aap.localhost", Name: "Agent de la DIAN", Role: auth.RoleDIAN},
	{Email: "ddets-69@aap.localhost", Name: "Correspondant de la DDETS du Rhône", Role: auth.RoleCorrespondent, Territory: "69"},
}

// seedDevAgents adds devAgents when there is no agent at all (audited as `aap dev`'s).
func seedDevAgents(ctx context.Context, agents *store.Agents, log *slog.Logger) error {
	all, err := agents.List(ctx)
	if err != nil || len(all) > 0 {
		return err
	}
	ctx = store.WithActor(ctx, store.Actor{Name: "aap dev"})
	for _, n := range devAgents {
		a, err := auth.AddAgent(ctx, agents, n)
		if err != nil {
			return err
		}
		log.Info("dev agent added", "agent", a.ID, "email", a.Email, "role", a.Role)
	}
	return nil
}

// signInNote says how `aap dev`'s pages are signed in to.
func signInNote(cfg config.Config) string {
	if cfg.OIDC.Issuer != "" {
		return "sign in with " + cfg.OIDC.Issuer
	}
	return "dev sign-in: choose an agent; aap agent add adds one"
}
