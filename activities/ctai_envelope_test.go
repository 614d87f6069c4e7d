package activities_test

import (
	"errors"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// An opinion the database finds beyond the envelope is a non-retryable
// CTAIEnvelopeExceeded carrying what the others used; at the envelope, recorded.
func TestRecordCTAIOpinionBeyondTheEnvelopeIsNotRetried(t *testing.T) {
	db := storetest.SQLite(t)
	requests := store.NewCTAIRequests(db)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{CTAI: requests})
	a := (*activities.Activities)(nil)
	proposed := func(code string) string {
		id := uuid.NewString()
		_, _, err := requests.Create(t.Context(), &models.CTAIRequest{ID: id, WorkflowID: "aap/ctai/2027/" + id, Year: 2027, Kind: ctai.KindNew,
			CollectiviteCode: code, Territory: "69", State: models.CTAIFiled, FiledAt: time.Now().UTC()})
		require.NoError(t, err)
		require.NoError(t, requests.RecordProposal(t.Context(), id, ctai.Proposal{Opinion: ctai.OpinionFavourable}, time.Now()))
		return id
	}
	record := func(id string, cents int64) error {
		_, err := env.ExecuteActivity(a.RecordCTAIOpinion, activities.CTAIDecisionRecord{CTAIRef: activities.CTAIRef{RequestID: id},
			Decision: ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: cents}, Actor: models.Actor{Name: "Agent DIAN"},
			At: time.Now(), EnvelopeCents: 1_000_000})
		return err
	}
	require.NoError(t, record(proposed("69001"), 700_000))
	err := record(proposed("69002"), 300_001)
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "%v", err)
	assert.Equal(t, activities.ErrTypeCTAIEnvelopeExceeded, appErr.Type())
	assert.True(t, appErr.NonRetryable())
	var use activities.CTAIEnvelopeUse
	require.NoError(t, appErr.Details(&use))
	assert.EqualValues(t, 700_000, use.UsedCents)
	require.NoError(t, record(proposed("69003"), 300_000), "at the envelope")
}
