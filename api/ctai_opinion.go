package api

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// CTAIOpinionBody is the body of POST /api/v1/ctai/{id}/opinion: a DIAN
// agent's opinion on the engine's proposal (§3.4).
type CTAIOpinionBody struct {
	// Opinion is "favorable" or "defavorable".
	Opinion string `json:"opinion"`
	// DelegatedEUR is the amount a favourable opinion delegates.
	DelegatedEUR json.Number `json:"delegated_eur"`
	Motivation   string      `json:"motivation"`
}

var (
	errCTAINotProposed = &Problem{Status: http.StatusConflict, Code: "ctai_not_proposed",
		Message: "La proposition du moteur n'est pas encore enregistrée : l'avis se donne sur une proposition."}
	errCTAIAlreadyDecided = &Problem{Status: http.StatusConflict, Code: "ctai_opinion_already_recorded",
		Message: "L'avis de la DIAN sur cette demande est déjà enregistré ; il ne se modifie pas."}
)

// Decide records a DIAN agent's opinion through the request workflow's Update,
// whose validator checks it against the proposal and the year's envelope used
// by the other requests; the workflow records it with the agent, then emails it.
// The envelope read here may be stale (another opinion recorded meanwhile): the
// transaction that records a favourable opinion checks it again and refuses it
// with the same 422 (CTAIRequests.RecordDecision).
func (s *CTAIService) Decide(ctx context.Context, id string, body *CTAIOpinionBody, requestID string) (CTAIView, error) {
	r, err := findByID(ctx, id, s.Requests.Get)
	if err != nil {
		return CTAIView{}, err
	}
	v := &validation{}
	d := ctai.Decision{Opinion: body.Opinion, Motivation: strings.TrimSpace(body.Motivation)}
	if body.DelegatedEUR != "" {
		d.DelegatedCents = checkEurosAllowZero(v, "delegated_eur", body.DelegatedEUR)
	}
	if len([]rune(d.Motivation)) > 4000 {
		v.add("motivation", "max_length", "au plus %d caractères", 4000)
	}
	if v.failed() {
		return CTAIView{}, ValidationProblem(v.errs)
	}
	switch r.State {
	case models.CTAIFiled:
		return CTAIView{}, errCTAINotProposed
	case models.CTAIReviewed:
		return CTAIView{}, errCTAIAlreadyDecided
	}
	used, err := s.Requests.EnvelopeUsed(ctx, r.Year, r.ID)
	if err != nil {
		return CTAIView{}, err
	}
	if err := runUpdate(ctx, s.Temporal, workflowUpdate{
		WorkflowID: r.WorkflowID, UpdateID: requestID, Name: workflows.UpdateCTAIOpinion,
		Arg: workflows.CTAIOpinionUpdate{Decision: d, EnvelopeUsedCents: used, Actor: store.ActorOf(ctx)},
		Refusals: refusals{
			workflows.ErrTypeCTAIOpinionRefused: refusedWithDetails(ctaiOpinionRefused),
			workflows.ErrTypeCTAINotProposed:    refusedWith(errCTAINotProposed),
			workflows.ErrTypeCTAIAlreadyDecided: refusedWith(errCTAIAlreadyDecided),
		},
		Ended: errCTAIAlreadyDecided,
	}, nil); err != nil {
		return CTAIView{}, err
	}
	return s.Get(ctx, id)
}

func ctaiOpinionRefused(violations []ctai.Violation) error {
	fields := make([]FieldError, len(violations))
	for i, v := range violations {
		fields[i] = FieldError{Field: v.Field, Rule: v.Rule, Message: v.Message}
	}
	return &Problem{Status: http.StatusUnprocessableEntity, Code: "ctai_opinion_refused",
		Message: "L'avis ne peut être enregistré tel quel ; rien n'a été enregistré.", Fields: fields}
}

// opinion answers POST /api/v1/ctai/{id}/opinion (DIAN only: api/access.go).
func (h ctaiHandlers) opinion(c *gin.Context) {
	var body CTAIOpinionBody
	if _, ok := bindJSON(c, &body); !ok {
		return
	}
	key, err := idempotencyKey(c)
	if err != nil {
		respondError(c, err)
		return
	}
	v, err := h.svc.Decide(c.Request.Context(), c.Param("id"), &body, key)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}
