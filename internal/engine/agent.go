package engine

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

const agentUsage = `Usage:
  aap agent add --email prenom.nom@interieur.gouv.fr --role dian|correspondent [--territory 84|69 [--level regional|departmental]] [--name "..."]
  aap agent list
  aap agent disable <id>

Agents sign in to the pages with the identity provider (AAP_OIDC_ISSUER), or with
` + "`aap dev`" + `'s dev sign-in. With AAP_DATABASE_URL the agents are PostgreSQL's;
without it, those of the SQLite database in AAP_DATA_DIR (the one ` + "`aap dev`" + ` uses).
`

// RunAgent runs `aap agent …`: DIAN adds, lists and disables the agents on the
// database directly, so that the first one needs no sign-in. Every change is audited.
func RunAgent(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("expected add, list or disable\n\n%s", agentUsage)
	}
	db, err := openCommandDB(cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(db)
	agents := store.NewAgents(db)
	ctx = store.WithActor(ctx, store.Actor{Name: "aap agent (command line)"})
	switch args[0] {
	case "add":
		return addAgent(ctx, agents, args[1:], stdout)
	case "list":
		return listAgents(ctx, agents, stdout)
	case "disable":
		id, err := commandID("agent", args)
		if err != nil {
			return err
		}
		if err := agents.Disable(ctx, id, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "agent %d disabled; its sessions are closed\n", id)
		return nil
	default:
		return fmt.Errorf("unknown agent command %q\n\n%s", args[0], agentUsage)
	}
}

func addAgent(ctx context.Context, agents *store.Agents, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("aap agent add", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var n auth.NewAgent
	fs.StringVar(&n.Email, "email", "", "the agent's professional email")
	fs.StringVar(&n.Name, "name", "", "the agent's name, shown on the pages")
	fs.StringVar(&n.Role, "role", "", "dian or correspondent")
	fs.StringVar(&n.Territory, "territory", "", "a correspondent's INSEE code of region or department")
	fs.StringVar(&n.Level, "level", "", "regional or departmental, when the code is both")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w\n\n%s", err, agentUsage)
	}
	a, err := auth.AddAgent(ctx, agents, n)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "agent %d added: %s (%s)", a.ID, a.Email, a.Role)
	if a.Territory != "" {
		fmt.Fprintf(stdout, ", %s %s", a.Level, a.Territory)
	}
	fmt.Fprintln(stdout)
	return nil
}

func listAgents(ctx context.Context, agents *store.Agents, stdout io.Writer) error {
	all, err := agents.List(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tEMAIL\tNAME\tROLE\tTERRITORY\tSIGNED IN\tLAST SIGN-IN\tSTATE")
	for _, a := range all {
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", a.ID, a.Email, orDashText(a.Name), a.Role, areaOf(a),
			yesNo(a.Subject != nil), orDash(a.LastSignIn), stateOf(a))
	}
	return w.Flush()
}

func areaOf(a models.Agent) string {
	if a.Territory == "" {
		return "-"
	}
	return a.Level + " " + a.Territory
}

func stateOf(a models.Agent) string {
	if a.Active {
		return "active"
	}
	return "disabled"
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orDashText(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
