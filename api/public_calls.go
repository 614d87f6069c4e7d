package api

import (
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"sort"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/web"
	"github.com/dian-p104/aap/models"
)

// The public pages' paths: the calls open now and soon, each call, its filing form.
const (
	PathCalls = "/appels"
)

//go:embed pages/*.html pages/*.tmpl
var publicPagesFS embed.FS

// publicFuncs are the functions of the public pages' templates.
var publicFuncs = template.FuncMap{
	"euros":      french.Euros,
	"datetime":   french.DateTime,
	"themeLabel": models.ThemeLabel,
}

// publicPage parses one of pages/*.html in the shared DSFR layout.
func publicPage(name string) *template.Template {
	content, err := publicPagesFS.ReadFile("pages/" + name)
	if err != nil {
		panic(err)
	}
	return web.NewPage(name, publicFuncs, string(content))
}

var (
	callsTemplate     = publicPage("calls.html")
	callTemplate      = publicPage("call.html")
	publicErrTemplate = publicPage("public_error.html")
)

// publicCalls serve the calls to associations: no account, nothing but the calls' public facts.
type publicCalls struct {
	campaigns *store.Campaigns
	now       func() time.Time
	logger    *slog.Logger
}

// callCard is one call in a list or on its page.
type callCard struct {
	*models.Campaign
	Territory string
	Status    callStatus
}

// departmentCalls are a department's calls; regionCalls a region's own and its departments'.
type departmentCalls struct {
	Name  string
	Calls []callCard
}

type regionCalls struct {
	Name        string
	Calls       []callCard
	Departments []departmentCalls
}

type callsPage struct {
	web.Chrome
	Regions []regionCalls
}

// publicChrome is the chrome of a public page: the service name leads to the calls.
func publicChrome(title string, trail ...web.Crumb) web.Chrome {
	ch := web.Chrome{Title: title, Home: PathCalls}
	if len(trail) > 0 {
		ch.Breadcrumb = append([]web.Crumb{{Label: "Appels à projets", Href: PathCalls}}, trail...)
	}
	return ch
}

func (h publicCalls) card(c *models.Campaign, now time.Time) callCard {
	return callCard{Campaign: c, Territory: territory.Label(c.Territory, c.Level == models.LevelRegional), Status: statusOf(c, now)}
}

// list answers GET /appels: the calls open now and soon, by region, then department.
func (h publicCalls) list(c *gin.Context) {
	now := h.now()
	calls, err := h.campaigns.OpenOrSoon(c.Request.Context(), now)
	if err != nil {
		h.fail(c, err)
		return
	}
	web.Render(c, http.StatusOK, callsTemplate, callsPage{Chrome: publicChrome("Appels à projets ouverts et à venir"),
		Regions: groupByTerritory(calls, func(camp *models.Campaign) callCard { return h.card(camp, now) })})
}

// groupByTerritory puts each regional call under its region and each departmental
// one under its department within its region; regions and departments by name.
func groupByTerritory(calls []models.Campaign, card func(*models.Campaign) callCard) []regionCalls {
	regions := map[string]*regionCalls{}
	departments := map[string]map[string]*departmentCalls{}
	regionOf := func(code string) *regionCalls {
		if regions[code] == nil {
			regions[code] = &regionCalls{Name: territory.RegionName(code)}
			departments[code] = map[string]*departmentCalls{}
		}
		return regions[code]
	}
	for i := range calls {
		camp := &calls[i]
		if camp.Level == models.LevelRegional {
			r := regionOf(camp.Territory)
			r.Calls = append(r.Calls, card(camp))
			continue
		}
		d, _ := territory.LookupDepartment(camp.Territory)
		regionOf(d.RegionCode)
		dc := departments[d.RegionCode][camp.Territory]
		if dc == nil {
			dc = &departmentCalls{Name: territory.Label(camp.Territory, false)}
			departments[d.RegionCode][camp.Territory] = dc
		}
		dc.Calls = append(dc.Calls, card(camp))
	}
	out := make([]regionCalls, 0, len(regions))
	for code, r := range regions {
		for _, d := range departments[code] {
			r.Departments = append(r.Departments, *d)
		}
		sort.Slice(r.Departments, func(i, j int) bool { return r.Departments[i].Name < r.Departments[j].Name })
		out = append(out, *r)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

type callPage struct {
	web.Chrome
	Call callCard
}

// show answers GET /appels/{id}: the call's page, whatever its phase.
func (h publicCalls) show(c *gin.Context) {
	camp, ok := h.lookup(c)
	if !ok {
		return
	}
	web.Render(c, http.StatusOK, callTemplate, callPage{Chrome: publicChrome(camp.Title, web.Crumb{Label: camp.Title}),
		Call: h.card(camp, h.now())})
}

// lookup reads the call of the path, or answers the French 404 page.
func (h publicCalls) lookup(c *gin.Context) (*models.Campaign, bool) {
	camp, err := lookupCampaign(c.Request.Context(), h.campaigns, c.Param("id"))
	var p *Problem
	switch {
	case errors.As(err, &p) && p.Status == http.StatusNotFound:
		renderPublicError(c, http.StatusNotFound, "Appel à projets introuvable",
			"Cet appel à projets n'existe pas : vérifiez l'adresse, ou consultez la liste des appels ouverts.")
		return nil, false
	case err != nil:
		h.fail(c, err)
		return nil, false
	}
	return camp, true
}

// fail logs an unexpected error and answers the French 500 page.
func (h publicCalls) fail(c *gin.Context, err error) {
	h.logger.Error("public page", "path", c.FullPath(), "error", err, "request_id", c.GetString(requestIDKey))
	renderPublicError(c, http.StatusInternalServerError, "Erreur",
		"Une erreur est survenue ; elle est journalisée. Réessayez dans quelques minutes.")
}

type publicErrorPage struct {
	web.Chrome
	Message string
}

// renderPublicError is a public page that says only what went wrong, in French.
func renderPublicError(c *gin.Context, status int, title, message string) {
	web.Render(c, status, publicErrTemplate, publicErrorPage{Chrome: publicChrome(title), Message: message})
}
