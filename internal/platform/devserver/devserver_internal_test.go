package devserver

import (
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
	"go.temporal.io/server/common/dynamicconfig"
)

// The embedded server's SQLite file is opened with one connection, as the
// Temporal CLI does: more contend for SQLite's single write lock.
func TestSQLiteFileHasOneConnection(t *testing.T) {
	conf, err := buildSQLConfig(Options{Namespace: "default", DatabaseFile: filepath.Join(t.TempDir(), "temporal.db")})
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
