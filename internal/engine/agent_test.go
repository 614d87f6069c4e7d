package engine_test

import (
	"encoding/json"
	"log/slog"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

func TestAgentCommandAddsListsAndDisablesAudited(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AAP_DATA_DIR", dir)
	t.Setenv("AAP_LOG_FORMAT", "json")

	code, out, errOut := aap(t, "agent", "add", "--email", "Marie.Curie@Rhone.gouv.fr", "--role", "correspondent",
		"--territory", "69", "--name", "Marie Curie")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "agent 1 added: marie.curie@rhone.gouv.fr (correspondent), departmental 69")
	code, out, errOut = aap(t, "agent", "add", "--email", "dian@interieur.gouv.fr", "--role", "dian")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "agent 2 added: dian@interieur.gouv.fr (dian)")

	code, out, _ = aap(t, "agent", "list")
	require.Equal(t, 0, code)
	assert.Regexp(t, `1\s+marie.curie@rhone.gouv.fr\s+Marie Curie\s+correspondent\s+departmental 69\s+no\s+-\s+active`, out)
	assert.Regexp(t, `2\s+dian@interieur.gouv.fr\s+-\s+dian\s+-\s+no\s+-\s+active`, out)

	code, out, errOut = aap(t, "agent", "disable", "1")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "agent 1 disabled; its sessions are closed")
	_, out, _ = aap(t, "agent", "list")
	assert.Regexp(t, `1\s+marie.curie@rhone.gouv.fr.*disabled`, out)

	// Refused, each with the rule in French; nothing added.
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"agent", "add", "--email", "marie.curie@rhone.gouv.fr", "--role", "dian"}, "un agent a déjà cette adresse"},
		{[]string{"agent", "add", "--email", "pas-une-adresse", "--role", "dian"}, "email : adresse électronique invalide"},
		{[]string{"agent", "add", "--email", "a@b.fr", "--role", "admin"}, "role : le rôle est « dian » ou « correspondent »"},
		{[]string{"agent", "add", "--email", "a@b.fr", "--role", "correspondent", "--territory", "999"}, "« 999 » : aucune région ni aucun département n'a ce code INSEE"},
		{[]string{"agent", "add", "--email", "a@b.fr", "--role", "correspondent", "--territory", "69", "--level", "regional"}, "« 69 » : aucune région n'a ce code INSEE"},
		{[]string{"agent", "add", "--email", "a@b.fr", "--role", "correspondent", "--territory", "84", "--level", "national"}, "level : le niveau est « regional » ou « departmental »"},
		{[]string{"agent", "add", "--email", "a@b.fr", "--role", "correspondent"}, "territory : un correspondant a un territoire"},
		{[]string{"agent", "add", "--email", "a@b.fr", "--role", "dian", "--territory", "69"}, "un agent de la DIAN n'a ni territoire"},
		{[]string{"agent", "disable", "42"}, "not found"},
		{[]string{"agent", "frobnicate"}, "unknown agent command"},
	} {
		code, _, errOut := aap(t, bad.args...)
		assert.Equal(t, 1, code, "%v: %s", bad.args, errOut)
		assert.Contains(t, errOut, bad.want, bad.args)
	}
	// Just inside: 84 is both a region and a department; --level departmental takes Vaucluse.
	code, out, errOut = aap(t, "agent", "add", "--email", "ddets84@vaucluse.gouv.fr", "--role", "correspondent", "--territory", "84", "--level", "departmental")
	require.Equal(t, 0, code, errOut)
	assert.Contains(t, out, "departmental 84")

	db, err := store.Open("", dir, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = store.Close(db) })
	var n int64
	require.NoError(t, db.Model(&models.Agent{}).Count(&n).Error)
	assert.EqualValues(t, 3, n, "the refused agents were not added")
	var trail []models.AuditEntry
	require.NoError(t, db.Where("entity = ?", store.AuditAgent).Order("id").Find(&trail).Error)
	require.Len(t, trail, 4)
	assert.Equal(t, []string{"created", "created", "disabled", "created"},
		[]string{trail[0].Action, trail[1].Action, trail[2].Action, trail[3].Action})
	assert.Equal(t, "aap agent (command line)", trail[2].Actor)
	var after map[string]any
	require.NoError(t, json.Unmarshal([]byte(trail[2].After), &after))
	assert.Equal(t, false, after["active"])
}
