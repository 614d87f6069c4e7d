// Package devserver embeds a single-process Temporal server persisted in SQLite,
// so that `aap dev` and the integration tests need no service installed.
//
// It follows the shape of the Temporal CLI's `server start-dev`: the four
// Temporal services in one process, static membership on loopback, one history
// shard, and the SQLite persistence plugin of go.temporal.io/server.
package devserver

import (
	"errors"
	"fmt"
	"maps"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/log"
	"go.temporal.io/server/common/membership/static"
	sqliteplugin "go.temporal.io/server/common/persistence/sql/sqlplugin/sqlite"
	"go.temporal.io/server/common/primitives"
	sqliteschema "go.temporal.io/server/schema/sqlite"
	"go.temporal.io/server/temporal"
)

const (
	clusterName = "active"
	// maxSQLiteConns is 1, the Temporal CLI's own default for its SQLite: with 4
	// connections the server's writers contended for SQLite's one write lock and
	// logged thousands of « database is locked » errors in an intake of 10,000
	// dossiers, and bare workflow starts went 1.8 times slower (issue 20).
	maxSQLiteConns = 1
)

// Options configure the embedded server.
type Options struct {
	// IP the services bind to; 127.0.0.1 unless told otherwise.
	IP string
	// FrontendPort is the gRPC port the SDK, the temporal CLI and the Temporal UI dial (7233).
	// Zero picks a free port.
	FrontendPort int
	// DatabaseFile persists the server's state. Empty keeps it in memory (tests).
	DatabaseFile string
	// LogFile receives the server's own logs (warnings and errors). Empty discards them.
	LogFile string
	// Namespace is created at first start.
	Namespace string
	// SearchAttributes are registered with the namespace when it is created.
	SearchAttributes map[string]enumspb.IndexedValueType
	// CacheSize is how many workflows' mutable states the history service keeps in
	// memory (history.hostLevelCacheMaxSize, 128,000 by default: unbounded for a
	// laptop); 0: defaultCacheSize.
	CacheSize int
}

// defaultCacheSize keeps the embedded server's memory small with 10,000 open
// dossiers (a dossier's mutable state held costs about 25 KB of heap); an evicted
// workflow's state is read back from SQLite at its next task.
const defaultCacheSize = 500

// eventsCacheBytes bounds the history service's cache of recent events per shard
// (one shard here), 512 KiB by default.
const eventsCacheBytes = 4 << 20

// xdcCacheBytes bounds the cache of event blobs kept for cross-cluster replication
// (8 MB by default, filled at every write): one cluster here, nothing ever reads it.
// 64 KiB is its floor in Temporal.
const xdcCacheBytes = 64 << 10

// visibilityWorkers is how many visibility tasks (the records that list and search
// workflows) the history service runs at once, 512 by default. Their SQLite file has
// one connection: with 512, the tasks of a big intake queued for it past Temporal's
// 3-second task timeout, and thousands failed, were logged with their stack and ran
// again (2,604 and 5,900 in two runs of 10,000 dossiers; none with 8). Eight keep the
// connection busy while the next tasks read their workflows.
const visibilityWorkers = 8

// writePartitions is how many partitions of a task queue the server writes new tasks
// to, 4 by default. With 4, a backlog of thousands of dossiers' first workflow tasks was
// spread over them, and once the worker's pollers had drained the ones they waited on,
// the rest sat for a minute, until a long poll ended, with the engine idle (measured:
// acknowledgements stopped at ~5,100 of 10,000 for 60–65 s; none stopped with 1). One
// matching service on one SQLite file has nothing to spread. The read partitions stay
// 4, so that tasks written to the others by an earlier version are still dispatched.
const writePartitions = 1

// queueCheckpointInterval is how often each of the history service's task queues
// (transfer, visibility, timer) drops the tasks it has completed from memory and records
// its progress, 30 s by default. Every batch of new tasks is merged into the queue by
// walking each task it still holds, completed or not, so in a big intake that walk grew
// with the filings: in CPU profiles of 10,000 filings at 151 a second, from 1 % of the
// engine's CPU 20 s into the intake to 23 % 50 s in; with a checkpoint a second it stayed
// under 2 % and the same intake ran at 195 a second (docs/measurements.md).
// Each checkpoint writes the shard's one row.
const queueCheckpointInterval = time.Second

// Server is a running embedded Temporal server.
type Server struct {
	server   temporal.Server
	hostPort string
	ns       string
}

// Start boots the server and returns once its frontend accepts connections.
func Start(opts Options) (*Server, error) {
	if opts.Namespace == "" {
		return nil, errors.New("devserver: namespace is required")
	}
	if opts.IP == "" {
		opts.IP = "127.0.0.1"
	}
	for attempt := 1; ; attempt++ {
		srv, err := start(opts)
		// A port picked free can still be taken before the server binds it (by another
		// process, or an outgoing connection given it as its own): new ports are picked.
		// Seen in CI once in some hundred starts, on the frontend's HTTP port.
		if err != nil && attempt < startAttempts && portTaken(err) {
			continue
		}
		return srv, err
	}
}

// startAttempts bounds Start's tries when a port it picked was taken.
const startAttempts = 3

// start builds and starts the server once.
func start(opts Options) (*Server, error) {
	conf, err := buildConfig(opts)
	if err != nil {
		return nil, err
	}
	srv, err := temporal.NewServer(
		temporal.WithConfig(conf),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(staticHosts(conf)),
		temporal.WithLogger(buildLogger(opts.LogFile)),
		temporal.WithDynamicConfigClient(dynamicConfig(opts)),
	)
	if err != nil {
		return nil, fmt.Errorf("devserver: build server: %w", err)
	}
	if err := srv.Start(); err != nil {
		return nil, fmt.Errorf("devserver: start server: %w", err)
	}
	return &Server{server: srv, hostPort: conf.PublicClient.HostPort, ns: opts.Namespace}, nil
}

// portTaken reports whether err is a listener refused its address. The server's
// dependency injection (fx) keeps only the message of the error it wraps.
func portTaken(err error) bool {
	return errors.Is(err, syscall.EADDRINUSE) || strings.Contains(err.Error(), "address already in use")
}

// dynamicConfig is the server's settings that differ from Temporal's defaults.
func dynamicConfig(opts Options) dynamicconfig.StaticClient {
	if opts.CacheSize <= 0 {
		opts.CacheSize = defaultCacheSize
	}
	return dynamicconfig.StaticClient{
		dynamicconfig.FrontendMaxNamespaceVisibilityRPSPerInstance.Key(): 100,
		// Search attributes added to an existing namespace are seen within a second.
		dynamicconfig.NamespaceCacheRefreshInterval.Key():           time.Second,
		dynamicconfig.HistoryCacheHostLevelMaxSize.Key():            opts.CacheSize,
		dynamicconfig.EventsCacheMaxSizeBytes.Key():                 eventsCacheBytes,
		dynamicconfig.XDCCacheMaxSizeBytes.Key():                    xdcCacheBytes,
		dynamicconfig.VisibilityProcessorSchedulerWorkerCount.Key(): visibilityWorkers,
		dynamicconfig.MatchingNumTaskqueueWritePartitions.Key():     writePartitions,
		dynamicconfig.TransferProcessorUpdateAckInterval.Key():      queueCheckpointInterval,
		dynamicconfig.VisibilityProcessorUpdateAckInterval.Key():    queueCheckpointInterval,
		dynamicconfig.TimerProcessorUpdateAckInterval.Key():         queueCheckpointInterval,
	}
}

// HostPort is the frontend address to dial.
func (s *Server) HostPort() string { return s.hostPort }

// Namespace is the namespace created at start.
func (s *Server) Namespace() string { return s.ns }

// Stop shuts every service down; running workflows resume at the next Start on the same file.
func (s *Server) Stop() { s.server.Stop() }

func buildLogger(file string) log.Logger {
	if file == "" {
		return log.NewNoopLogger()
	}
	return log.NewZapLogger(log.BuildZapLogger(log.Config{Level: "warn", Format: "json", OutputFile: file}))
}

func buildConfig(opts Options) (*config.Config, error) {
	freshMain := opts.DatabaseFile != "" && missing(opts.DatabaseFile)
	sqlConf, err := buildSQLConfig(opts, freshMain)
	if err != nil {
		return nil, err
	}
	// The frontend's HTTP port, the four services' gRPC ports; the frontend's as asked, if asked.
	picked, err := freePorts(opts.IP, 5)
	if err != nil {
		return nil, err
	}
	httpPort := picked[0]
	grpcPorts := map[string]int{"frontend": picked[1], "history": picked[2], "matching": picked[3], "worker": picked[4]}
	if opts.FrontendPort != 0 {
		grpcPorts["frontend"] = opts.FrontendPort
	}
	frontendAddr := net.JoinHostPort(opts.IP, strconv.Itoa(grpcPorts["frontend"]))
	conf := &config.Config{}
	conf.Global.Membership.MaxJoinDuration = 30 * time.Second
	conf.Global.Membership.BroadcastAddress = opts.IP
	visConf, err := buildVisibilityConfig(opts, sqlConf, freshMain)
	if err != nil {
		return nil, err
	}
	conf.Persistence.DefaultStore = "sqlite-default"
	conf.Persistence.VisibilityStore = "sqlite-visibility"
	conf.Persistence.NumHistoryShards = 1
	conf.Persistence.DataStores = map[string]config.DataStore{"sqlite-default": {SQL: sqlConf}, "sqlite-visibility": {SQL: visConf}}
	conf.ClusterMetadata = &cluster.Config{
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontendAddr,
				HTTPAddress:            net.JoinHostPort(opts.IP, strconv.Itoa(httpPort)),
				ClusterID:              "aap-dev",
			},
		},
	}
	conf.DCRedirectionPolicy.Policy = "noop"
	conf.Services = map[string]config.Service{}
	for name, port := range grpcPorts {
		svc := config.Service{}
		svc.RPC.BindOnIP = opts.IP
		svc.RPC.GRPCPort = port
		if name == "frontend" {
			svc.RPC.HTTPPort = httpPort
		}
		conf.Services[name] = svc
	}
	conf.Archival.History.State = "disabled"
	conf.Archival.Visibility.State = "disabled"
	conf.NamespaceDefaults.Archival.History.State = "disabled"
	conf.NamespaceDefaults.Archival.Visibility.State = "disabled"
	conf.PublicClient.HostPort = frontendAddr
	return conf, nil
}

// buildSQLConfig opens the server's main SQLite store; fresh: its file does not
// exist yet, and gets the schema.
func buildSQLConfig(opts Options, fresh bool) (*config.SQL, error) {
	conf := &config.SQL{PluginName: sqliteplugin.PluginName, MaxConns: maxSQLiteConns, MaxIdleConns: maxSQLiteConns}
	if opts.DatabaseFile == "" {
		// A shared-cache in-memory database lives as long as one connection does.
		conf.ConnectAttributes = map[string]string{"mode": "memory", "cache": "shared"}
		conf.DatabaseName = fmt.Sprintf("aap-%d", time.Now().UnixNano())
		conf.MaxConns, conf.MaxIdleConns = 1, 1
	} else {
		conf.ConnectAttributes = map[string]string{"mode": "rwc", "journal_mode": "wal", "synchronous": "normal", "busy_timeout": "10000"}
		conf.DatabaseName = opts.DatabaseFile
		if fresh {
			if err := os.MkdirAll(filepath.Dir(opts.DatabaseFile), 0o755); err != nil {
				return nil, fmt.Errorf("devserver: data directory: %w", err)
			}
			if err := sqliteschema.SetupSchema(conf); err != nil {
				return nil, fmt.Errorf("devserver: set up schema: %w", err)
			}
		}
	}
	ns, err := sqliteschema.NewNamespaceConfig(clusterName, opts.Namespace, false, opts.SearchAttributes)
	if err != nil {
		return nil, fmt.Errorf("devserver: namespace config: %w", err)
	}
	// Retention of closed workflows; a campaign's open life is unaffected.
	ns.Detail.Config.Retention = durationpbDays(30)
	if err := sqliteschema.CreateNamespaces(conf, ns); err != nil {
		return nil, fmt.Errorf("devserver: create namespace: %w", err)
	}
	return conf, nil
}

// buildVisibilityConfig gives the server's visibility records (what lists and
// searches workflows) a SQLite file of their own, DatabaseFile's name with
// "-visibility": each file has its one connection, so that the visibility
// inserts of thousands of starts do not queue on the connection that persists
// the workflows themselves (measured: a quarter of the CPU of an intake, and the
// dossiers' first tasks waiting behind the starts). A data directory made before
// keeps its visibility in the main file, where its records are. In memory
// (tests) one database serves both.
func buildVisibilityConfig(opts Options, main *config.SQL, freshMain bool) (*config.SQL, error) {
	if opts.DatabaseFile == "" {
		return main, nil
	}
	file := VisibilityFile(opts.DatabaseFile)
	freshVis := missing(file)
	if freshVis && !freshMain {
		return main, nil
	}
	vis := *main
	vis.DatabaseName = file
	vis.ConnectAttributes = maps.Clone(main.ConnectAttributes)
	if freshVis {
		if err := sqliteschema.SetupSchema(&vis); err != nil {
			return nil, fmt.Errorf("devserver: set up the visibility schema: %w", err)
		}
	}
	return &vis, nil
}

// missing reports whether no file exists at path.
func missing(path string) bool {
	_, err := os.Stat(path)
	return errors.Is(err, os.ErrNotExist)
}

// VisibilityFile is the SQLite file of the server's visibility records.
func VisibilityFile(databaseFile string) string {
	ext := filepath.Ext(databaseFile)
	return strings.TrimSuffix(databaseFile, ext) + "-visibility" + ext
}

func staticHosts(conf *config.Config) map[primitives.ServiceName]static.Hosts {
	host := func(name string) static.Hosts {
		svc := conf.Services[name]
		return static.SingleLocalHost(net.JoinHostPort(svc.RPC.BindOnIP, strconv.Itoa(svc.RPC.GRPCPort)))
	}
	return map[primitives.ServiceName]static.Hosts{
		primitives.FrontendService: host("frontend"),
		primitives.HistoryService:  host("history"),
		primitives.MatchingService: host("matching"),
		primitives.WorkerService:   host("worker"),
	}
}

// freePorts asks the kernel for n distinct ports that are free now. Another process
// could still take one before the server binds it (Start then tries new ones); two
// things keep that rare, as the Temporal CLI does:
//   - the ports are held open together, so none is handed out twice;
//   - each is left in TIME_WAIT (a connection to it, closed from its side first), during
//     which the kernel gives it to no other bind to port 0 for a minute, while the
//     server's listeners, which set SO_REUSEADDR as Go's do, may still bind it.
func freePorts(ip string, n int) ([]int, error) {
	listeners := make([]*net.TCPListener, 0, n)
	defer func() {
		for _, l := range listeners {
			_ = l.Close()
		}
	}()
	ports := make([]int, 0, n)
	for range n {
		l, err := net.ListenTCP("tcp", &net.TCPAddr{IP: net.ParseIP(ip)})
		if err != nil {
			return nil, fmt.Errorf("devserver: find a free port: %w", err)
		}
		listeners = append(listeners, l)
		if err := holdInTimeWait(l); err != nil {
			return nil, fmt.Errorf("devserver: reserve a free port: %w", err)
		}
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}

// holdInTimeWait connects to l and closes the accepted side first: that side, bound
// to l's port, stays in TIME_WAIT.
func holdInTimeWait(l *net.TCPListener) error {
	client, err := net.DialTCP("tcp", nil, l.Addr().(*net.TCPAddr))
	if err != nil {
		return err
	}
	defer client.Close()
	accepted, err := l.Accept()
	if err != nil {
		return err
	}
	return accepted.Close()
}
