package api

import (
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

type controlHandlers struct{ svc *ControlService }

// yearRegion reads /controls/{year}/{region}/….
func yearRegion(c *gin.Context) (int, string, bool) {
	year, ok := yearParam(c)
	return year, c.Param("region"), ok
}

func (h controlHandlers) candidates(c *gin.Context) {
	year, region, ok := yearRegion(c)
	if !ok {
		return
	}
	res, err := h.svc.Candidates(c.Request.Context(), year, region)
	if err != nil {
		respondError(c, err)
		return
	}
	if scope := readScope(c); !scope.Covers(models.LevelRegional, region) {
		// A department's correspondent sees its department's conventions, at their regional rank.
		items := []Candidate{}
		for _, it := range res.Items {
			if it.Department != "" && scope.Covers(models.LevelDepartmental, it.Department) {
				items = append(items, it)
			}
		}
		res.Items = items
	}
	c.JSON(http.StatusOK, res)
}

func (h controlHandlers) synthesis(c *gin.Context) {
	year, region, ok := yearRegion(c)
	if !ok {
		return
	}
	if !readScope(c).Covers(models.LevelRegional, region) {
		respondError(c, errNotFound) // the region's synthesis is its correspondent's and DIAN's
		return
	}
	data, err := h.svc.Synthesis(c.Request.Context(), year, region)
	if err != nil {
		respondError(c, err)
		return
	}
	sendXLSX(c, workbook.ControlSynthesisFileName(year, region), data)
}

func (h controlHandlers) plan(c *gin.Context) {
	var req PlanRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	view, replayed, err := h.svc.Plan(c.Request.Context(), req, principal(c).ManageScope())
	if err != nil {
		respondError(c, err)
		return
	}
	respondCreated(c, replayed, "/api/v1/controls/"+view.ID, view)
}

func (h controlHandlers) result(c *gin.Context) {
	var req ResultRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	view, err := h.svc.RecordResult(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

func (h controlHandlers) followUp(c *gin.Context) {
	var req FollowUpRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	view, err := h.svc.TrackFollowUp(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

// list answers GET /api/v1/controls?year=&region=.
func (h controlHandlers) list(c *gin.Context) {
	v := &validation{}
	f := store.ControlFilter{Year: positiveParam(c, v, "year"), Region: c.Query("region")}
	if _, ok := territory.LookupRegion(f.Region); f.Region != "" && !ok {
		v.add("region", "region", "code INSEE de région inconnu (par exemple 84 pour Auvergne-Rhône-Alpes)")
	}
	if v.failed() {
		respondError(c, ValidationProblem(v.errs))
		return
	}
	all, err := h.svc.List(c.Request.Context(), f)
	if err != nil {
		respondError(c, err)
		return
	}
	scope := readScope(c)
	items := []ControlView{}
	for _, v := range all {
		if scope.CoversPlace(v.Region, v.Department) {
			items = append(items, v)
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": len(items)})
}

// registerControls registers the on-site controls' routes (§8.5), a convention's doubts included.
func registerControls(v1 *gin.RouterGroup, svc *ControlService) {
	h := controlHandlers{svc: svc}
	v1.POST("/conventions/:id/doubts", h.flagDoubt)
	v1.POST("/controls", h.plan)
	v1.GET("/controls", h.list)
	// gin wants one wildcard name per position and method: GET routes of
	// /controls/… take a year, POST routes a control's ID.
	v1.GET("/controls/:year/:region/candidates", h.candidates)
	v1.GET("/controls/:year/:region/synthesis.xlsx", h.synthesis)
	v1.POST("/controls/:id/result", h.result)
	v1.POST("/controls/:id/follow-up", h.followUp)
}
