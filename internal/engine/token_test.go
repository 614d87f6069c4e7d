package engine_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/engine"
)

// aap runs the command line with its output.
func aap(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := engine.Main(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestTokenCommandCreatesListsAndRevokesOnTheDevDatabase(t *testing.T) {
	t.Setenv("AAP_DATA_DIR", t.TempDir())
	t.Setenv("AAP_LOG_FORMAT", "json")

	code, out, errOut := aap(t, "token", "create", "--role", "correspondent", "--territory", "84", "--name", "DREETS ARA", "--expires", "90d")
	require.Equal(t, 0, code, errOut)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	secret := lines[len(lines)-1]
	assert.True(t, strings.HasPrefix(secret, "aap_"), out)
	assert.Contains(t, out, "regional 84")

	code, out, _ = aap(t, "token", "list")
	require.Equal(t, 0, code)
	assert.Contains(t, out, "DREETS ARA")
	assert.Contains(t, out, "active")
	assert.NotContains(t, out, secret, "the secret is shown once, at creation")

	code, _, errOut = aap(t, "token", "revoke", "1")
	require.Equal(t, 0, code, errOut)
	_, out, _ = aap(t, "token", "list")
	assert.Contains(t, out, "revoked")

	for _, bad := range [][]string{
		{"token", "create", "--role", "correspondent", "--territory", "999", "--name", "x"},
		{"token", "create", "--role", "admin", "--name", "x"},
		{"token", "create", "--role", "dian", "--name", "x", "--expires", "demain"},
		{"token", "revoke", "42"},
		{"token", "frobnicate"},
	} {
		code, _, errOut := aap(t, bad...)
		assert.Equal(t, 1, code, "%v: %s", bad, errOut)
		assert.NotEmpty(t, errOut)
	}
}

func TestProductionRefusesToStartWithoutALinkSecret(t *testing.T) {
	t.Setenv("AAP_DATA_DIR", t.TempDir())
	t.Setenv("AAP_TEMPORAL_ADDRESS", "127.0.0.1:1")
	t.Setenv("AAP_SMTP_HOST", "127.0.0.1")
	t.Setenv("AAP_LINK_SECRET", "")
	t.Setenv("AAP_OIDC_ISSUER", "https://auth.example.gouv.fr")
	t.Setenv("AAP_OIDC_CLIENT_ID", "aap")
	t.Setenv("AAP_OIDC_CLIENT_SECRET", "secret")
	t.Setenv("AAP_OIDC_REDIRECT_URL", "https://aap.example.gouv.fr/connexion/retour")
	for _, cmd := range []string{"api", "worker"} {
		code, _, errOut := aap(t, cmd)
		assert.Equal(t, 1, code)
		assert.Contains(t, errOut, "AAP_LINK_SECRET is required", cmd)
	}
}

// The dev sign-in exists only in `aap dev`: `aap api` without a provider refuses to start, saying why.
func TestAPIRefusesToStartWithoutAnIdentityProvider(t *testing.T) {
	t.Setenv("AAP_DATA_DIR", t.TempDir())
	t.Setenv("AAP_TEMPORAL_ADDRESS", "127.0.0.1:1")
	t.Setenv("AAP_LINK_SECRET", strings.Repeat("s", 32))
	t.Setenv("AAP_OIDC_ISSUER", "")
	code, _, errOut := aap(t, "api")
	assert.Equal(t, 1, code)
	assert.Contains(t, errOut, "AAP_OIDC_ISSUER is required outside `aap dev`")

	// With an issuer, its client and return address are required, each named.
	t.Setenv("AAP_OIDC_ISSUER", "https://auth.example.gouv.fr")
	t.Setenv("AAP_OIDC_REDIRECT_URL", "https://aap.example.gouv.fr/retour")
	code, _, errOut = aap(t, "api")
	assert.Equal(t, 2, code)
	assert.Contains(t, errOut, "AAP_OIDC_CLIENT_ID")
	assert.Contains(t, errOut, "AAP_OIDC_CLIENT_SECRET")
	assert.Contains(t, errOut, `AAP_OIDC_REDIRECT_URL="https://aap.example.gouv.fr/retour": expected the address of /connexion/retour`)
}

func TestDevKeepsItsLinkSecretInTheDataDirectory(t *testing.T) {
	dir := t.TempDir()
	d := startDev(t, dir)
	d.Stop()
	secret, err := os.ReadFile(filepath.Join(dir, "link-secret"))
	require.NoError(t, err)
	info, err := os.Stat(filepath.Join(dir, "link-secret"))
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), info.Mode().Perm())
	d = startDev(t, dir)
	d.Stop()
	again, err := os.ReadFile(filepath.Join(dir, "link-secret"))
	require.NoError(t, err)
	assert.Equal(t, secret, again, "links sent before a restart still open after it")
}
