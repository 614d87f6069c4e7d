package engine_test

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/oidctest"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/internal/web/browsertest"
	"github.com/dian-p104/aap/models"
)

// agentRun is what agent.mjs did: each page checked, the texts it read, where it ended.
type agentRun struct {
	Steps []browsertest.Result `json:"steps"`
	Reads map[string]string    `json:"reads"`
	URL   string               `json:"url"`
	// Cookie is the session the browser ended with, for the next run.
	Cookie string `json:"cookie"`
}

// TestAnAgentRunsACallInChromium: a correspondent of the Rhône signs in through a real OpenID
// Provider (internal/oidctest: « Se connecter avec ProConnect », the provider's login page), creates a call through
// the form in real Chromium (a title too short is refused under its field, nothing stored; then
// created); dossiers are filed through the API while it is open; once closed, the correspondent
// opens it, runs « Vérifier » on a selection that breaks the 70 % rule and reads its figures,
// then records a valid one and sees the conventions leave in the call's emails. Every page passes
// axe-core at 1280 and 320 px; screenshots go to AAP_SCREENSHOT_DIR (agent-*).
func TestAnAgentRunsACallInChromium(t *testing.T) {
	node, chromium := browsertest.Tools(t, repoRoot)
	// The engine signs its agents in with a real OpenID Provider started here (ProConnect's part).
	provider := oidctest.Start(t)
	d := startDev(t, t.TempDir(), func(cfg *config.Config) {
		cfg.OIDC = config.OIDC{Issuer: provider.Issuer, ClientID: oidctest.ClientID, ClientSecret: oidctest.ClientSecret}
	})
	defer d.Stop()
	provider.Register(d.HTTPURL+"/connexion/retour", d.HTTPURL+"/connexion?deconnecte=1")
	_, err := auth.AddAgent(store.WithActor(t.Context(), store.Actor{Name: "test"}), store.NewAgents(d.DB), auth.NewAgent{
		Email: "marie.curie@rhone.gouv.fr", Name: "Marie Curie", Role: auth.RoleCorrespondent, Territory: "69"})
	require.NoError(t, err)
	dir := browsertest.ScreenshotDir(t)
	cookie := ""
	run := func(steps ...map[string]any) agentRun {
		t.Helper()
		var out agentRun
		browsertest.Run(t, node, chromium, repoRoot, "agent.mjs", map[string]any{"screenshotDir": dir, "base": d.HTTPURL, "cookie": cookie, "steps": steps}, &out)
		cookie = out.Cookie
		return out
	}

	// 0. The sign-in: « Se connecter avec ProConnect », the provider's login, back signed in.
	signedIn := run(
		map[string]any{"goto": d.HTTPURL + "/connexion"}, map[string]any{"measure": "agent-connexion"},
		map[string]any{"click": `a[href="/connexion/proconnect"]`},
		map[string]any{"fill": map[string]string{"email": "marie.curie@rhone.gouv.fr"}}, map[string]any{"click": "button[type=submit]"},
		map[string]any{"read": map[string]any{"viewer": ".aap-session"}}, map[string]any{"measure": "agent-connecte"})
	assert.Contains(t, signedIn.Reads["viewer"], "Connecté : Marie Curie (Rhône (69))")
	assert.Equal(t, d.HTTPURL+"/", signedIn.URL, "back on the overview")
	require.NotEmpty(t, cookie, "the browser holds a session")

	// 1. The call, created through the form: refused once, then created.
	call := map[string]string{"title": "Ab", "year": strconv.Itoa(policy.DateOf(time.Now()).Year + 1), "budget_eur": "250 000,50",
		"agir_articulation": "Actions complémentaires de l'accompagnement AGIR, hors accompagnement global.",
		"indicateurs":       "nombre de bénéficiaires\nheures de formation", "criteres": "assiduité\nprogression linguistique",
		"contact_email": "ddets-integration@rhone.gouv.fr"}
	themes := map[string]any{"themes": "langue"}
	created := run(
		map[string]any{"goto": d.HTTPURL + web.PathNewCall}, map[string]any{"measure": "agent-appel-formulaire"},
		map[string]any{"fill": call}, map[string]any{"choose": themes}, map[string]any{"choose": map[string]any{"themes": "sante"}},
		map[string]any{"dates": map[string]any{"publish_at": 2, "close_at": 70}},
		map[string]any{"click": "main button[type=submit]"},
		map[string]any{"read": map[string]any{"titleError": "#title-erreur"}}, map[string]any{"measure": "agent-appel-refuse"},
		map[string]any{"fill": map[string]string{"title": "Intégration des primo-arrivants dans le Rhône"}},
		map[string]any{"dates": map[string]any{"publish_at": 2, "close_at": 70}},
		map[string]any{"click": "main button[type=submit]"}, map[string]any{"measure": "agent-appel-cree"})
	assert.Equal(t, "au moins 5 caractères", created.Reads["titleError"], "the refused field's message, under it")
	u, err := url.Parse(created.URL)
	require.NoError(t, err)
	campaignID := strings.TrimPrefix(u.Path, "/campagnes/")
	require.Len(t, campaignID, 36, "created: on the call's page (%s)", created.URL)
	var count int64
	require.NoError(t, d.DB.Model(&models.Campaign{}).Count(&count).Error)
	assert.Equal(t, int64(1), count, "the refused form stored nothing")

	// 2. Dossiers filed through the API while the call is open.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "published", campaignState(t, d, campaignID))
	}, 60*time.Second, 300*time.Millisecond)
	filing := d.HTTPURL + "/api/v1/campaigns/" + campaignID + "/applications"
	status, langue := do(t, http.MethodPost, filing, applicationBody("Ateliers sociolinguistiques"))
	require.Equal(t, http.StatusCreated, status, "%v", langue)
	sante := applicationBody("Accès aux soins des primo-arrivants")
	sante["association"] = map[string]any{"rna": "W691234567", "name": "Santé pour tous", "email": "contact@sante.example.org", "cer_signed": true}
	sante["project"].(map[string]any)["theme"] = "sante"
	sante["project"].(map[string]any)["requested_eur"] = 10000
	status, health := do(t, http.MethodPost, filing, sante)
	require.Equal(t, http.StatusCreated, status, "%v", health)
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, "closed", campaignState(t, d, campaignID))
	}, 120*time.Second, 500*time.Millisecond)

	// 3. The selection: « Vérifier » on one that breaks the 70 % rule, then a valid one recorded.
	callPage := d.HTTPURL + "/campagnes/" + campaignID
	both := map[string]any{"decisions[0].decision": "retenu", "decisions[1].decision": "retenu"}
	selected := run(
		map[string]any{"goto": callPage}, map[string]any{"measure": "agent-appel-clos"},
		map[string]any{"goto": callPage + "/selection"}, map[string]any{"measure": "agent-selection"},
		map[string]any{"choose": both},
		map[string]any{"fill": map[string]string{"decisions[0].granted_eur": "15 000", "decisions[0].score": "80",
			"decisions[1].granted_eur": "10 000", "decisions[1].score": "70"}},
		map[string]any{"click": "button[value=verifier]"},
		map[string]any{"read": map[string]any{"refused": "#regles", "rules": "main table"}}, map[string]any{"measure": "agent-selection-refusee"},
		map[string]any{"choose": map[string]any{"decisions[1].decision": "non_retenu"}},
		map[string]any{"fill": map[string]string{"decisions[1].granted_eur": "", "decisions[1].score": "40",
			"decisions[1].reason": "Projet hors des priorités de l'emploi et de la langue.",
			"decision_reference":  "Arrêté préfectoral n° 69-2027-06-12-004"}},
		map[string]any{"click": "button[value=verifier]"},
		map[string]any{"read": map[string]any{"checked": "#regles"}}, map[string]any{"measure": "agent-selection-verifiee"},
		map[string]any{"click": "button[value=enregistrer]"},
		map[string]any{"read": map[string]any{"recorded": "main [role=status]"}}, map[string]any{"measure": "agent-selection-enregistree"})
	assert.Contains(t, selected.Reads["refused"], "ne respecte pas les règles")
	assert.Contains(t, selected.Reads["rules"], "15\u00a0000,00\u00a0€ sur 25\u00a0000,00\u00a0€ accordés, soit 60,0\u00a0%")
	assert.Contains(t, strings.ToLower(selected.Reads["rules"]), "non respectée", "the badge, in capitals on the page")
	assert.Contains(t, selected.Reads["checked"], "respecte toutes les règles")
	assert.Contains(t, selected.Reads["recorded"], "Sélection enregistrée : 15\u00a0000,00\u00a0€ accordés")
	assert.Equal(t, "selected", campaignState(t, d, campaignID))

	// 4. The convention leaves: its email is listed on the call's page, the timeline names it.
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		var sent int64
		assert.NoError(c, d.DB.Model(&models.Email{}).Where("campaign_id = ? AND purpose = ? AND state = ?",
			campaignID, mail.TemplateConventionToSign, models.EmailSent).Count(&sent).Error)
		assert.Equal(c, int64(1), sent)
	}, 60*time.Second, 500*time.Millisecond)
	var conv models.Convention
	require.NoError(t, d.DB.Where("campaign_id = ?", campaignID).Take(&conv).Error)
	final := run(
		map[string]any{"goto": callPage}, map[string]any{"read": map[string]any{"emails": "#courriels + div", "timeline": "ol.timeline"}},
		map[string]any{"measure": "agent-appel-conventions"},
		map[string]any{"goto": d.HTTPURL + web.DossierPath(langue["reference"].(string))}, map[string]any{"measure": "agent-dossier"},
		map[string]any{"goto": d.HTTPURL + web.PathCalls}, map[string]any{"measure": "agent-appels"})
	assert.Contains(t, final.Reads["timeline"], "Convention "+conv.Reference+" envoyée au porteur de projet pour signature.")
	assert.Contains(t, final.Reads["timeline"], "Date de clôture de l'appel atteinte")
	assert.Contains(t, final.Reads["emails"], "contact@accueil-rhone.example.org")
	for _, engine := range []string{"Workflow", "workflow", "Commande acceptée", "Échéance atteinte."} {
		assert.NotContains(t, final.Reads["timeline"], engine)
	}

	want := map[string]int{"agent-appel-refuse": http.StatusUnprocessableEntity, "agent-selection-refusee": http.StatusUnprocessableEntity}
	var all []browsertest.Result
	for _, r := range []agentRun{signedIn, created, selected, final} {
		all = append(all, r.Steps...)
	}
	require.Len(t, all, 2*13, "thirteen pages at 1280 and 320 px")
	browsertest.CheckAll(t, all, want)
	t.Logf("screenshots in %s", dir)
}
