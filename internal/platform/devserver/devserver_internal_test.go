package devserver

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.temporal.io/server/common/dynamicconfig"
)

// The embedded server's SQLite file is opened with one connection, as the
// Temporal CLI does: more contend for SQLite's single write lock.
func TestSQLiteFileHasOneConnection(t *testing.T) {
	conf, err := buildSQLConfig(Options{Namespace: "default", DatabaseFile: filepath.Join(t.TempDir(), "temporal.db")}, true)
	require.NoError(t, err)
	require.Equal(t, 1, conf.MaxConns)
	require.Equal(t, 1, conf.MaxIdleConns)
	require.Equal(t, "wal", conf.ConnectAttributes["journal_mode"])
}

// The history service's workflow cache is bounded: the size asked, or the default.
func TestHistoryCacheIsBounded(t *testing.T) {
	require.Equal(t, 500, dynamicConfig(Options{CacheSize: 500})[dynamicconfig.HistoryCacheHostLevelMaxSize.Key()])
	require.Equal(t, defaultCacheSize, dynamicConfig(Options{})[dynamicconfig.HistoryCacheHostLevelMaxSize.Key()],
		"0: the default")
	require.Equal(t, 64<<10, dynamicConfig(Options{})[dynamicconfig.XDCCacheMaxSizeBytes.Key()],
		"the replication cache at its floor: one cluster, nothing reads it")
}

// A new data directory keeps the visibility records in a SQLite file of their
// own, with its own connection; one made before the split keeps them in the
// main file, where its records are; in memory one database serves both.
func TestVisibilityHasItsOwnFileInANewDataDirectory(t *testing.T) {
	dir := t.TempDir()
	main := filepath.Join(dir, "temporal.db")
	conf, err := buildConfig(Options{IP: "127.0.0.1", Namespace: "default", DatabaseFile: main})
	require.NoError(t, err)
	vis := conf.Persistence.DataStores[conf.Persistence.VisibilityStore].SQL
	require.Equal(t, filepath.Join(dir, "temporal-visibility.db"), vis.DatabaseName)
	require.FileExists(t, vis.DatabaseName, "its schema is set up at once")
	require.Equal(t, main, conf.Persistence.DataStores[conf.Persistence.DefaultStore].SQL.DatabaseName)
	require.Equal(t, 1, vis.MaxConns)

	again, err := buildConfig(Options{IP: "127.0.0.1", Namespace: "default", DatabaseFile: main})
	require.NoError(t, err)
	require.Equal(t, vis.DatabaseName, again.Persistence.DataStores[again.Persistence.VisibilityStore].SQL.DatabaseName,
		"a restart finds it")

	require.NoError(t, os.Remove(vis.DatabaseName))
	before, err := buildConfig(Options{IP: "127.0.0.1", Namespace: "default", DatabaseFile: main})
	require.NoError(t, err)
	require.Equal(t, main, before.Persistence.DataStores[before.Persistence.VisibilityStore].SQL.DatabaseName,
		"a directory from before the split keeps its visibility in the main file")
	require.NoFileExists(t, vis.DatabaseName)

	memory, err := buildConfig(Options{IP: "127.0.0.1", Namespace: "default"})
	require.NoError(t, err)
	require.Equal(t, memory.Persistence.DataStores[memory.Persistence.DefaultStore].SQL.DatabaseName,
		memory.Persistence.DataStores[memory.Persistence.VisibilityStore].SQL.DatabaseName)
}

// New workflow tasks go to one partition of their task queue, where every poll ends up;
// the partitions read stay Temporal's 4, so that tasks an earlier version wrote to the
// others are still dispatched. (With 4 written, the engine idled for a minute with
// thousands of accusés de réception to send after an intake of 10,000: a backlog that
// size takes aapbench to build, see docs/measurements.md; 400 drain either way.)
func TestNewTasksGoToOnePartition(t *testing.T) {
	conf := dynamicConfig(Options{})
	require.Equal(t, 1, conf[dynamicconfig.MatchingNumTaskqueueWritePartitions.Key()])
	require.NotContains(t, conf, dynamicconfig.MatchingNumTaskqueueReadPartitions.Key())
}

// Visibility tasks run 8 at a time on their file's one connection, not 512 waiting past
// their 3-s timeout (thousands failed and ran again in an intake of 10,000).
func TestVisibilityTasksDoNotCrowdTheirConnection(t *testing.T) {
	require.Equal(t, 8, dynamicConfig(Options{})[dynamicconfig.VisibilityProcessorSchedulerWorkerCount.Key()],
		"the visibility file's one connection, not 512 tasks waiting past their 3-s timeout")
}

// Each of the history service's task queues forgets its completed tasks every second,
// not every 30 s: a big intake's new tasks are merged by walking every task the queue
// still holds, and that walk grew to 23 % of the engine's CPU 50 s into an intake.
func TestHistoryQueuesCheckpointEverySecond(t *testing.T) {
	conf := dynamicConfig(Options{})
	for _, key := range []dynamicconfig.Key{
		dynamicconfig.TransferProcessorUpdateAckInterval.Key(),
		dynamicconfig.VisibilityProcessorUpdateAckInterval.Key(),
		dynamicconfig.TimerProcessorUpdateAckInterval.Key(),
	} {
		require.Equal(t, time.Second, conf[key], key.String())
	}
}

// The ports picked for the server are distinct and free for it to bind.
func TestPickedPortsAreDistinctAndFreeToBind(t *testing.T) {
	ports, err := freePorts("127.0.0.1", 5)
	require.NoError(t, err)
	require.Len(t, ports, 5)
	seen := map[int]bool{}
	for _, port := range ports {
		require.False(t, seen[port], "port %d picked twice", port)
		seen[port] = true
		l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
		require.NoError(t, err, "the server can still bind it")
		require.NoError(t, l.Close())
	}
}

// Each port picked is left in TIME_WAIT, so that no bind to port 0 (another test's
// listener) is handed one of them before the server binds it.
func TestPickedPortsAreHeldFromOtherBinds(t *testing.T) {
	ports, err := freePorts("127.0.0.1", 5)
	require.NoError(t, err)
	waiting := timeWaitPorts(t)
	for _, port := range ports {
		require.True(t, waiting[port], "port %d in TIME_WAIT", port)
	}
}

// timeWaitPorts reads the local ports of the IPv4 sockets in TIME_WAIT (state 06)
// from /proc/net/tcp: Linux's, the system the engine and CI run on. A system without
// that table skips the TIME_WAIT test (the ports are still checked distinct and free to
// bind there); any other failure to read it fails the test.
func timeWaitPorts(t *testing.T) map[int]bool {
	t.Helper()
	table, err := os.ReadFile("/proc/net/tcp")
	if errors.Is(err, fs.ErrNotExist) {
		t.Skip("no /proc/net/tcp (Linux's table of sockets) to read the ports' states from")
	}
	require.NoError(t, err)
	ports := map[int]bool{}
	for _, line := range strings.Split(string(table), "\n")[1:] {
		fields := strings.Fields(line)
		if len(fields) < 4 || fields[3] != "06" {
			continue
		}
		_, hexPort, _ := strings.Cut(fields[1], ":")
		port, err := strconv.ParseInt(hexPort, 16, 32)
		require.NoError(t, err)
		ports[int(port)] = true
	}
	return ports
}

// A port taken is told apart from other failures, so that Start tries new ports only then.
func TestPortTakenIsRecognised(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	_, err = net.Listen("tcp", l.Addr().String())
	require.Error(t, err)
	require.True(t, portTaken(err))
	require.True(t, portTaken(fmt.Errorf("build server: %s", err)), "as fx passes it on: its message only")
	require.False(t, portTaken(errors.New("devserver: set up schema: disk full")))
}
