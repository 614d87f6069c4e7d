package config

import (
	"testing"

	"github.com/stretchr/testify/require"
)

// AAP_MEMORY_LIMIT reads GOMEMLIMIT's sizes, from 64MiB up, or off; unset leaves the choice to the command.
func TestLoadMemoryLimit(t *testing.T) {
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.Zero(t, c.MemoryLimit, "unset: `aap dev` takes DevMemoryLimit, the others the runtime's own")

	for value, want := range map[string]int64{
		"300MiB":    300 << 20,
		"2GiB":      2 << 30,
		"65536KiB":  64 << 20, // the minimum, in another unit
		"67108864B": 64 << 20,
		"off":       NoMemoryLimit,
		"OFF":       NoMemoryLimit,
	} {
		c, err := Load(env(map[string]string{"AAP_MEMORY_LIMIT": value}))
		require.NoError(t, err, value)
		require.Equal(t, want, c.MemoryLimit, value)
	}
	for _, value := range []string{
		"67108863B", // one byte under the minimum
		"63MiB",
		"300",   // no unit: bytes or megabytes?
		"300MB", // GOMEMLIMIT's units are binary
		"-1GiB",
		"1.5GiB",
		"none",
		"99999999999GiB", // overflows
	} {
		_, err := Load(env(map[string]string{"AAP_MEMORY_LIMIT": value}))
		require.ErrorContains(t, err, "AAP_MEMORY_LIMIT=", value)
		require.ErrorContains(t, err, "at least 64MiB", value)
	}
}

// AAP_PPROF_ADDR is off by default, a host:port when set.
func TestLoadPprofAddr(t *testing.T) {
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.Empty(t, c.PprofAddr)
	c, err = Load(env(map[string]string{"AAP_PPROF_ADDR": "127.0.0.1:6060"}))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:6060", c.PprofAddr)
	_, err = Load(env(map[string]string{"AAP_PPROF_ADDR": "6060"}))
	require.ErrorContains(t, err, `AAP_PPROF_ADDR="6060": expected host:port`)
}
