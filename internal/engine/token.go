package engine

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"text/tabwriter"
	"time"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/store"
)

const tokenUsage = `Usage:
  aap token create --role dian|correspondent [--territory 84|69 [--level regional|departmental]] --name "..." [--expires 90d]
  aap token list
  aap token revoke <id>

With AAP_DATABASE_URL the tokens are PostgreSQL's; without it, those of the
SQLite database in AAP_DATA_DIR (the one ` + "`aap dev`" + ` uses).
`

// RunToken runs `aap token …`: API tokens are created, listed and revoked on
// the database directly, so that the first one needs no token.
func RunToken(ctx context.Context, cfg config.Config, log *slog.Logger, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("expected create, list or revoke\n\n%s", tokenUsage)
	}
	db, err := openCommandDB(cfg, log)
	if err != nil {
		return err
	}
	defer store.Close(db)
	tokens := store.NewTokens(db)
	ctx = store.WithActor(ctx, store.Actor{Name: "aap token (command line)"})
	switch args[0] {
	case "create":
		return createToken(ctx, tokens, args[1:], stdout)
	case "list":
		return listTokens(ctx, tokens, stdout)
	case "revoke":
		id, err := commandID("token", args)
		if err != nil {
			return err
		}
		if err := tokens.Revoke(ctx, id, time.Now()); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "token %d revoked\n", id)
		return nil
	default:
		return fmt.Errorf("unknown token command %q\n\n%s", args[0], tokenUsage)
	}
}

// openCommandDB opens the database of a command line (aap token, aap agent): the dev
// database is migrated (it may not exist yet), another must be up to date.
func openCommandDB(cfg config.Config, log *slog.Logger) (*gorm.DB, error) {
	db, err := store.Open(cfg.DatabaseURL, cfg.DataDir, log)
	if err != nil {
		return nil, err
	}
	if cfg.DatabaseURL == "" {
		err = store.Migrate(db)
	} else {
		err = store.CheckSchema(db)
	}
	if err != nil {
		_ = store.Close(db)
		return nil, err
	}
	return db, nil
}

func createToken(ctx context.Context, tokens *store.Tokens, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("aap token create", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var n auth.NewToken
	var expires string
	fs.StringVar(&n.Role, "role", "", "dian or correspondent")
	fs.StringVar(&n.Territory, "territory", "", "a correspondent's INSEE code of region or department")
	fs.StringVar(&n.Level, "level", "", "regional or departmental, when the code is both")
	fs.StringVar(&n.Name, "name", "", "who holds the token")
	fs.StringVar(&expires, "expires", "", "life of the token: 90d, 12h; empty: no expiry")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("%w\n\n%s", err, tokenUsage)
	}
	var err error
	if n.TTL, err = auth.ParseTTL(expires); err != nil {
		return err
	}
	secret, t, err := auth.Issue(ctx, tokens, n, time.Now())
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "token %d created for %q (%s)", t.ID, t.Name, t.Role)
	if t.Territory != "" {
		fmt.Fprintf(stdout, ", %s %s", t.Level, t.Territory)
	}
	if t.ExpiresAt != nil {
		fmt.Fprintf(stdout, ", expires %s", t.ExpiresAt.Format(time.RFC3339))
	}
	fmt.Fprintf(stdout, "\nIt is shown only now; keep it secret:\n\n%s\n", secret)
	return nil
}

func listTokens(ctx context.Context, tokens *store.Tokens, stdout io.Writer) error {
	all, err := tokens.List(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "ID\tNAME\tROLE\tTERRITORY\tCREATED\tEXPIRES\tLAST USED\tSTATE")
	now := time.Now()
	for _, t := range all {
		state := "active"
		switch {
		case t.RevokedAt != nil:
			state = "revoked"
		case t.ExpiresAt != nil && !t.ExpiresAt.After(now):
			state = "expired"
		}
		territory := "-"
		if t.Territory != "" {
			territory = t.Level + " " + t.Territory
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.Name, t.Role, territory,
			t.CreatedAt.Format("2006-01-02"), orDash(t.ExpiresAt), orDash(t.LastUsedAt), state)
	}
	return w.Flush()
}

func orDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format("2006-01-02 15:04")
}
