package activities_test

import (
	"errors"
	"log/slog"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// requireNonRetryable checks that err is an application error retrying cannot fix, of type errType.
func requireNonRetryable(t *testing.T, err error, errType string) {
	t.Helper()
	var appErr *temporal.ApplicationError
	require.True(t, errors.As(err, &appErr), "%T %v is not an application error", err, err)
	assert.True(t, appErr.NonRetryable(), "%v is retried", err)
	assert.Equal(t, errType, appErr.Type())
}

// A value PostgreSQL refuses (a NUL byte: SQLSTATE 22021) would make the
// activity fail the same way at every retry, and the workflow's handler wait
// for ever: it is non-retryable, typed, and nothing is written; the clean value
// is then recorded.
func TestRecordsRefusedByPostgreSQLAreNotRetried(t *testing.T) {
	db := storetest.Postgres(t)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db),
		Conventions: store.NewConventions(db), Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)
	c, app := seedFunded(t, db, 2027)
	conv := &models.Convention{ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: c.ID, Reference: "CONV-2027-69-NUL00001",
		Kind: convention.Annual, GrantedCents: 1_000_000, State: models.ConventionAwaitingSignature}
	require.NoError(t, db.Create(conv).Error)
	at := time.Date(2027, 7, 10, 9, 0, 0, 0, time.UTC)

	_, err := env.ExecuteActivity(a.RecordConventionSigned, activities.SignatureRecord{ConventionID: conv.ID, SignedBy: "Marie\x00 Curie", At: at})
	requireNonRetryable(t, err, activities.ErrTypeInvalidData)
	var stored models.Convention
	require.NoError(t, db.First(&stored, "id = ?", conv.ID).Error)
	assert.Equal(t, models.ConventionAwaitingSignature, stored.State, "nothing recorded")

	_, err = env.ExecuteActivity(a.RecordConventionSigned, activities.SignatureRecord{ConventionID: conv.ID, SignedBy: "Marie Curie", At: at})
	require.NoError(t, err)
	require.NoError(t, db.First(&stored, "id = ?", conv.ID).Error)
	assert.Equal(t, models.ConventionSigned, stored.State)

	_, err = env.ExecuteActivity(a.RecordCampaignCancelled, activities.CampaignCancellation{CampaignID: c.ID, Reason: "motif\x00", At: at})
	requireNonRetryable(t, err, activities.ErrTypeInvalidData)
	var camp models.Campaign
	require.NoError(t, db.First(&camp, "id = ?", c.ID).Error)
	assert.NotEqual(t, models.PhaseCancelled, camp.Phase, "nothing recorded")
}
