package api_test

import (
	"encoding/json"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/workflows"
)

// With LimeSurvey configured, GET /api/v1/pne/{year} shows the connector's state as the
// year's workflow has it; without, or when the workflow does not answer, nothing.
func TestPNESummaryShowsLimeSurveysState(t *testing.T) {
	last := time.Date(2027, 4, 2, 9, 0, 0, 0, time.UTC)
	st := workflows.PNEState{LimeSurvey: workflows.LimeSurveyState{Configured: true, Participants: 3, Answers: 2, LastSync: &last,
		LastError: "LimeSurvey (refused) : clé de session refusée"}}
	e := newEnv(t, withLimeSurvey())
	e.temporal.On("QueryWorkflow", mock.Anything, workflows.PNEWorkflowID(2027), "", workflows.QueryPNEState).
		Return(jsonValue{st}, nil).Once()
	rec := e.get(t, "/api/v1/pne/2027")
	require.Equal(t, http.StatusOK, rec.Code, rec.Body.String())
	ls := decodeObject(t, rec)["limesurvey"].(map[string]any)
	assert.EqualValues(t, 3, ls["participants"])
	assert.EqualValues(t, 2, ls["answers"])
	assert.Equal(t, "LimeSurvey (refused) : clé de session refusée", ls["last_error"])

	e.temporal.On("QueryWorkflow", mock.Anything, workflows.PNEWorkflowID(2027), "", workflows.QueryPNEState).
		Return(nil, errors.New("workflow not found")).Once()
	rec = e.get(t, "/api/v1/pne/2027")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.NotContains(t, decodeObject(t, rec), "limesurvey")

	rec = newEnv(t).get(t, "/api/v1/pne/2027")
	require.Equal(t, http.StatusOK, rec.Code)
	assert.NotContains(t, decodeObject(t, rec), "limesurvey", "not configured: not asked")
}

// jsonValue is a query's answer as Temporal's JSON converter decodes it.
type jsonValue struct{ v any }

func (j jsonValue) HasValue() bool { return true }
func (j jsonValue) Get(valuePtr any) error {
	raw, err := json.Marshal(j.v)
	if err != nil {
		return err
	}
	return json.Unmarshal(raw, valuePtr)
}
