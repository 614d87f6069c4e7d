package engine

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"
)

func TestLoadCarifOrefChecksRegionsAndAddresses(t *testing.T) {
	write := func(content string) string {
		path := filepath.Join(t.TempDir(), "carif-oref.yaml")
		require.NoError(t, os.WriteFile(path, []byte(content), 0o644))
		return path
	}
	got, err := loadCarifOref(write(`"84": carif@example.org` + "\n"))
	require.NoError(t, err)
	require.Equal(t, map[string]string{"84": "carif@example.org"}, got)

	_, err = loadCarifOref(write(`"69": carif@example.org` + "\n"))
	require.ErrorContains(t, err, `"69" is not an INSEE region code`)
	_, err = loadCarifOref(write(`"84": not-an-address` + "\n"))
	require.ErrorContains(t, err, "region 84")
	_, err = loadCarifOref(filepath.Join(t.TempDir(), "missing.yaml"))
	require.ErrorContains(t, err, "AAP_CARIF_OREF_FILE")

	none, err := loadCarifOref("")
	require.NoError(t, err)
	require.Empty(t, none)
}
