package web_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/monitoring"
	"github.com/dian-p104/aap/policies"
	"github.com/dian-p104/aap/policy"
	"github.com/dian-p104/aap/selection"
	"github.com/dian-p104/aap/store/storetest"
	"github.com/dian-p104/aap/web"
)

var now = time.Date(2024, 6, 20, 10, 0, 0, 0, time.UTC)

// seed writes a 2024 with a Rhône call under the 70 % target, a regional call
// and PNE answers over three weeks.
func seed(t *testing.T, db *gorm.DB) {
	pub := time.Date(2024, 2, 1, 8, 0, 0, 0, time.UTC)
	rhone := &models.Campaign{ID: "c-rhone", WorkflowID: "campaign-c-rhone", Year: 2024, Level: models.LevelDepartmental,
		Territory: "69", Title: "Intégration dans le Rhône", BudgetCents: 100_000_00, Phase: models.PhaseSelected,
		PublishAt: pub, CloseAt: pub.AddDate(0, 3, 0), PublishedAt: &pub}
	region := &models.Campaign{ID: "c-ara", WorkflowID: "campaign-c-ara", Year: 2024, Level: models.LevelRegional,
		Territory: "84", Title: "Appel régional Auvergne-Rhône-Alpes", BudgetCents: 50_000_00, Phase: models.PhaseScheduled}
	require.NoError(t, db.Create(rhone).Error)
	require.NoError(t, db.Create(region).Error)
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
}

func server(t *testing.T) *httptest.Server {
	db := storetest.SQLite(t)
	seed(t, db)
	pols, err := policy.Load(policies.FS)
	require.NoError(t, err)
	gin.SetMode(gin.ReleaseMode)
	r := gin.New()
	clock := func() time.Time { return now }
	web.Register(r.Group(""), web.Deps{Monitoring: monitoring.New(db, pols, clock), DB: db, DevMail: true, Now: clock})
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	return srv
}

func get(t *testing.T, url string) (int, string) {
	res, err := http.Get(url)
	require.NoError(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	require.NoError(t, err)
	return res.StatusCode, string(b)
}

func TestOverviewPage(t *testing.T) {
	srv := server(t)
	code, body := get(t, srv.URL+"/")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "<h1>Vue nationale 2024</h1>", "the current year in Paris by default")
	assert.Contains(t, body, "Appels publiés<strong>1 / 2</strong>")
	assert.Contains(t, body, `<td class="text">Auvergne-Rhône-Alpes (région 84)</td>`)
	assert.Contains(t, body, `<h3 id="region-84">Auvergne-Rhône-Alpes</h3>`)
	assert.Contains(t, body, "<summary>Départements de la région Auvergne-Rhône-Alpes (1)</summary>")
	assert.Contains(t, body, `<th scope="row">Rhône</th>`)
	// 30 000 of 50 000 € on language: 60 %, under 70 %, marked.
	assert.Contains(t, body, `<td class="under">60,0`+"\u00a0%</td>")
	assert.Contains(t, body, `<svg role="img" aria-labelledby="parts-t parts-d"`)
	assert.Contains(t, body, `<svg role="img" aria-labelledby="pne-t pne-d"`, "answers over three weeks")
	assert.Contains(t, body, "Appel régional Auvergne-Rhône-Alpes » non publié au 31 mars 2024")
	assert.Contains(t, body, `<a href="/campagnes/c-rhone">Intégration dans le Rhône</a>`)
	assert.Contains(t, body, `<a href="/dev/mail">`)
	assert.NotContains(t, body, "<script", "no JavaScript")
	assert.NotContains(t, body, "https://", "no external resource")

	code, body = get(t, srv.URL+"/?annee=2023")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "Aucun appel à projets ni aucune structure PNE pour 2023.")
	assert.NotContains(t, body, "<svg role=\"img\" aria-labelledby=\"pne-t")

	code, body = get(t, srv.URL+"/?annee=vingt")
	assert.Equal(t, http.StatusUnprocessableEntity, code)
	assert.Contains(t, body, "Année invalide")
}

func TestCampaignPage(t *testing.T) {
	srv := server(t)
	code, body := get(t, srv.URL+"/campagnes/c-rhone")
	require.Equal(t, http.StatusOK, code)
	assert.Contains(t, body, "<h1>Intégration dans le Rhône</h1>")
	assert.Contains(t, body, "Rhône (69)")
	assert.Contains(t, body, "1er février 2024 à 9 h 00</time> — Appel à projets publié.")
	assert.Contains(t, body, "Dossier retenu : « Projet langue », 30\u00a0000,00\u00a0€ accordés.")

	code, body = get(t, srv.URL+"/campagnes/inconnue")
	assert.Equal(t, http.StatusNotFound, code)
	assert.Contains(t, body, "Cet appel à projets n&#39;existe pas.")
}

// chromium finds Debian's headless browser; the test skips only without it.
func chromium(t *testing.T) string {
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no chromium binary: install Debian's chromium package (.ci/run does)")
	return ""
}

// TestPagesInABrowser loads the pages in headless Chromium, checks the DOM it
// built and saves a screenshot (in AAP_SCREENSHOT_DIR when set, else a temporary directory).
func TestPagesInABrowser(t *testing.T) {
	bin := chromium(t)
	srv := server(t)
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
	dom := run("--dump-dom", srv.URL+"/")
	assert.Contains(t, dom, "Vue nationale 2024")
	assert.Contains(t, dom, "Départements de la région Auvergne-Rhône-Alpes")
	assert.True(t, strings.Contains(dom, "<svg"), "the charts are in the page")

	dom = run("--dump-dom", srv.URL+"/campagnes/c-rhone")
	assert.Contains(t, dom, "Chronologie de l'appel")

	shot := filepath.Join(dir, "vue-nationale.png")
	run("--screenshot="+shot, "--window-size=1280,2200", srv.URL+"/")
	info, err := os.Stat(shot)
	require.NoError(t, err)
	assert.Greater(t, info.Size(), int64(10_000), "a real picture")
	t.Logf("screenshot: %s", shot)
}
