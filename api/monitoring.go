package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"

	"github.com/dian-p104/aap/internal/timeline"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/workbook"
)

// MonitoringService gives DIAN its national view: the overview, its exports, a call's timeline.
type MonitoringService struct {
	Monitoring *overview.Service
	Campaigns  *store.Campaigns
	DB         *gorm.DB
	Temporal   client.Client
	Logger     *slog.Logger
}

// Timeline is one call's life, from its workflow's history and the database.
func (s *MonitoringService) Timeline(ctx context.Context, campaignID string) (*timeline.TimelineResult, error) {
	c, err := s.Campaigns.Get(ctx, campaignID)
	if err != nil {
		return nil, storeError(err)
	}
	res, err := timeline.Timeline(ctx, s.DB, s.Temporal, c)
	if err != nil {
		return nil, err
	}
	if !res.History {
		s.Logger.Warn("campaign history unreadable; timeline from the database only", "campaign", campaignID,
			"workflow_id", c.WorkflowID, "error", res.HistoryError)
		res.HistoryError = "L'historique du workflow est momentanément illisible : seuls les événements enregistrés en base sont montrés."
	}
	return res, nil
}

type monitoringHandlers struct{ svc *MonitoringService }

// overviewYear reads the required ?year=.
func overviewYear(c *gin.Context) (int, bool) {
	s := c.Query("year")
	year, err := strconv.Atoi(s)
	var fields []FieldError
	switch {
	case s == "":
		fields = append(fields, FieldError{Field: "year", Rule: "required", Message: "l'année est obligatoire (year=2024)"})
	case err != nil || year < 2000 || year > 9999:
		fields = append(fields, FieldError{Field: "year", Rule: "year", Message: "année sur quatre chiffres attendue (2024)"})
	}
	if fields != nil {
		respondError(c, ValidationProblem(fields))
		return 0, false
	}
	return year, true
}

// overview answers GET /api/v1/monitoring/overview?year=.
func (h monitoringHandlers) overview(c *gin.Context) {
	year, ok := overviewYear(c)
	if !ok {
		return
	}
	ov, err := h.svc.Monitoring.Overview(c.Request.Context(), year)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, ov)
}

// export answers one of the XLSX exports of a year.
func (h monitoringHandlers) export(name string) gin.HandlerFunc {
	build := workbook.DIANExports[name]
	return func(c *gin.Context) {
		year, ok := overviewYear(c)
		if !ok {
			return
		}
		data, err := build(c.Request.Context(), h.svc.Monitoring, year)
		if err != nil {
			respondError(c, err)
			return
		}
		sendXLSX(c, fmt.Sprintf("%s-%d.xlsx", name, year), data)
	}
}

// timeline answers GET /api/v1/campaigns/{id}/timeline.
func (h monitoringHandlers) timeline(c *gin.Context) {
	res, err := h.svc.Timeline(c.Request.Context(), c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

func registerMonitoring(v1 *gin.RouterGroup, svc *MonitoringService) {
	h := monitoringHandlers{svc: svc}
	v1.GET("/monitoring/overview", h.overview)
	v1.GET("/monitoring/overview.xlsx", h.export("vue-nationale"))
	v1.GET("/monitoring/dossiers.xlsx", h.export("dossiers-retenus"))
	v1.GET("/monitoring/conventions.xlsx", h.export("conventions"))
	v1.GET("/campaigns/:id/timeline", h.timeline)
}
