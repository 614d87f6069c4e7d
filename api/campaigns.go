package api

import (
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

const (
	defaultPageSize = 50
	maxPageSize     = 200
)

type campaignHandlers struct{ svc *CampaignService }

func (h campaignHandlers) create(c *gin.Context) {
	var req CampaignRequest
	body, ok := bindJSON(c, &req)
	if !ok {
		return
	}
	if (req.Level == models.LevelRegional || req.Level == models.LevelDepartmental) && isTerritory(req.Territory) &&
		!requireManage(c, req.Level, req.Territory) {
		return
	}
	key, err := idempotencyKey(c)
	if err != nil {
		respondError(c, err)
		return
	}
	res, err := h.svc.Create(c.Request.Context(), &req, body, key)
	if err != nil {
		respondError(c, err)
		return
	}
	respondCreated(c, res.Replayed, "/api/v1/campaigns/"+res.Campaign.ID, viewOf(res.Campaign))
}

func (h campaignHandlers) get(c *gin.Context) {
	live, err := liveParam(c)
	if err != nil {
		respondError(c, err)
		return
	}
	view, err := h.svc.Get(c.Request.Context(), c.Param("id"), live)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

func (h campaignHandlers) list(c *gin.Context) {
	f, err := campaignFilter(c)
	if err != nil {
		respondError(c, err)
		return
	}
	items, total, err := h.svc.List(c.Request.Context(), f)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": total, "page": f.Offset/f.Limit + 1, "page_size": f.Limit})
}

// campaignFilter reads ?year=&territory=&state=&page=&page_size=.
func campaignFilter(c *gin.Context) (store.CampaignFilter, error) {
	v := &validation{}
	f := store.CampaignFilter{Territory: c.Query("territory"), Phase: c.Query("state"), Scope: readScope(c)}
	f.Year = positiveParam(c, v, "year")
	f.Limit, f.Offset = pageParams(c, v)
	if f.Territory != "" && !isTerritory(f.Territory) {
		v.add("territory", "territory", "code INSEE de région ou de département inconnu")
	}
	switch f.Phase {
	case "", models.PhaseScheduled, models.PhasePublished, models.PhaseClosed, models.PhaseSelected, models.PhaseCancelled:
	default:
		v.add("state", "enum", "valeurs possibles : scheduled, published, closed, selected, cancelled")
	}
	if v.failed() {
		return f, ValidationProblem(v.errs)
	}
	return f, nil
}

// positiveParam reads an optional positive integer query parameter (0 when absent).
func positiveParam(c *gin.Context, v *validation, name string) int {
	s := c.Query(name)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 {
		v.add(name, "positive_integer", "entier positif attendu")
	}
	return n
}

// pageParams reads ?page=&page_size= into a limit and an offset.
func pageParams(c *gin.Context, v *validation) (limit, offset int) {
	page := max(positiveParam(c, v, "page"), 1)
	limit = defaultPageSize
	if size := positiveParam(c, v, "page_size"); size > maxPageSize {
		v.add("page_size", "max", "au plus %d", maxPageSize)
	} else if size > 0 {
		limit = size
	}
	return limit, (page - 1) * limit
}

func isTerritory(code string) bool {
	_, region := territory.LookupRegion(code)
	_, dep := territory.LookupDepartment(code)
	return region || dep
}

func territoryLabel(c *models.Campaign) string {
	return territory.Label(c.Territory, c.Level == models.LevelRegional)
}

func registerCampaigns(v1 *gin.RouterGroup, svc *CampaignService, conventions *store.Conventions) {
	h := campaignHandlers{svc: svc}
	v1.POST("/campaigns", h.create)
	v1.GET("/campaigns", h.list)
	v1.GET("/campaigns/:id", h.get)
	v1.POST("/campaigns/:id/cancel", cancelHandler{svc: svc, conventions: conventions}.cancel)
	v1.GET("/campaigns/:id/connector", h.connector)
}
