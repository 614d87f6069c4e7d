package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// TestEveryPageHasTheStatesLayout: the bloc-marque, the service name, the skip
// links to <main id="contenu"> and the footer, the footer's four pages, the DSFR
// stylesheet, and the Content-Security-Policy, on signed-in pages, the sign-in,
// an error page and the footer's pages.
func TestEveryPageHasTheStatesLayout(t *testing.T) {
	srv := server(t)
	session := srv.dian(t)
	for _, tc := range []struct {
		path    string
		session bool
		status  int
	}{
		{"/", true, http.StatusOK}, {"/campagnes/c-rhone", true, http.StatusOK}, {"/campagnes/inconnue", true, http.StatusNotFound},
		{"/connexion", false, http.StatusOK}, {"/mentions-legales", false, http.StatusOK}, {"/donnees-personnelles", false, http.StatusOK},
		{"/accessibilite", false, http.StatusOK}, {"/contact", false, http.StatusOK},
	} {
		t.Run(tc.path, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, srv.URL+tc.path, nil)
			require.NoError(t, err)
			if tc.session {
				req.AddCookie(session)
			}
			res, err := noRedirect().Do(req)
			require.NoError(t, err)
			defer res.Body.Close()
			b, err := io.ReadAll(res.Body)
			require.NoError(t, err)
			body := string(b)
			require.Equal(t, tc.status, res.StatusCode)
			assert.Equal(t, web.ContentSecurityPolicy, res.Header.Get("Content-Security-Policy"))
			assert.Contains(t, res.Header.Get("Content-Security-Policy"), "frame-ancestors 'none'")
			assert.NotContains(t, res.Header.Get("Content-Security-Policy"), "unsafe-inline")
			assert.Equal(t, "nosniff", res.Header.Get("X-Content-Type-Options"))
			assert.Contains(t, body, `<p class="fr-logo">République<br>française</p>`)
			assert.Contains(t, body, `<p class="fr-header__service-title">`+web.ServiceName+`</p>`)
			assert.Contains(t, body, `<a class="fr-link" href="#contenu">Aller au contenu</a>`)
			assert.Contains(t, body, `<a class="fr-link" href="#pied-de-page">Pied de page</a>`)
			assert.Contains(t, body, `<main id="contenu" tabindex="-1">`)
			assert.Contains(t, body, `<footer class="fr-footer" id="pied-de-page">`)
			for _, link := range []string{`href="/accessibilite">Accessibilité : non conforme</a>`, `href="/mentions-legales">Mentions légales</a>`,
				`href="/donnees-personnelles">Données personnelles</a>`, `href="/contact">Contact</a>`} {
				assert.Contains(t, body, link)
			}
			assert.Contains(t, body, `<link rel="stylesheet" href="/static/dsfr/dsfr.min.css?v=`+web.DSFRVersion+`">`)
			assert.NotContains(t, body, "<script", "no JavaScript")
			assert.NotContains(t, body, "<style", "no inline style: the CSP forbids it")
			assert.NotContains(t, body, "style=", "no inline style: the CSP forbids it")
		})
	}
}

func TestCampaignPageHasItsBreadcrumb(t *testing.T) {
	srv := server(t)
	_, body := get(t, srv.URL+"/campagnes/c-rhone", srv.dian(t))
	assert.Contains(t, body, `<nav class="fr-breadcrumb" aria-label="Vous êtes ici :">`)
	assert.Contains(t, body, `<a class="fr-breadcrumb__link" href="/">Vue d&#39;ensemble</a>`)
	assert.Contains(t, body, `<a class="fr-breadcrumb__link" aria-current="page">Intégration dans le Rhône</a>`)
	_, body = get(t, srv.URL+"/", srv.dian(t))
	assert.NotContains(t, body, "fr-breadcrumb", "the overview is the top: no breadcrumb")
}

func TestStaticFilesAreServedFromTheBinary(t *testing.T) {
	srv := server(t)
	for _, tc := range []struct{ path, typ, contains string }{
		{"/static/dsfr/dsfr.min.css", "text/css; charset=utf-8", ".fr-header"},
		{"/static/aap.css", "text/css; charset=utf-8", ".aap-main"},
		{"/static/dsfr/fonts/Marianne-Regular.woff2", "font/woff2", "wOF2"},
		{"/static/dsfr/icons/system/fr--error-fill.svg", "image/svg+xml", "<svg"},
		{"/static/dsfr/LICENSE.md", "text/markdown; charset=utf-8", "Etalab"},
	} {
		res, err := http.Get(srv.URL + tc.path)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		require.Equal(t, http.StatusOK, res.StatusCode, tc.path)
		assert.Equal(t, tc.typ, res.Header.Get("Content-Type"), tc.path)
		assert.Equal(t, "public, max-age=31536000, immutable", res.Header.Get("Cache-Control"), tc.path)
		assert.Contains(t, string(b), tc.contains, tc.path)
	}
	// Every file the stylesheet refers to is there (fonts, icons).
	res, err := http.Get(srv.URL + "/static/dsfr/dsfr.min.css")
	require.NoError(t, err)
	css, _ := io.ReadAll(res.Body)
	res.Body.Close()
	refs := 0
	for _, part := range strings.Split(string(css), "url(")[1:] {
		ref := strings.Trim(part[:strings.IndexByte(part, ')')], `"'`)
		if strings.HasPrefix(ref, "data:") {
			continue
		}
		refs++
		u, err := url.JoinPath(srv.URL, "/static/dsfr/", ref)
		require.NoError(t, err)
		res, err := http.Get(u)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusOK, res.StatusCode, ref)
	}
	assert.Greater(t, refs, 20, "fonts and icons")
	for _, path := range []string{"/static/dsfr/", "/static/dsfr/fonts", "/static/refresh-dsfr.sh", "/static/../web.go",
		"/static/dsfr/nope.css", "/static/dsfr/dsfr.min.css.map"} {
		res, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusNotFound, res.StatusCode, path)
	}
}

// TestLegalPagesSayWhatIsKeptAndWhomToWriteTo: the footer's pages hold what a State
// service must say. Personal data: who is responsible, why and on which legal basis (RGPD
// art. 6.1.e), what is kept, who receives it, for how long, the rights, whom to write to
// (DIAN's mailbox, the ministry's DPO) and the CNIL complaint. Accessibility: the State's
// statement wording (« non conforme », not audited), its date, the known gaps, the
// Défenseur des droits. Legal notice: publisher, director of the publication, host
// (AAP_HOSTING, or a development instance said so). Contact: mailbox and post.
func TestLegalPagesSayWhatIsKeptAndWhomToWriteTo(t *testing.T) {
	srv := server(t)
	_, body := get(t, srv.URL+"/donnees-personnelles", nil)
	for _, want := range []string{"Responsable du traitement", "article 6, paragraphe 1,\npoint e", "Le dossier", "Les courriels envoyés",
		"Le journal d'audit", "Destinataires", "Carif-Oref", "LimeSurvey", "Durée de conservation", "code du patrimoine",
		"Vos droits", "articles 15, 16, 18 et 21 du RGPD", "délégué à la protection des données du\nministère de l'Intérieur",
		"3 place de Fontenoy", `href="https://www.cnil.fr/fr/plaintes"`, "Plan national d'évaluation",
		`<a href="mailto:dian-aap@interieur.gouv.fr">dian-aap@interieur.gouv.fr</a>`} {
		assert.Contains(t, body, want)
	}
	assert.NotContains(t, body, "pilotage national", "the PNE is the Plan national d'évaluation")
	_, body = get(t, srv.URL+"/accessibilite", nil)
	for _, want := range []string{"conformément à l'article 47 de la loi n° 2005-102 du 11 février 2005",
		"est <strong>non conforme</strong> avec le référentiel général d'amélioration de\nl'accessibilité (RGAA), version 4.1.2. Le site n'a encore pas été audité.",
		"Contenus non accessibles", "n'est pas un PDF balisé", "Cette déclaration a été établie le 6 décembre 2026.",
		"Défenseur des droits, Libre réponse 71120,\n  75342 Paris CEDEX 07"} {
		assert.Contains(t, body, want)
	}
	_, body = get(t, srv.URL+"/contact", nil)
	assert.Contains(t, body, "mailto:dian-aap@interieur.gouv.fr")
	assert.Contains(t, body, "place Beauvau, 75800 Paris CEDEX 08")
	_, body = get(t, srv.URL+"/mentions-legales", nil)
	for _, want := range []string{"Éditeur", "direction de l'intégration et de l'accès", "Directeur de la publication",
		"Hébergement", "instance de développement ou d'essai"} {
		assert.Contains(t, body, want)
	}
	hosted := server(t, func(d *web.Deps) { d.Hosting = "Hébergeur Public, 1 rue de l'Exemple, 75000 Paris, 01 00 00 00 00" })
	_, body = get(t, hosted.URL+"/mentions-legales", nil)
	assert.Contains(t, body, "Hébergeur Public, 1 rue de l&#39;Exemple, 75000 Paris, 01 00 00 00 00")
	assert.NotContains(t, body, "instance de développement")
}

// The dev sign-in's form: a refused choice comes back as the sign-in page with
// its error, and no session; a forged form (no CSRF token) is refused.
func TestDevSignInRefusalsComeBackOnThePage(t *testing.T) {
	srv := server(t)
	a := srv.agent(t, auth.NewAgent{Email: "dian@interieur.gouv.fr", Role: auth.RoleDIAN})
	_, page := get(t, srv.URL+"/connexion", nil)
	csrf := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
	require.Len(t, csrf, 2, page)
	for _, tc := range []struct {
		form   url.Values
		status int
		want   string
	}{
		{url.Values{"agent": {"x"}, "csrf": {csrf[1]}}, http.StatusUnprocessableEntity, "Agent : choisissez un agent dans la liste."},
		{url.Values{"agent": {"999"}, "csrf": {csrf[1]}}, http.StatusUnprocessableEntity, "cet agent n&#39;existe pas ou est désactivé"},
		{url.Values{"agent": {strconv.FormatUint(a.ID, 10)}}, http.StatusForbidden, "Ce formulaire a expiré"},
	} {
		res, err := noRedirect().PostForm(srv.URL+"/connexion/dev", tc.form)
		require.NoError(t, err)
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		assert.Equal(t, tc.status, res.StatusCode, tc.form)
		assert.Contains(t, string(b), tc.want)
		assert.Contains(t, string(b), `role="alert"`)
		assert.Empty(t, res.Cookies(), "no session for a refused sign-in")
	}
	_, body := get(t, srv.URL+"/connexion", nil)
	assert.NotContains(t, body, `role="alert"`, "nothing refused yet")
	assert.Contains(t, body, `dian@interieur.gouv.fr`, "the active agents are listed")

	// The chosen agent gets a session, audited as a dev sign-in.
	res, err := noRedirect().PostForm(srv.URL+"/connexion/dev", url.Values{"agent": {strconv.FormatUint(a.ID, 10)}, "csrf": {csrf[1]}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusSeeOther, res.StatusCode)
	require.Len(t, res.Cookies(), 1)
	code, page := get(t, srv.URL+"/", res.Cookies()[0])
	assert.Equal(t, http.StatusOK, code)
	assert.Contains(t, page, "Connecté : dian@interieur.gouv.fr (DIAN)")
	var trail []models.AuditEntry
	require.NoError(t, srv.db.Where("entity = ? AND action = ?", store.AuditAgent, "signed_in").Find(&trail).Error)
	require.Len(t, trail, 1)
	assert.Equal(t, `{"method":"dev"}`, trail[0].After)

	// A disabled agent is no longer offered, and is refused if posted.
	require.NoError(t, srv.agents.Disable(t.Context(), a.ID, now))
	_, body = get(t, srv.URL+"/connexion", nil)
	assert.NotContains(t, body, `dian@interieur.gouv.fr`)
	res, err = noRedirect().PostForm(srv.URL+"/connexion/dev", url.Values{"agent": {strconv.FormatUint(a.ID, 10)}, "csrf": {csrf[1]}})
	require.NoError(t, err)
	res.Body.Close()
	assert.Equal(t, http.StatusUnprocessableEntity, res.StatusCode)
}
