package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/internal/web/browsertest"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

var now = time.Date(2024, 6, 20, 10, 0, 0, 0, time.UTC)

// seed writes a 2024 with a Rhône call under the 70 % target, a regional call
// and PNE answers over three weeks.
func seed(t *testing.T, db *gorm.DB) {
	pub := time.Date(2024, 2, 1, 8, 0, 0, 0, time.UTC)
	rhone := &models.Campaign{ID: "c-rhone", WorkflowID: "campaign-c-rhone", Year: 2024, Level: models.LevelDepartmental,
		Territory: "69", Title: "Intégration dans le Rhône", BudgetCents: 100_000_00, Phase: models.PhaseSelected,
		PublishAt: pub, CloseAt: pub.AddDate(0, 3, 0), PublishedAt: &pub, DSDemarche: 4242,
		DS: &models.DSConnector{Demarche: 4242, InstructeurID: "SW5zdHJ1Y3RldXItNw==", Mapping: map[string]string{"project.title": "Q2hhbXAtNA=="},
			LastPullAt: &pub, Failures: 1, LastError: "démarches simplifiées (unavailable) : HTTP 503"}}
	region := &models.Campaign{ID: "c-ara", WorkflowID: "campaign-c-ara", Year: 2024, Level: models.LevelRegional,
		Territory: "84", Title: "Appel régional Auvergne-Rhône-Alpes", BudgetCents: 50_000_00, Phase: models.PhaseScheduled}
	require.NoError(t, db.Create(rhone).Error)
	require.NoError(t, db.Create(region).Error)
	require.NoError(t, db.Create(&models.DSRefusal{CampaignID: rhone.ID, DSNumber: 104, DepositedAt: pub.AddDate(0, 0, 3),
		Errors: []models.ConnectorFieldError{{Field: "association.cer_signed", Rule: "required_true", Label: "Contrat d'engagement républicain signé",
			Message: "le contrat d'engagement républicain doit être signé pour demander une subvention du programme 104 (§4.2.1)"}}}).Error)
	decided := time.Date(2024, 6, 12, 10, 0, 0, 0, time.UTC)
	for i, d := range []struct {
		theme   string
		granted int64
	}{{"langue", 30_000_00}, {"sante", 20_000_00}} {
		a := &models.Application{ID: "a" + d.theme, CampaignID: rhone.ID, WorkflowID: "application-" + d.theme, Year: 2024,
			AssociationKey: "rna:" + d.theme, TitleKey: d.theme, Title: "Projet " + d.theme, AssociationName: "Asso " + d.theme,
			Theme: d.theme, RequestedCents: d.granted, GrantedCents: d.granted, Decision: selection.Retained,
			State: models.ApplicationRetained, BeneficiariesBPI: 10, BeneficiariesNonBPI: 10 * i, DecidedAt: &decided}
		require.NoError(t, db.Create(a).Error)
	}
	for i := 0; i < 4; i++ {
		s := &models.PNEStructure{Year: 2024, AssociationKey: "rna:pne" + string(rune('a'+i)), Region: "84", Department: "69",
			Token: "tok" + string(rune('a'+i))}
		if i < 3 {
			at := time.Date(2024, 4, 1+7*i, 10, 0, 0, 0, time.UTC)
			s.AnsweredAt = &at
		}
		require.NoError(t, db.Create(s).Error)
	}
	// The follow-up: a control held in the Rhône and one planned, the « sante » dossier's renewal blocked, a CTAI request.
	for i, state := range []string{models.ControlDone, models.ControlPlanned} {
		c := &models.Control{ID: "ctl" + string(rune('a'+i)), ConventionID: "conv" + string(rune('a'+i)), Year: 2024, Region: "84",
			Department: "69", PlannedOn: "2024-06-15", State: state, FollowUpState: models.FollowUpStateNone}
		require.NoError(t, db.Create(c).Error)
	}
	require.NoError(t, db.Create(&models.RenewalBlock{ApplicationID: "asante", AssociationKey: "rna:sante", Rule: models.BlockPNE,
		Source: "pne:2023", SourceYear: 2023}).Error)
	at := time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)
	require.NoError(t, db.Create(&models.CTAIRequest{ID: "ctai-1", WorkflowID: "ctai-1", Year: 2024, Kind: "new",
		CollectiviteCode: "69123", Territory: "69", State: models.CTAIReviewed, Opinion: "favorable", OpinionAt: &at, FiledAt: at}).Error)
}

// site is the pages on a test server (with `aap dev`'s sign-in), with agents to sign in as.
type site struct {
	*httptest.Server
	db       *gorm.DB
	agents   *store.Agents
	sessions *store.AgentSessions
}

func server(t *testing.T, adjust ...func(*web.Deps)) *site {
	db := storetest.SQLite(t)
	seed(t, db)
	pols, err := policy.Load(policies.FS)
	require.NoError(t, err)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	clock := func() time.Time { return now }
	deps := web.Deps{Monitoring: overview.New(db, pols, clock), DB: db, DevMail: true, DevSignIn: true,
		ContactEmail: "dian-aap@interieur.gouv.fr", Now: clock}
	for _, f := range adjust {
		f(&deps)
	}
	web.Register(r.Group(""), deps)
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return &site{Server: srv, db: db, agents: store.NewAgents(db), sessions: store.NewAgentSessions(db)}
}

// agent adds an active agent.
func (s *site) agent(t *testing.T, n auth.NewAgent) *models.Agent {
	a, err := auth.AddAgent(t.Context(), s.agents, n)
	require.NoError(t, err)
	return a
}

// signIn opens a session of a (as a sign-in does) and returns its cookie.
func (s *site) signIn(t *testing.T, a *models.Agent) *http.Cookie {
	secret, err := web.OpenSession(t.Context(), s.sessions, a, "", now)
	require.NoError(t, err)
	return &http.Cookie{Name: web.SessionCookie, Value: secret}
}

// dian signs in a DIAN agent.
func (s *site) dian(t *testing.T) *http.Cookie {
	return s.signIn(t, s.agent(t, auth.NewAgent{Email: "dian-" + randomSuffix() + "@interieur.gouv.fr", Name: "DIAN", Role: auth.RoleDIAN}))
}

var suffix int

func randomSuffix() string { suffix++; return strconv.Itoa(suffix) }

func noRedirect() *http.Client {
	return &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

func get(t *testing.T, url string, session *http.Cookie) (int, string) {
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if session != nil {
		req.AddCookie(session)
	}
	res, err := noRedirect().Do(req)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	if res.StatusCode == http.StatusSeeOther {
		return res.StatusCode, res.Header.Get("Location")
	}
	return res.StatusCode, string(b)
}

func TestOverviewPage(t *testing.T) {
	srv := server(t)
	session := srv.dian(t)
	code, body := get(t, srv.URL+"/", session)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "<h1>Vue nationale 2024</h1>", "the current year in Paris by default")
	assert.Contains(t, body, "Appels publiés<strong>1 / 2</strong>")
	assert.Contains(t, body, "Chiffres lus en base le 20 juin 2024 à 12 h 00.", "computed for this page: no age given")
	assert.Contains(t, body, `<td class="text">Auvergne-Rhône-Alpes (région 84)</td>`)
	assert.Contains(t, body, `<h3 id="region-84">Auvergne-Rhône-Alpes</h3>`)
	assert.Contains(t, body, "<summary>Départements de la région Auvergne-Rhône-Alpes (1)</summary>")
	assert.Contains(t, body, `<th scope="row">Rhône</th>`)
	// 30 000 of 50 000 € on language: 60 %, under 70 %, marked.
	assert.Contains(t, body, `<td class="under">60,0`+"\u00a0%</td>")
	assert.Contains(t, body, "Contrôles sur place réalisés<strong>1 / 2</strong>")
	assert.Contains(t, body, `<th scope="col">Renouvellements bloqués</th>`)
	// Rhône: no report expected, none overdue; two controls, one held; one renewal blocked; one favourable CTAI request.
	assert.Contains(t, body, `<th scope="row">Rhône</th>
    <td>0</td><td>0</td>
    <td>0</td>
    <td>2</td><td>1</td>
    <td class="late">1</td>
    <td>1</td><td>1</td><td>0</td>`)
	assert.Contains(t, body, `<svg role="img" aria-labelledby="parts-t parts-d"`)
	assert.Contains(t, body, `<svg role="img" aria-labelledby="pne-t pne-d"`, "answers over three weeks")
	assert.Contains(t, body, "Appel régional Auvergne-Rhône-Alpes » non publié au 31 mars 2024")
	assert.Contains(t, body, `<a href="/campagnes/c-rhone">Intégration dans le Rhône</a>`)
	assert.Contains(t, body, `<a class="fr-link" href="/dev/mail">`)
	assert.NotContains(t, body, "<script", "no JavaScript")
	assert.NotContains(t, body, "https://", "no external resource")

	assert.Contains(t, body, `<a href="/exports/dossiers-retenus.xlsx?annee=2024">`)
	code, body = get(t, srv.URL+"/exports/dossiers-retenus.xlsx?annee=2024", session)
	require.Equal(t, http.StatusOK, code)
	rows, err := workbook.Read([]byte(body), "Dossiers retenus")
	require.NoError(t, err)
	assert.Len(t, rows, 3, "header and two retained dossiers")

	code, body = get(t, srv.URL+"/?annee=2023", session)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "Aucun appel à projets ni aucune structure PNE pour 2023.")
	assert.NotContains(t, body, "<svg role=\"img\" aria-labelledby=\"pne-t")

	code, body = get(t, srv.URL+"/?annee=vingt", session)
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, body, "Année invalide")
}

// With the overview's cache, the page says how old its figures may be, and a
// correspondent's page (narrowed to its territory) leaves DIAN's national figures whole.
func TestOverviewPageFromTheCache(t *testing.T) {
	srv := server(t, func(d *web.Deps) { d.Monitoring.CacheFor = 5 * time.Second })
	marseille := srv.signIn(t, srv.agent(t, auth.NewAgent{Email: "ddets-13@bouches-du-rhone.gouv.fr", Name: "DDETS Bouches-du-Rhône",
		Role: auth.RoleCorrespondent, Territory: "13", Level: models.LevelDepartmental}))
	code, body := get(t, srv.URL+"/", marseille)
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, body, "Rhône (69)")
	assert.Contains(t, body, "Chiffres lus en base le 20 juin 2024 à 12 h 00 (ils sont recalculés au plus toutes les 5 secondes).")

	code, body = get(t, srv.URL+"/", srv.dian(t))
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "Appels publiés<strong>1 / 2</strong>")
	assert.Contains(t, body, `<th scope="row">Rhône</th>`)
	assert.Contains(t, body, "Appel régional Auvergne-Rhône-Alpes » non publié au 31 mars 2024")
}

func TestCampaignPage(t *testing.T) {
	srv := server(t)
	session := srv.dian(t)
	code, body := get(t, srv.URL+"/campagnes/c-rhone", session)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "<h1 class=\"aap-break\">Intégration dans le Rhône</h1>")
	assert.Contains(t, body, "Rhône (69)")
	assert.Contains(t, body, "1er février 2024 à 9 h 00</time> — Appel publié.")
	assert.Contains(t, body, "Dossier retenu : « Projet langue », 30\u00a0000,00\u00a0€ accordés.")
	// Its Démarches Simplifiées source: the pulls failing, the refused DS dossier with its error.
	assert.Contains(t, body, "<h2>Dossiers venus de Démarches Simplifiées</h2>")
	assert.Contains(t, body, "<dd>n° 4242</dd>")
	assert.Contains(t, body, "la dernière lecture a échoué")
	assert.Contains(t, body, "HTTP 503")
	assert.Contains(t, body, "<td>n° 104</td>")
	assert.Contains(t, body, "« Contrat d&#39;engagement républicain signé » : le contrat d&#39;engagement républicain doit être signé")
	_, other := get(t, srv.URL+"/campagnes/c-ara", session)
	assert.NotContains(t, other, "Démarches Simplifiées", "a call without a démarche has no such part")

	code, body = get(t, srv.URL+"/campagnes/inconnue", session)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, body, "Cet appel à projets n&#39;existe pas.")
}

// TestPagesInABrowser loads the pages in headless Chromium, checks the DOM it
// built and saves a screenshot (in AAP_SCREENSHOT_DIR when set, else a temporary directory).
func TestPagesInABrowser(t *testing.T) {
	bin := browsertest.Chromium(t)
	srv := server(t)
	// Chromium's command line cannot post the sign-in form: a proxy in front of
	// the pages adds the session cookie a signed-in browser would send.
	session := srv.dian(t)
	target, err := url.Parse(srv.URL)
	require.NoError(t, err)
	proxy := httputil.NewSingleHostReverseProxy(target)
	front := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.AddCookie(session)
		proxy.ServeHTTP(w, r)
	}))
	defer front.Close()
	dir := os.Getenv("AAP_SCREENSHOT_DIR")
	if dir == "" {
		dir = t.TempDir()
	}
	profile := t.TempDir()
	run := func(args ...string) string {
		base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
			"--user-data-dir=" + profile, "--hide-scrollbars"}
		out, err := exec.Command(bin, append(base, args...)...).Output()
		require.NoError(t, err, string(out))
		return string(out)
	}
	dom := run("--dump-dom", front.URL+"/")
	assert.Contains(t, dom, "Vue nationale 2024")
	assert.Contains(t, dom, "Départements de la région Auvergne-Rhône-Alpes")
	assert.True(t, strings.Contains(dom, "<svg"), "the charts are in the page")

	dom = run("--dump-dom", front.URL+"/campagnes/c-rhone")
	assert.Contains(t, dom, "Chronologie de l'appel")

	shot := filepath.Join(dir, "vue-nationale.png")
	run("--screenshot="+shot, "--window-size=1280,2200", front.URL+"/")
	info, err := os.Stat(shot)
	require.NoError(t, err)
	assert.Greater(t, info.Size(), int64(10_000), "a real picture")
	t.Logf("screenshot: %s", shot)
}

func TestPagesAskForASignIn(t *testing.T) {
	srv := server(t)
	for _, path := range []string{"/", "/campagnes/c-rhone", "/exports/conventions.xlsx?annee=2024"} {
		code, location := get(t, srv.URL+path, nil)
		assert.Equal(t, http.StatusSeeOther, code, path)
		assert.Equal(t, "/connexion", location, path)
	}
	code, body := get(t, srv.URL+"/connexion", nil)
	require.Equal(t, http.StatusOK, code)
	assert.NotContains(t, body, "jeton", "no token is pasted into the pages any more")

	a := srv.agent(t, auth.NewAgent{Email: "dian@interieur.gouv.fr", Role: auth.RoleDIAN})
	session := srv.signIn(t, a)
	code, _ = get(t, srv.URL+"/", session)
	assert.Equal(t, http.StatusOK, code)

	tampered := *session
	tampered.Value = session.Value[:len(session.Value)-2] + "xx"
	code, _ = get(t, srv.URL+"/", &tampered)
	assert.Equal(t, http.StatusSeeOther, code, "a tampered cookie is no session")

	var stored []models.AgentSession
	require.NoError(t, srv.db.Find(&stored).Error)
	require.Len(t, stored, 1)
	assert.NotEqual(t, session.Value, stored[0].Hash, "only the ID's hash is stored")
	assert.Equal(t, auth.Hash(session.Value), stored[0].Hash)
	assert.Equal(t, now.Add(web.SessionTTL).UTC(), stored[0].ExpiresAt.UTC())

	require.NoError(t, srv.agents.Disable(t.Context(), a.ID, now.Add(-time.Minute)))
	code, location := get(t, srv.URL+"/", session)
	assert.Equal(t, http.StatusSeeOther, code, "disabling the agent closes its sessions at once")
	assert.Equal(t, "/connexion", location)
}

func TestACorrespondentSeesItsTerritoryOnly(t *testing.T) {
	srv := server(t)
	marseille := srv.signIn(t, srv.agent(t, auth.NewAgent{Email: "ddets-13@bouches-du-rhone.gouv.fr", Name: "DDETS Bouches-du-Rhône",
		Role: auth.RoleCorrespondent, Territory: "13", Level: models.LevelDepartmental}))
	code, body := get(t, srv.URL+"/", marseille)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "<h1>Vue du territoire 2024 : Bouches-du-Rhône (13)</h1>")
	assert.NotContains(t, body, "Rhône (69)")
	assert.NotContains(t, body, "Intégration dans le Rhône")
	assert.NotContains(t, body, "/exports/", "exports are DIAN's")
	code, _ = get(t, srv.URL+"/campagnes/c-rhone", marseille)
	assert.Equal(t, http.StatusNotFound, code, "another territory's call does not exist for it")
	code, _ = get(t, srv.URL+"/exports/dossiers-retenus.xlsx?annee=2024", marseille)
	assert.Equal(t, http.StatusNotFound, code)

	ara := srv.signIn(t, srv.agent(t, auth.NewAgent{Email: "dreets-84@ara.gouv.fr", Name: "DREETS Auvergne-Rhône-Alpes",
		Role: auth.RoleCorrespondent, Territory: "84", Level: models.LevelRegional}))
	code, body = get(t, srv.URL+"/", ara)
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, `<th scope="row">Rhône</th>`, "a region reads its departments")
	assert.Contains(t, body, "Intégration dans le Rhône")
	code, _ = get(t, srv.URL+"/campagnes/c-rhone", ara)
	assert.Equal(t, http.StatusOK, code)
}
