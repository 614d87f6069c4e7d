package api

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/mocks"
)

// At most maxLiveQueries live queries run at once: with one slot left the
// workflow is asked, with none the read falls back at once, "busy".
func TestLiveQueriesAreBounded(t *testing.T) {
	for range maxLiveQueries - 1 {
		liveQuerySlots <- struct{}{}
	}
	t.Cleanup(func() {
		for len(liveQuerySlots) > 0 {
			<-liveQuerySlots
		}
	})
	tc := mocks.NewClient(t)
	tc.On("QueryWorkflow", mock.Anything, "wf", "", "state").Return(nil, errors.New("asked")).Once()
	_, err := queryState[struct{}](context.Background(), tc, "wf", "state")
	require.EqualError(t, err, "asked", "the last slot asks the workflow")

	liveQuerySlots <- struct{}{}
	_, err = queryState[struct{}](context.Background(), tc, "wf", "state")
	require.ErrorIs(t, err, errLiveQueriesBusy, "no slot: not asked")
	assert.Equal(t, fallbackBusy, fallbackReason(err))
}

func TestFallbackReason(t *testing.T) {
	assert.Equal(t, fallbackTimeout, fallbackReason(context.DeadlineExceeded))
	assert.Equal(t, fallbackTimeout, fallbackReason(serviceerror.NewDeadlineExceeded("query")))
	assert.Equal(t, fallbackUnavailable, fallbackReason(serviceerror.NewNotFound("workflow")))
}
