// Package web serves DIAN's dashboard: server-rendered pages in French (the
// national overview, a call's page with its timeline), usable without
// JavaScript and with no external resource. Charts are inline SVG drawn here.
package web

import (
	"bytes"
	"embed"
	"errors"
	"html/template"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/timeline"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/auth"
	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/textinput"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

//go:embed templates/*.html
var templateFS embed.FS

// Paths of the pages every footer links to (legal.go).
const (
	PathAccessibility = "/accessibilite"
	PathLegalNotice   = "/mentions-legales"
	PathPersonalData  = "/donnees-personnelles"
	PathContact       = "/contact"
)

// Deps are what the pages read.
type Deps struct {
	Monitoring *overview.Service
	DB         *gorm.DB
	Temporal   client.Client // for the timeline; nil shows the database's events only
	// Links signs the forms' CSRF tokens and the sign-in's state (AAP_LINK_SECRET); nil: a
	// secret of this process only.
	Links *auth.LinkSigner
	// OIDC is the identity provider the agents sign in with (ProConnect); nil: none.
	OIDC *OIDC
	// DevSignIn offers `aap dev`'s sign-in: choose an agent, no provider. Never in production.
	DevSignIn bool
	// DevMail links the dev mail catcher's pages (`aap dev` only).
	DevMail bool
	// ContactEmail is DIAN's mailbox (AAP_DIAN_EMAIL), written to on the contact
	// and personal-data pages (it forwards to the ministry's data protection officer).
	ContactEmail string
	// Hosting is the host the legal notice names: name, address, telephone (AAP_HOSTING).
	Hosting string
	Now     func() time.Time
	Logger  *slog.Logger
	// AgentPages registers another package's agent pages behind the sign-in (api's
	// forms, which call its services), with the kit they share with these pages
	// (agent_kit.go). Their requests act for the signed-in person (audit, scope).
	AgentPages func(private *gin.RouterGroup, kit AgentKit)
}

type pages struct {
	d        Deps
	tmpls    map[string]*template.Template
	agents   *store.Agents
	sessions *store.AgentSessions
	links    *auth.LinkSigner
}

// Register adds the pages to group: /connexion and the sign-in's routes for
// everyone, the others behind the sign-in (session.go), each showing only what
// the signed-in agent's role may see.
func Register(group *gin.RouterGroup, d Deps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	p := &pages{d: d, tmpls: map[string]*template.Template{}, agents: store.NewAgents(d.DB),
		sessions: store.NewAgentSessions(d.DB), links: d.Links}
	if p.links == nil {
		p.links = ephemeralSigner()
	}
	funcs := template.FuncMap{
		"euros":      french.Euros,
		"percent":    percentText,
		"phaseLabel": models.PhaseLabel,
		"metric":     func(f overview.Figures, name string) int64 { return f[name] },
		"phase":      overview.CampaignsInPhase,
		"date":       french.Date,
		"datetime":   french.DateTime,
		"place": func(region, department string) string {
			if department != "" {
				return territory.Label(department, false)
			}
			return territory.Label(region, true)
		},
		"under": func(p *float64, target int) bool {
			return p != nil && *p < float64(target)
		},
	}
	for _, name := range []string{"overview.html", "campaign.html", "error.html", "signin.html", "noaccess.html", "legal.html", "calls.html", "dossier.html"} {
		p.tmpls[name] = parsePage(name, funcs)
	}
	group.Use(SecurityHeaders(), textinput.Middleware(p.refuseInput))
	group.GET("/static/*file", serveStatic)
	p.registerLegal(group)
	group.GET("/connexion", p.signInForm)
	if d.OIDC != nil {
		group.GET("/connexion/proconnect", p.beginOIDC)
		group.GET(loginPath, p.finishOIDC)
	}
	if d.DevSignIn {
		group.POST(devSignInPath, p.devSignIn)
	}
	private := group.Group("", p.requireSession)
	private.GET("/", p.overview)
	private.GET("/campagnes/:id", p.campaign)
	private.POST("/deconnexion", p.signOut)
	private.GET("/exports/:file", p.export)
	p.registerAgentPages(private)
	if d.AgentPages != nil {
		d.AgentPages(private.Group("", actAsViewer), AgentKit{p: p})
	}
}

func (p *pages) export(c *gin.Context) {
	name, isXLSX := strings.CutSuffix(c.Param("file"), ".xlsx")
	build, ok := workbook.DIANExports[name]
	year, err := strconv.Atoi(c.Query("annee"))
	if !isXLSX || !ok || !viewer(c).IsDIAN() {
		p.fail(c, http.StatusNotFound, "Cet export n'existe pas.")
		return
	}
	if err != nil || year < 2000 || year > 9999 {
		p.fail(c, http.StatusUnprocessableEntity, "Année invalide : saisissez une année sur quatre chiffres, par exemple 2024.")
		return
	}
	data, err := build(c.Request.Context(), p.d.Monitoring, year)
	if err != nil {
		p.d.Logger.Error("export", "file", c.Param("file"), "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "L'export n'a pas pu être construit ; l'incident est journalisé.")
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+name+"-"+strconv.Itoa(year)+`.xlsx"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}

// layout is the shared layout's data for the dashboard's pages.
type layout = Chrome

// layoutFor is the chrome of a dashboard page: its navigation, who is signed in,
// and the breadcrumb from the overview when the page is below it.
func (p *pages) layoutFor(c *gin.Context, title string, trail ...Crumb) layout {
	v := viewer(c)
	name := v.Name
	if v.IsDIAN() {
		name += " (DIAN)"
	} else if v.Territory != "" {
		name += " (" + territory.Label(v.Territory, v.Level == models.LevelRegional) + ")"
	}
	l := layout{Title: title, Home: "/", Agent: true, DevMail: p.d.DevMail, Viewer: name, DIAN: v.IsDIAN()}
	if s, ok := c.Get(sessionKey); ok {
		l.SignOutCSRF, _ = CSRFToken(p.links, signOutPath(s.(*models.AgentSession)), p.d.Now())
	}
	if len(trail) > 0 {
		l.Breadcrumb = append([]Crumb{{Label: "Vue d'ensemble", Href: "/"}}, trail...)
	}
	return l
}

func (p *pages) render(c *gin.Context, status int, name string, data any) {
	var buf bytes.Buffer
	if err := p.tmpls[name].ExecuteTemplate(&buf, "layout", data); err != nil {
		p.d.Logger.Error("render page", "page", name, "error", err, "request_id", c.GetString("request_id"))
		c.Data(http.StatusInternalServerError, "text/plain; charset=utf-8", []byte("Erreur interne ; l'incident est journalisé."))
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
}

func (p *pages) fail(c *gin.Context, status int, message string) {
	p.render(c, status, "error.html", struct {
		layout
		Message string
	}{p.layoutFor(c, "Erreur"), message})
}

type overviewPage struct {
	layout
	Year     int
	Years    []int
	Overview *overview.Overview
	Shares   template.HTML
	PNE      template.HTML
	Phases   []string
	// Campaigns are the year's calls, linked to their pages.
	Campaigns []campaignRow
	More      int64
	// National: the viewer is DIAN (national figures, PNE chart, exports).
	National bool
}

type campaignRow struct {
	ID, Title, Territory, Phase string
	Year                        int
	Budget                      int64
}

// maxListed calls are listed on the overview; the API lists them all.
const maxListed = 500

func (p *pages) overview(c *gin.Context) {
	year := policy.DateOf(p.d.Now()).Year
	if s := c.Query("annee"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 9999 {
			p.fail(c, http.StatusUnprocessableEntity, "Année invalide : saisissez une année sur quatre chiffres, par exemple 2024.")
			return
		}
		year = y
	}
	ctx := c.Request.Context()
	ov, err := p.d.Monitoring.Overview(ctx, year)
	if err != nil {
		p.d.Logger.Error("overview", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La vue nationale n'a pas pu être calculée ; l'incident est journalisé.")
		return
	}
	v := viewer(c)
	scope := v.ReadScope()
	title := "Vue nationale " + strconv.Itoa(year)
	if !v.IsDIAN() {
		narrow(ov, v.Level, v.Territory)
		title = "Vue du territoire " + strconv.Itoa(year) + " : " + territory.Label(v.Territory, v.Level == models.LevelRegional)
	}
	page := overviewPage{layout: p.layoutFor(c, title), National: v.IsDIAN(),
		Year: year, Overview: ov,
		Phases: []string{models.PhaseScheduled, models.PhasePublished, models.PhaseClosed, models.PhaseSelected, models.PhaseCancelled}}
	for y := year - 2; y <= year+1; y++ {
		page.Years = append(page.Years, y)
	}
	sh := ov.National.Shares
	page.Shares = sharesChart("parts", "Répartition des crédits et des bénéficiaires par rapport aux objectifs", []shareBar{
		{Label: "Emploi et langue (crédits)", Percent: sh.EmploymentLanguagePercent, Target: sh.EmploymentLanguageTarget},
		{Label: "Bénéficiaires hors BPI", Percent: sh.NonBPIPercent, Target: sh.NonBPITarget},
		{Label: "Réponses au PNE", Percent: sh.PNEResponsePercent, Target: sh.PNETarget},
	})
	list, total, err := store.NewCampaigns(p.d.DB).List(ctx, store.CampaignFilter{Year: year, Limit: maxListed, Scope: &scope})
	if err != nil {
		p.d.Logger.Error("overview campaigns", "error", err, "request_id", c.GetString("request_id"))
	}
	for _, camp := range list {
		page.Campaigns = append(page.Campaigns, campaignRow{ID: camp.ID, Title: camp.Title, Phase: camp.Phase,
			Territory: territory.Label(camp.Territory, camp.Level == models.LevelRegional), Budget: camp.BudgetCents})
	}
	page.More = total - int64(len(list))
	var weeks []overview.WeekRate
	if page.National {
		if weeks, err = p.d.Monitoring.PNEWeeks(ctx, year); err != nil {
			p.d.Logger.Error("PNE weeks", "error", err, "request_id", c.GetString("request_id"))
		}
	}
	if len(weeks) > 0 {
		page.PNE = pneChart("pne", weeks, sh.PNETarget)
	}
	p.render(c, http.StatusOK, "overview.html", page)
}

type campaignPage struct {
	layout
	Campaign  *models.Campaign
	Territory string
	Timeline  []timeline.Event
	// HistoryError says why the engine's history could not be read ("" when it was).
	HistoryError string
	// DS is the call's Démarches Simplifiées source, nil when it has none.
	DS *dsSection
	// Dossiers are the call's dossiers matching Filter (of Total), with their flags.
	Dossiers       []dossierRow
	DossiersTotal  int64
	Filter         dossierFilter
	States, Themes []option
	Emails         []emailRow
	EmailsTotal    int64
	// Manage: the viewer runs this call (its selection and cancellation).
	Manage bool
	// PolicyFallback is set when the call follows an earlier year's instruction.
	PolicyFallback *policyFallback
	// Message confirms what a form just did (api's agent forms redirect here).
	Message string
}

// doneMessage confirms the form the page follows: ?cree=1, ?selection=<cents granted>, ?annulation=1.
func doneMessage(c *gin.Context, camp *models.Campaign) string {
	switch {
	case c.Query("cree") == "1":
		return "Appel créé. Il sera publié le " + french.DateTime(camp.PublishAt) + " et clos le " + french.DateTime(camp.CloseAt) + "."
	case c.Query("selection") != "":
		cents, err := strconv.ParseInt(c.Query("selection"), 10, 64)
		if err != nil {
			return ""
		}
		return "Sélection enregistrée : " + french.Euros(cents) + " accordés. Chaque porteur de projet reçoit la décision ; " +
			"les conventions des dossiers retenus partent pour signature."
	case c.Query("annulation") == "1":
		return "Appel annulé : chaque porteur de projet en est informé par courriel."
	}
	return ""
}

// dossierFilterOf reads ?etat=&theme=; an unknown value is refused with its field named.
func dossierFilterOf(c *gin.Context) (dossierFilter, string) {
	f := dossierFilter{State: c.Query("etat"), Theme: c.Query("theme")}
	if f.State != "" && optionLabel(applicationStates, f.State) == f.State {
		return f, "État inconnu : choisissez un état de la liste."
	}
	if f.Theme != "" && !models.IsTheme(f.Theme) {
		return f, "Thématique inconnue : choisissez une thématique de la liste."
	}
	return f, ""
}

func (p *pages) campaign(c *gin.Context) {
	ctx := c.Request.Context()
	camp, err := store.NewCampaigns(p.d.DB).Get(ctx, c.Param("id"))
	if err == nil && !viewer(c).ReadScope().Covers(camp.Level, camp.Territory) {
		// Outside the viewer's territory: as if it did not exist (logged, as the API does).
		p.d.Logger.Warn("campaign page outside the viewer's scope", "campaign", camp.ID, "viewer", viewer(c).String(),
			"request_id", c.GetString("request_id"))
		err = store.ErrNotFound
	}
	if errors.Is(err, store.ErrNotFound) {
		p.fail(c, http.StatusNotFound, "Cet appel à projets n'existe pas.")
		return
	}
	filter, refused := dossierFilterOf(c)
	if err == nil && refused != "" {
		p.fail(c, http.StatusUnprocessableEntity, refused)
		return
	}
	page := campaignPage{Campaign: camp, Filter: filter, States: applicationStates}
	var tl *timeline.TimelineResult
	if err == nil {
		tl, err = timeline.Timeline(ctx, p.d.DB, p.d.Temporal, camp)
	}
	if err == nil {
		page.DS, err = loadDSSection(ctx, p.d.DB, camp.ID)
	}
	if err == nil {
		page.Dossiers, page.DossiersTotal, err = callDossiers(ctx, p.d.DB, camp.ID, filter)
	}
	if err == nil {
		page.Emails, page.EmailsTotal, err = callEmails(ctx, p.d.DB, store.EmailFilter{CampaignID: camp.ID})
	}
	if err != nil {
		p.d.Logger.Error("campaign page", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La page de l'appel n'a pas pu être construite ; l'incident est journalisé.")
		return
	}
	for _, t := range camp.Themes {
		page.Themes = append(page.Themes, option{t, models.ThemeLabel(t)})
	}
	for _, ev := range tl.Events {
		if !ev.Echo {
			page.Timeline = append(page.Timeline, ev)
		}
	}
	if tl.HistoryError != "" {
		page.HistoryError = "Le suivi automatique de l'appel n'a pas pu être lu pour le moment : la chronologie ne montre que les faits enregistrés."
	}
	page.layout = p.layoutFor(c, camp.Title, Crumb{Label: "Appels à projets", Href: PathCalls}, Crumb{Label: camp.Title})
	page.Territory = territory.Label(camp.Territory, camp.Level == models.LevelRegional)
	page.Manage = viewer(c).ManageScope().Covers(camp.Level, camp.Territory)
	page.Message = doneMessage(c, camp)
	page.PolicyFallback = fallbackOf(camp)
	p.render(c, http.StatusOK, "campaign.html", page)
}

// policyFallback says a call's year has no instruction of its own yet.
type policyFallback struct {
	RulesYear int
	Message   string
}

func fallbackOf(c *models.Campaign) *policyFallback {
	rules, fallback := c.RulesYear()
	if !fallback {
		return nil
	}
	return &policyFallback{RulesYear: rules, Message: "aucune instruction " + strconv.Itoa(c.Year) +
		" n'est encore transcrite ; l'appel suit les règles de l'instruction " + strconv.Itoa(rules) + " (seuils, calendrier, PNE)."}
}
