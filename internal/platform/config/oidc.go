package config

import "net/url"

// OIDC is the OpenID Provider the agents sign in with (ProConnect); an empty
// Issuer: none, which only `aap dev` accepts (it offers its dev sign-in instead).
type OIDC struct {
	Issuer       string
	ClientID     string
	ClientSecret string
	// RedirectURL is where the provider sends the agent back: <public URL>/connexion/retour.
	RedirectURL string
}

// oidc reads the provider's settings: with an issuer, the client and the redirect URL are required.
func (l *loader) oidc(c *Config) {
	c.OIDC = OIDC{Issuer: l.get("AAP_OIDC_ISSUER", ""), ClientID: l.get("AAP_OIDC_CLIENT_ID", ""),
		ClientSecret: l.getenv("AAP_OIDC_CLIENT_SECRET"), RedirectURL: l.get("AAP_OIDC_REDIRECT_URL", "")}
	if c.OIDC.Issuer == "" {
		return
	}
	if !isHTTPURL(c.OIDC.Issuer) {
		l.bad("AAP_OIDC_ISSUER", c.OIDC.Issuer, "expected the provider's http(s) URL, e.g. https://auth.agentconnect.gouv.fr/api/v2")
	}
	if c.OIDC.ClientID == "" {
		l.bad("AAP_OIDC_CLIENT_ID", "", "AAP_OIDC_ISSUER needs the client ID the provider gave")
	}
	if c.OIDC.ClientSecret == "" {
		l.bad("AAP_OIDC_CLIENT_SECRET", "", "AAP_OIDC_ISSUER needs the client secret the provider gave")
	}
	if u, err := url.Parse(c.OIDC.RedirectURL); err != nil || !isHTTPURL(c.OIDC.RedirectURL) || u.Path != "/connexion/retour" {
		l.bad("AAP_OIDC_REDIRECT_URL", c.OIDC.RedirectURL, "expected the address of /connexion/retour, e.g. https://aap.interieur.gouv.fr/connexion/retour")
	}
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "https" || u.Scheme == "http") && u.Host != "" && u.RawQuery == "" && u.Fragment == ""
}
