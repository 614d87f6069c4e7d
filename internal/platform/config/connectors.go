package config

import (
	"net/url"
	"strconv"
	"time"
)

// DefaultDSEndpoint is Démarches Simplifiées' GraphQL API v2.
const DefaultDSEndpoint = "https://www.demarches-simplifiees.fr/api/v2/graphql"

// DS configures the Démarches Simplifiées connector; an empty Token: no call may take its dossiers from DS.
type DS struct {
	Token    string
	Endpoint string
	// PullEvery is how often an open call's démarche is pulled.
	PullEvery time.Duration
	// WebhookSecret signs each call's webhook URL (HMAC-SHA256); empty: webhooks refused.
	WebhookSecret string
}

// LimeSurvey configures the PNE's questionnaire on LimeSurvey (RemoteControl 2, JSON-RPC);
// an empty URL: the PNE's answers come from the CSV import only.
type LimeSurvey struct {
	URL      string
	User     string
	Password string
	SurveyID int
}

// connectors reads the DS and LimeSurvey settings.
func (l *loader) connectors(c *Config) {
	c.DS = DS{Token: l.getenv("AAP_DS_TOKEN"), Endpoint: l.get("AAP_DS_ENDPOINT", DefaultDSEndpoint),
		WebhookSecret: l.getenv("AAP_DS_WEBHOOK_SECRET")}
	if u, err := url.Parse(c.DS.Endpoint); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		l.bad("AAP_DS_ENDPOINT", c.DS.Endpoint, "expected an http(s) URL, e.g. "+DefaultDSEndpoint)
	}
	var err error
	if c.DS.PullEvery, err = time.ParseDuration(l.get("AAP_DS_PULL_EVERY", "1h")); err != nil || c.DS.PullEvery < time.Minute {
		l.bad("AAP_DS_PULL_EVERY", l.getenv("AAP_DS_PULL_EVERY"), "expected a duration of at least 1m, e.g. 1h")
	}
	if c.DS.WebhookSecret != "" && len(c.DS.WebhookSecret) < 32 {
		l.bad("AAP_DS_WEBHOOK_SECRET", "(hidden)", "expected at least 32 characters, e.g. the output of `openssl rand -hex 32`")
	}
	c.LimeSurvey = LimeSurvey{URL: l.get("AAP_LIMESURVEY_URL", ""), User: l.get("AAP_LIMESURVEY_USER", ""),
		Password: l.getenv("AAP_LIMESURVEY_PASSWORD")}
	if c.LimeSurvey.URL == "" {
		return
	}
	if u, err := url.Parse(c.LimeSurvey.URL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		l.bad("AAP_LIMESURVEY_URL", c.LimeSurvey.URL, "expected an http(s) URL, e.g. https://enquetes.example.gouv.fr/index.php/admin/remotecontrol")
	}
	if c.LimeSurvey.User == "" || c.LimeSurvey.Password == "" {
		l.bad("AAP_LIMESURVEY_USER", c.LimeSurvey.User, "AAP_LIMESURVEY_URL needs AAP_LIMESURVEY_USER and AAP_LIMESURVEY_PASSWORD")
	}
	if c.LimeSurvey.SurveyID, err = strconv.Atoi(l.get("AAP_LIMESURVEY_SURVEY_ID", "")); err != nil || c.LimeSurvey.SurveyID <= 0 {
		l.bad("AAP_LIMESURVEY_SURVEY_ID", l.getenv("AAP_LIMESURVEY_SURVEY_ID"), "expected the survey's number, e.g. 123456")
	}
}
