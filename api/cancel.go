package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/workflows"
)

// CancelRequest is the body of POST /api/v1/campaigns/{id}/cancel.
type CancelRequest struct {
	Reason string `json:"reason"`
}

// Cancel cancels a call before its conventions are signed, through the
// campaign workflow's Update; every dossier's porteur de projet is told.
func (s *CampaignService) Cancel(ctx context.Context, id string, req CancelRequest, conventions *store.Conventions) (CampaignView, error) {
	reason := strings.TrimSpace(req.Reason)
	v := &validation{}
	checkText(v, "reason", reason, 5, 2000)
	if v.failed() {
		return CampaignView{}, ValidationProblem(v.errs)
	}
	c, err := s.campaign(ctx, id)
	if err != nil {
		return CampaignView{}, err
	}
	signed, err := conventions.SignedInCampaign(ctx, c.ID)
	if err != nil {
		return CampaignView{}, err
	}
	if signed > 0 {
		return CampaignView{}, &Problem{Status: http.StatusConflict, Code: "conventions_signed",
			Message: "Des conventions de cet appel sont déjà signées : il ne peut plus être annulé."}
	}
	refused := &Problem{Status: http.StatusConflict, Code: "cancel_refused",
		Message: "Cet appel à projets ne peut plus être annulé (déjà annulé, ou ses conventions sont signées ou caduques)."}
	if err := runUpdate(ctx, s.Temporal, workflowUpdate{
		WorkflowID: c.WorkflowID, Name: workflows.UpdateCancelCampaign, Arg: workflows.Cancellation{Reason: reason, Actor: store.ActorOf(ctx)},
		Refusals: refusals{workflows.ErrTypeCancelRefused: refusedWith(refused)},
		Ended:    refused,
	}, nil); err != nil {
		return CampaignView{}, err
	}
	return s.Get(ctx, id, false) // the Update returned once the cancellation was recorded
}

type cancelHandler struct {
	svc         *CampaignService
	conventions *store.Conventions
}

func (h cancelHandler) cancel(c *gin.Context) {
	var req CancelRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	view, err := h.svc.Cancel(c.Request.Context(), c.Param("id"), req, h.conventions)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}
