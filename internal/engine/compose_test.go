package engine_test

import (
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gopkg.in/yaml.v3"
)

// composeService is what the invariants below read of a docker-compose.yml service.
type composeService struct {
	Image       string                       `yaml:"image"`
	Entrypoint  []string                     `yaml:"entrypoint"`
	Command     []string                     `yaml:"command"`
	Environment map[string]string            `yaml:"environment"`
	DependsOn   map[string]map[string]string `yaml:"depends_on"`
	Healthcheck *struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

// embeddedServerVersion is the Temporal server version go.mod embeds ("1.32.0").
func embeddedServerVersion(t *testing.T) string {
	t.Helper()
	raw, err := os.ReadFile("../../go.mod")
	require.NoError(t, err)
	m := regexp.MustCompile(`(?m)^\s*go\.temporal\.io/server v(\d+\.\d+\.\d+)\s*$`).FindSubmatch(raw)
	if m != nil {
		return string(m[1])
	}
	t.Fatal("go.mod requires no go.temporal.io/server")
	return ""
}

func TestComposeFileRunsTheEmbeddedServerVersionWithItsSchemasAndHealthchecks(t *testing.T) {
	raw, err := os.ReadFile("../../docker-compose.yml")
	require.NoError(t, err)
	var file struct {
		Services map[string]composeService `yaml:"services"`
	}
	require.NoError(t, yaml.Unmarshal(raw, &file))
	services := file.Services
	version := embeddedServerVersion(t)

	// The server image is the embedded server's version; auto-setup is no longer built.
	require.Contains(t, services, "temporal")
	assert.Equal(t, "temporalio/server:"+version, services["temporal"].Image)
	var sqlTool strings.Builder
	for name, s := range services {
		assert.NotContains(t, s.Image, "auto-setup", name)
		if strings.HasPrefix(s.Image, "temporalio/admin-tools:") {
			assert.Equal(t, "temporalio/admin-tools:"+version, s.Image, name)
			sqlTool.WriteString(strings.Join(s.Command, " ") + "\n")
		}
		if strings.HasPrefix(s.Image, "temporalio/ui:") {
			// 2.54.1 is the UI of the server 1.32.0's Helm chart.
			assert.Regexp(t, `^temporalio/ui:2\.(5[4-9]|[6-9][0-9])\.\d+$`, s.Image, "a current UI (2.54 or later)")
		}
		if strings.HasPrefix(s.Image, "axllent/mailpit") {
			assert.Regexp(t, `^axllent/mailpit:v1\.\d+\.\d+$`, s.Image, "Mailpit pinned to a release")
		}
	}
	// Both stores are created, set up and migrated by the admin tools, before the server starts.
	for _, db := range []struct{ name, dir string }{
		{"temporal", "/etc/temporal/schema/postgresql/v12/temporal/versioned"},
		{"temporal_visibility", "/etc/temporal/schema/postgresql/v12/visibility/versioned"},
	} {
		for _, step := range []string{"create", "setup-schema -v 0.0", "update-schema -d " + db.dir} {
			assert.Regexp(t, regexp.MustCompile(`temporal-sql-tool --plugin postgres12 .*--db `+db.name+` `+regexp.QuoteMeta(step)), sqlTool.String(), db.name+": "+step)
		}
	}

	// One-shot services are those another waits to complete; every other service runs for
	// good and has a healthcheck, and every dependency waits for health or completion.
	oneShot := map[string]bool{}
	for _, s := range services {
		for dep, cond := range s.DependsOn {
			if cond["condition"] == "service_completed_successfully" {
				oneShot[dep] = true
			}
		}
	}
	for _, name := range []string{"temporal-schema", "temporal-visibility-schema", "aap-migrate"} {
		assert.True(t, oneShot[name], "%s runs to completion before what depends on it", name)
	}
	for name, s := range services {
		if !oneShot[name] {
			if assert.NotNil(t, s.Healthcheck, "%s has a healthcheck", name) {
				assert.NotEmpty(t, s.Healthcheck.Test, name)
			}
		}
		for dep, cond := range s.DependsOn {
			require.Contains(t, services, dep, "%s depends on %s", name, dep)
			switch cond["condition"] {
			case "service_healthy":
				assert.NotNil(t, services[dep].Healthcheck, "%s waits for %s to be healthy: it needs a healthcheck", name, dep)
			case "service_completed_successfully":
			default:
				t.Errorf("%s depends on %s with condition %q: expected service_healthy or service_completed_successfully", name, dep, cond["condition"])
			}
		}
	}
	assert.Equal(t, "service_healthy", services["aap-migrate"].DependsOn["temporal"]["condition"],
		"the namespace is created once the frontend answers")

	// The link secret has no default anywhere: compose refuses to start without one.
	secretRef := regexp.MustCompile(`^\$\{AAP_LINK_SECRET:\?[^}]+\}$`)
	for _, name := range []string{"aap-migrate", "aap-api", "aap-worker"} {
		assert.Regexp(t, secretRef, services[name].Environment["AAP_LINK_SECRET"], name)
	}
	assert.NotRegexp(t, `AAP_LINK_SECRET:-`, string(raw), "no default secret")
}
