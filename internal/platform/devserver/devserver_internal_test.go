package devserver

import (
	"os"
	"path/filepath"
	"testing"

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
