package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
)

type applicationHandlers struct{ svc *ApplicationService }

// file answers POST /api/v1/campaigns/{id}/applications.
func (h applicationHandlers) file(c *gin.Context) {
	campaign, err := h.svc.openCampaign(c.Request.Context(), c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	var req ApplicationRequest
	body, ok := bindJSON(c, &req)
	if !ok {
		return
	}
	key, err := idempotencyKey(c)
	if err != nil {
		respondError(c, err)
		return
	}
	res, err := h.svc.File(c.Request.Context(), campaign, &req, body, key)
	if err != nil {
		respondError(c, err)
		return
	}
	respondCreated(c, res.Replayed, "/api/v1/applications/"+res.Application.ID, applicationView(res.Application))
}

func (h applicationHandlers) get(c *gin.Context) {
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

// list answers GET /api/v1/campaigns/{id}/applications?state=&theme=&page=&page_size=&cursor=.
// With cursor (a next_cursor of the previous page) the page starts after that
// dossier; without it, page counts pages from the first (kept for existing clients).
func (h applicationHandlers) list(c *gin.Context) {
	v := &validation{}
	f := store.ApplicationFilter{CampaignID: c.Param("id"), State: c.Query("state"), Theme: c.Query("theme")}
	f.Limit, f.Offset = pageParams(c, v)
	if cursor, given := c.GetQuery("cursor"); given {
		after, err := decodeCursor(cursor)
		if err == nil && c.Query("page") != "" {
			err = errCursorWithPage
		}
		if err != nil {
			respondError(c, err)
			return
		}
		f.After, f.Offset = after, 0
	}
	switch f.State {
	case "", models.ApplicationDeposited, models.ApplicationUnderReview, models.ApplicationRetained,
		models.ApplicationNotRetained, models.ApplicationCancelled:
	default:
		v.add("state", "enum", "valeurs possibles : deposited, under_review, retained, not_retained, cancelled")
	}
	if f.Theme != "" && !models.IsTheme(f.Theme) {
		v.add("theme", "enum", "thématique inconnue « %s »", f.Theme)
	}
	if v.failed() {
		respondError(c, ValidationProblem(v.errs))
		return
	}
	// A cursor's page has neither a number nor the total: the walk already has them.
	items, more, total, err := h.svc.List(c.Request.Context(), f, f.After == "")
	if err != nil {
		respondError(c, cursorError(err))
		return
	}
	body := ApplicationPage{Items: items, PageSize: f.Limit}
	if f.After == "" {
		body.Page, body.Total = f.Offset/f.Limit+1, &total
	}
	if more {
		body.NextCursor = encodeCursor(items[len(items)-1].ID)
	}
	c.JSON(http.StatusOK, body)
}

func registerApplications(v1 *gin.RouterGroup, svc *ApplicationService) {
	h := applicationHandlers{svc: svc}
	v1.POST("/campaigns/:id/applications", h.file)
	v1.GET("/campaigns/:id/applications", h.list)
	v1.GET("/applications/:id", h.get)
}
