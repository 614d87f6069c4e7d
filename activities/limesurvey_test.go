package activities_test

import (
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/connector/limesurvey"
	"github.com/dian-p104/aap/internal/connector/limesurvey/limesurveytest"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// The structures become participants with the engine's tokens and attributes; the
// completions read back are recorded as the CSV import records them, once.
func TestLimeSurveyParticipantsAndAnswers(t *testing.T) {
	db := storetest.SQLite(t)
	rows := []models.PNEStructure{
		{Year: 2027, AssociationKey: "siret:1", AssociationName: "Accueil Rhône", Email: "a@example.org", Region: "84", Department: "69", Token: "tok-a"},
		{Year: 2027, AssociationKey: "siret:2", AssociationName: "Savoie Solidaire", Email: "b@example.org", Region: "84", Department: "73", Token: "tok-b"},
		{Year: 2027, AssociationKey: "siret:3", AssociationName: "Isère Accueil", Region: "84", Department: "38", Token: "tok-c"},
	}
	require.NoError(t, db.Create(&rows).Error)
	srv := limesurveytest.New(t, "aap", "secret", 123456)
	acts := &activities.Activities{PNE: store.NewPNEStructures(db), Logger: slog.New(slog.DiscardHandler),
		LimeSurvey: limesurvey.New(srv.URL, "aap", "secret"), LimeSurveyID: 123456}
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(acts)
	ref := activities.PNERef{Year: 2027, WorkflowID: "aap/pne/2027"}
	run := func(activity any) (int, error) {
		t.Helper()
		v, err := env.ExecuteActivity(activity, ref)
		if err != nil {
			return 0, err
		}
		var n int
		require.NoError(t, v.Get(&n))
		return n, nil
	}

	added, err := run(acts.RegisterPNEParticipants)
	require.NoError(t, err)
	assert.Equal(t, 3, added)
	p := srv.Participant("tok-a")
	assert.Equal(t, "Accueil Rhône", p["firstname"])
	assert.Equal(t, "84", p["attribute_1"])
	assert.Equal(t, "69", p["attribute_2"])
	added, err = run(acts.RegisterPNEParticipants)
	require.NoError(t, err)
	assert.Zero(t, added, "a retry adds nobody twice")

	srv.Complete("tok-b", "2027-04-02 10:15")
	recorded, err := run(acts.SyncPNECompletions)
	require.NoError(t, err)
	assert.Equal(t, 1, recorded)
	var b models.PNEStructure
	require.NoError(t, db.Where("token = ?", "tok-b").Take(&b).Error)
	require.NotNil(t, b.AnsweredAt)
	assert.True(t, b.AnsweredAt.Equal(time.Date(2027, 4, 2, 8, 15, 0, 0, time.UTC)), "%v", b.AnsweredAt)
	recorded, err = run(acts.SyncPNECompletions)
	require.NoError(t, err)
	assert.Zero(t, recorded, "already recorded")
	var trail int64
	require.NoError(t, db.Table("audit_entries").Where("entity = ?", "pne_structure").Count(&trail).Error)
	assert.NotZero(t, trail, "recorded through the import's path, with its audit entry")

	acts.LimeSurvey = limesurvey.New(srv.URL, "aap", "wrong")
	_, err = run(acts.SyncPNECompletions)
	var appErr *temporal.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.True(t, appErr.NonRetryable())
	assert.Contains(t, appErr.Error(), "mot de passe refusé")
}
