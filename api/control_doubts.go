package api

import (
	"context"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/models"
)

// DoubtRequest is the body of POST /api/v1/conventions/{id}/doubts.
type DoubtRequest struct {
	Kind string `json:"kind"`
	Note string `json:"note"`
}

// FlagDoubt records a doubt on a signed convention: it puts the convention
// first among those to control. A kind is flagged once; again, it answers the first.
func (s *ControlService) FlagDoubt(ctx context.Context, conventionID string, req DoubtRequest) (*models.ConventionDoubt, bool, error) {
	v := &validation{}
	kind, note := strings.TrimSpace(req.Kind), strings.TrimSpace(req.Note)
	if kind == "" {
		v.add("kind", "required", "champ obligatoire : %s", strings.Join(control.DoubtKinds, " ou "))
	} else if kind != control.DoubtDelivery && kind != control.DoubtFunds {
		v.add("kind", "enum", "valeurs possibles : %s (doute sur la réalisation des actions ou sur l'utilisation des fonds)", strings.Join(control.DoubtKinds, ", "))
	}
	checkText(v, "note", note, 2, 2000)
	if v.failed() {
		return nil, false, ValidationProblem(v.errs)
	}
	conv, _, err := s.convention(ctx, conventionID)
	if err != nil {
		return nil, false, err
	}
	if conv.State != models.ConventionSigned {
		return nil, false, errNotSigned(conv)
	}
	d, created, err := s.Controls.AddDoubt(ctx, &models.ConventionDoubt{ConventionID: conv.ID, Kind: kind, Note: note})
	return d, !created, err
}

func (h controlHandlers) flagDoubt(c *gin.Context) {
	var req DoubtRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	d, replayed, err := h.svc.FlagDoubt(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		respondError(c, err)
		return
	}
	respondCreated(c, replayed, "/api/v1/conventions/"+d.ConventionID, d)
}
