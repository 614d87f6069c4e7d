package api_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/mocks"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// A DIAN agent records the opinion through the workflow's Update, with the
// envelope used by the year's other favourable opinions; a correspondent may
// not; a request not yet proposed or already decided is a 409.
func TestCTAIOpinionIsDIANsThroughTheWorkflow(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	id := decodeObject(t, e.postCTAI(t, ctaiBody()))["id"].(string)
	path := "/api/v1/ctai/" + id + "/opinion"
	favourable := []byte(`{"opinion": "favorable", "delegated_eur": 90000.50, "motivation": "Cohérent avec les 900 CIR."}`)

	requireProblem(t, e.do(t, http.MethodPost, path, favourable), http.StatusConflict, "ctai_not_proposed")
	requireProblem(t, e.asCorrespondent(t, "69", "").do(t, http.MethodPost, path, favourable), http.StatusForbidden, "forbidden")

	var r models.CTAIRequest
	require.NoError(t, e.db.Where("id = ?", id).Take(&r).Error)
	require.NoError(t, e.db.Model(&r).Updates(map[string]any{"state": models.CTAIProposed, "proposed_opinion": ctai.OpinionFavourable}).Error)
	other := models.CTAIRequest{ID: "0193f6b0-3333-7abc-8def-000000000001", WorkflowID: "aap/ctai/2027/other", Year: 2027, Kind: ctai.KindNew,
		CollectiviteCode: "69123", Territory: "69", State: models.CTAIReviewed, Opinion: ctai.OpinionFavourable, DelegatedCents: 4_200_000}
	require.NoError(t, e.db.Create(&other).Error)

	var sent []workflows.CTAIOpinionUpdate
	handle := mocks.NewWorkflowUpdateHandle(t)
	handle.On("Get", mock.Anything, mock.Anything).Return(nil)
	e.temporal.On("UpdateWorkflow", mock.Anything, mock.MatchedBy(func(o client.UpdateWorkflowOptions) bool {
		if o.WorkflowID != r.WorkflowID || o.UpdateName != workflows.UpdateCTAIOpinion {
			return false
		}
		sent = append(sent, o.Args[0].(workflows.CTAIOpinionUpdate))
		return true
	})).Return(handle, nil).Once()
	rec := e.do(t, http.MethodPost, path, favourable)
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	require.Len(t, sent, 1)
	assert.Equal(t, ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: 9_000_050, Motivation: "Cohérent avec les 900 CIR."}, sent[0].Decision)
	assert.EqualValues(t, 4_200_000, sent[0].EnvelopeUsedCents, "the other request's favourable opinion")
	assert.NotEmpty(t, sent[0].Actor.Name, "the agent travels to the audit entry")

	requireProblem(t, e.do(t, http.MethodPost, path, []byte(`{"opinion": "favorable", "delegated_eur": 1.234}`)),
		http.StatusUnprocessableEntity, "validation_failed")
	require.NoError(t, e.db.Model(&r).Updates(map[string]any{"state": models.CTAIReviewed}).Error)
	requireProblem(t, e.do(t, http.MethodPost, path, favourable), http.StatusConflict, "ctai_opinion_already_recorded")
}
