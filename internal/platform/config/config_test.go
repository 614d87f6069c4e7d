package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaultsRunOnEmbeddedServices(t *testing.T) {
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, "127.0.0.1:8080", c.HTTPAddr)
	require.Equal(t, "data", c.DataDir)
	require.Empty(t, c.DatabaseURL)
	require.Empty(t, c.TemporalAddress)
	require.Equal(t, "default", c.TemporalNamespace)
	require.Equal(t, 7233, c.TemporalPort)
	require.Equal(t, 30*24*time.Hour, c.TemporalRetention)
	require.Equal(t, SMTP{Port: DefaultCatcherPort, TLS: TLSNone}, c.SMTP)
	require.Equal(t, 24*time.Hour, c.MailRetryFor)
	require.Equal(t, "https://enquetes.example.gouv.fr/index.php/pne", c.PNESurveyURL)
	require.Equal(t, 10, c.MailRate)
	require.Equal(t, "dian@aap.localhost", c.DIANEmail)
	require.Equal(t, 500, c.WorkflowCacheSize)
	require.Equal(t, 500, c.TemporalCacheSize)
}

// The caches' sizes: at least one workflow (0 is refused, see above).
func TestLoadCacheSizes(t *testing.T) {
	c, err := Load(env(map[string]string{"AAP_WORKFLOW_CACHE_SIZE": "1", "AAP_TEMPORAL_CACHE_SIZE": "1"}))
	require.NoError(t, err)
	require.Equal(t, 1, c.WorkflowCacheSize)
	require.Equal(t, 1, c.TemporalCacheSize)
}

func TestLoadPNESurveyAndMailRate(t *testing.T) {
	c, err := Load(env(map[string]string{"AAP_PNE_SURVEY_URL": "https://limesurvey.interieur.gouv.fr/index.php/123456", "AAP_MAIL_RATE": "0"}))
	require.NoError(t, err)
	require.Equal(t, "https://limesurvey.interieur.gouv.fr/index.php/123456", c.PNESurveyURL)
	require.Zero(t, c.MailRate, "0: unpaced")
}

// The overview's cache: 5 s by default, 0 turns it off, a minute at most (61 s is refused above).
func TestLoadOverviewCache(t *testing.T) {
	c, err := Load(env(nil))
	require.NoError(t, err)
	require.Equal(t, 5*time.Second, c.OverviewCacheFor)
	for value, want := range map[string]time.Duration{"0": 0, "1m": time.Minute} {
		c, err := Load(env(map[string]string{"AAP_OVERVIEW_CACHE": value}))
		require.NoError(t, err)
		require.Equal(t, want, c.OverviewCacheFor)
	}
	_, err = Load(env(map[string]string{"AAP_OVERVIEW_CACHE": "-1s"}))
	require.ErrorContains(t, err, "AAP_OVERVIEW_CACHE=")
}

func TestLoadRelayDefaultsToSubmissionPortWithSTARTTLS(t *testing.T) {
	c, err := Load(env(map[string]string{"AAP_SMTP_HOST": "smtp.example.org"}))
	require.NoError(t, err)
	require.Equal(t, 587, c.SMTP.Port)
	require.Equal(t, TLSOpportunistic, c.SMTP.TLS)
}

func TestLoadRefusesBadValuesNamingTheVariable(t *testing.T) {
	cases := map[string]string{
		"AAP_HTTP_ADDR":           "8080",
		"AAP_DATABASE_URL":        "mysql://x",
		"AAP_TEMPORAL_ADDRESS":    "temporal",
		"AAP_TEMPORAL_PORT":       "70000",
		"AAP_TEMPORAL_RETENTION":  "23h59m",
		"AAP_SMTP_PORT":           "smtp",
		"AAP_SMTP_TLS":            "always",
		"AAP_MAIL_FROM":           "not an address",
		"AAP_LOG_FORMAT":          "xml",
		"AAP_SMTP_USERNAME":       "user-without-password",
		"AAP_MAIL_RETRY_FOR":      "30s",
		"AAP_PNE_SURVEY_URL":      "enquetes.example.gouv.fr/pne",
		"AAP_MAIL_RATE":           "-1",
		"AAP_DIAN_EMAIL":          "dian",
		"AAP_RATE_LIMIT":          "-5",
		"AAP_OVERVIEW_CACHE":      "61s",
		"AAP_WORKFLOW_CACHE_SIZE": "0",
		"AAP_TEMPORAL_CACHE_SIZE": "0",
		"AAP_LINK_SECRET":         "too-short",
		"AAP_PUBLIC_URL":          "ftp://aap.example",
	}
	for name, value := range cases {
		t.Run(name, func(t *testing.T) {
			_, err := Load(env(map[string]string{name: value}))
			require.ErrorContains(t, err, name+"=")
		})
	}
}

func TestLoadReportsEveryBadVariableAtOnce(t *testing.T) {
	_, err := Load(env(map[string]string{"AAP_SMTP_PORT": "0", "AAP_SMTP_TLS": "x"}))
	require.ErrorContains(t, err, "AAP_SMTP_PORT")
	require.ErrorContains(t, err, "AAP_SMTP_TLS")
}

func TestLoadTemporalRetentionAtItsOneDayMinimum(t *testing.T) {
	c, err := Load(env(map[string]string{"AAP_TEMPORAL_RETENTION": "24h"}))
	require.NoError(t, err)
	require.Equal(t, 24*time.Hour, c.TemporalRetention)
	_, err = Load(env(map[string]string{"AAP_TEMPORAL_RETENTION": "30d"}))
	require.ErrorContains(t, err, "AAP_TEMPORAL_RETENTION=", "Go durations have no day unit")
}
