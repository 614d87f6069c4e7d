package topologytest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"
	"github.com/stretchr/testify/require"
)

// adminURL is the machine's PostgreSQL (CI's, trust authentication), where each run makes
// its own databases; AAP_TEST_DATABASE_URL overrides it.
func adminURL() string {
	if u := os.Getenv("AAP_TEST_DATABASE_URL"); u != "" {
		return u
	}
	return "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
}

// postgres is the server the databases of one run live on.
type postgres struct {
	admin *sql.DB
	url   *url.URL
}

// openPostgres connects, or skips the test where no PostgreSQL answers.
func openPostgres(t *testing.T) *postgres {
	t.Helper()
	u, err := url.Parse(adminURL())
	require.NoError(t, err)
	db, err := sql.Open("pgx", u.String())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := db.PingContext(ctx); err != nil {
		_ = db.Close()
		t.Skipf("no PostgreSQL at %s: %v", u.Host, err)
	}
	t.Cleanup(func() { _ = db.Close() })
	return &postgres{admin: db, url: u}
}

// createDatabase makes a database of a unique name, dropped at the end of the test (after
// the processes using it are stopped: cleanups run last registered first).
func (p *postgres) createDatabase(t *testing.T, what string) string {
	t.Helper()
	suffix := make([]byte, 4)
	_, _ = rand.Read(suffix)
	name := "aaptopo_" + hex.EncodeToString(suffix) + "_" + what
	_, err := p.admin.Exec("CREATE DATABASE " + name)
	require.NoError(t, err)
	t.Cleanup(func() {
		if _, err := p.admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)"); err != nil {
			t.Logf("drop database %s: %v", name, err)
		}
	})
	return name
}

// urlOf is the URL of a database on this server.
func (p *postgres) urlOf(name string) string {
	u := *p.url
	u.Path = "/" + name
	return u.String()
}

// user, host and port of the server, for Temporal's configuration and schema tool.
func (p *postgres) user() string { return p.url.User.Username() }
func (p *postgres) host() string { return p.url.Hostname() }
func (p *postgres) port() string {
	if port := p.url.Port(); port != "" {
		return port
	}
	return "5432"
}

// setUpSchema brings a Temporal store to its version's schema with the SQL tool, as the
// compose file's one-shot admin-tools services do: setup-schema -v 0.0, then update-schema
// over the versioned folder shipped in the module.
func (p *postgres) setUpSchema(t *testing.T, tool, db, versioned string) {
	t.Helper()
	password, _ := p.url.User.Password()
	common := []string{"--plugin", "postgres12", "--ep", p.host(), "-p", p.port(), "-u", p.user(), "--pw", password, "--db", db}
	run(t, "temporal-sql-tool setup-schema", tool, nil, append(common, "setup-schema", "-v", "0.0")...)
	run(t, "temporal-sql-tool update-schema", tool, nil, append(common, "update-schema", "-d", versioned)...)
}

// startTemporal sets up Temporal's two stores and starts the server on free ports, with no
// namespace but its own: a bare cluster. It returns the frontend's host:port.
func startTemporal(t *testing.T, bins binaries, pg *postgres) string {
	t.Helper()
	schemas := filepath.Join(moduleDir(t, "go.temporal.io/server"), "schema", "postgresql", "v12")
	store, visibility := pg.createDatabase(t, "temporal"), pg.createDatabase(t, "visibility")
	pg.setUpSchema(t, bins.sqlTool, store, filepath.Join(schemas, "temporal", "versioned"))
	pg.setUpSchema(t, bins.sqlTool, visibility, filepath.Join(schemas, "visibility", "versioned"))

	ports := freePorts(t, 9)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "temporal.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte(temporalConfig(pg, store, visibility, ports)), 0o600))
	// Stopped by start's cleanup, which runs before the databases are dropped.
	start(t, "temporal-server", bins.server, nil, "--config-file", cfg, "--allow-no-auth", "start")
	return "127.0.0.1:" + strconv.Itoa(ports[0])
}

// temporalConfig is the server's configuration: both stores on PostgreSQL, every service
// in one process on the given ports (frontend gRPC first), no archival, no metrics.
func temporalConfig(pg *postgres, store, visibility string, ports []int) string {
	password, _ := pg.url.User.Password()
	datastore := func(db string, conns int) string {
		return fmt.Sprintf(`
      sql:
        pluginName: postgres12
        databaseName: %s
        connectAddr: "%s:%s"
        connectProtocol: tcp
        user: %q
        password: %q
        maxConns: %d
        maxIdleConns: %d
        maxConnLifetime: 1h`, db, pg.host(), pg.port(), pg.user(), password, conns, conns)
	}
	service := func(grpc, membership int) string {
		return fmt.Sprintf(`
    rpc:
      grpcPort: %d
      membershipPort: %d
      bindOnLocalHost: true`, grpc, membership)
	}
	return fmt.Sprintf(`log:
  stdout: true
  level: warn
persistence:
  defaultStore: default
  visibilityStore: visibility
  numHistoryShards: 4
  datastores:
    default:%s
    visibility:%s
global:
  membership:
    maxJoinDuration: 30s
    broadcastAddress: 127.0.0.1
services:
  frontend:%s
      httpPort: %d
  history:%s
  matching:%s
  worker:%s
clusterMetadata:
  enableGlobalNamespace: false
  failoverVersionIncrement: 10
  masterClusterName: active
  currentClusterName: active
  clusterInformation:
    active:
      enabled: true
      initialFailoverVersion: 1
      rpcName: frontend
      rpcAddress: "127.0.0.1:%d"
dcRedirectionPolicy:
  policy: noop
`, datastore(store, 10), datastore(visibility, 4),
		service(ports[0], ports[1]), ports[2],
		service(ports[3], ports[4]), service(ports[5], ports[6]), service(ports[7], ports[8]),
		ports[0])
}
