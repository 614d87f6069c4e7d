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
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/mail"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/monitoring"
	"github.com/dian-p104/aap/policy"
	"github.com/dian-p104/aap/store"
	"github.com/dian-p104/aap/territory"
)

//go:embed templates/*.html
var templateFS embed.FS

// Deps are what the pages read.
type Deps struct {
	Monitoring *monitoring.Service
	DB         *gorm.DB
	Temporal   client.Client // for the timeline; nil shows the database's events only
	// DevMail links the dev mail catcher's pages (`aap dev` only).
	DevMail bool
	Now     func() time.Time
	Logger  *slog.Logger
}

type pages struct {
	d     Deps
	tmpls map[string]*template.Template
}

// Register adds the pages to group. The group is where a sign-in middleware goes,
// once for every page.
func Register(group *gin.RouterGroup, d Deps) {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	p := &pages{d: d, tmpls: map[string]*template.Template{}}
	funcs := template.FuncMap{
		"euros":      mail.Euros,
		"percent":    percentText,
		"phaseLabel": models.PhaseLabel,
		"metric":     func(f monitoring.Figures, name string) int64 { return f[name] },
		"phase":      monitoring.CampaignsInPhase,
		"date":       func(t time.Time) string { return policy.DateOf(t).French() },
		"datetime":   monitoring.FrenchDateTime,
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
	for _, name := range []string{"overview.html", "campaign.html", "error.html"} {
		p.tmpls[name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/"+name))
	}
	group.GET("/", p.overview)
	group.GET("/campagnes/:id", p.campaign)
}

type layout struct {
	Title   string
	DevMail bool
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
	}{layout{Title: "Erreur", DevMail: p.d.DevMail}, message})
}

type overviewPage struct {
	layout
	Year     int
	Years    []int
	Overview *monitoring.Overview
	Shares   template.HTML
	PNE      template.HTML
	Phases   []string
	// Campaigns are the year's calls, linked to their pages.
	Campaigns []campaignRow
	More      int64
}

type campaignRow struct {
	ID, Title, Territory, Phase string
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
	page := overviewPage{layout: layout{Title: "Vue nationale " + strconv.Itoa(year), DevMail: p.d.DevMail},
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
	list, total, err := store.NewCampaigns(p.d.DB).List(ctx, store.CampaignFilter{Year: year, Limit: maxListed})
	if err != nil {
		p.d.Logger.Error("overview campaigns", "error", err, "request_id", c.GetString("request_id"))
	}
	for _, camp := range list {
		page.Campaigns = append(page.Campaigns, campaignRow{ID: camp.ID, Title: camp.Title, Phase: camp.Phase,
			Territory: territory.Label(camp.Territory, camp.Level == models.LevelRegional), Budget: camp.BudgetCents})
	}
	page.More = total - int64(len(list))
	weeks, err := p.d.Monitoring.PNEWeeks(ctx, year)
	if err != nil {
		p.d.Logger.Error("PNE weeks", "error", err, "request_id", c.GetString("request_id"))
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
	Timeline  *monitoring.TimelineResult
}

func (p *pages) campaign(c *gin.Context) {
	ctx := c.Request.Context()
	camp, err := store.NewCampaigns(p.d.DB).Get(ctx, c.Param("id"))
	if errors.Is(err, store.ErrNotFound) {
		p.fail(c, http.StatusNotFound, "Cet appel à projets n'existe pas.")
		return
	}
	var tl *monitoring.TimelineResult
	if err == nil {
		tl, err = monitoring.Timeline(ctx, p.d.DB, p.d.Temporal, camp)
	}
	if err != nil {
		p.d.Logger.Error("campaign page", "error", err, "request_id", c.GetString("request_id"))
		p.fail(c, http.StatusInternalServerError, "La page de l'appel n'a pas pu être construite ; l'incident est journalisé.")
		return
	}
	p.render(c, http.StatusOK, "campaign.html", campaignPage{
		layout:   layout{Title: camp.Title, DevMail: p.d.DevMail},
		Campaign: camp, Territory: territory.Label(camp.Territory, camp.Level == models.LevelRegional), Timeline: tl,
	})
}
