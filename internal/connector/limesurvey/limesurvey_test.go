package limesurvey_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/connector/limesurvey"
	"github.com/dian-p104/aap/internal/connector/limesurvey/limesurveytest"
)

func TestParticipantsAndCompletions(t *testing.T) {
	srv := limesurveytest.New(t, "aap", "secret", 123456)
	c := limesurvey.New(srv.URL, "aap", "secret")
	ctx := context.Background()
	paris, err := time.LoadLocation("Europe/Paris")
	require.NoError(t, err)
	ps := []limesurvey.Participant{
		{Token: "tok-a", FirstName: "Accueil Rhône", Email: "a@example.org", Region: "84", Department: "69"},
		{Token: "tok-b", FirstName: "Savoie Solidaire", Email: "b@example.org", Region: "84", Department: "73"},
	}
	added, err := c.AddParticipants(ctx, 123456, ps)
	require.NoError(t, err)
	assert.Equal(t, 2, added)
	assert.Equal(t, "69", srv.Participant("tok-a")["attribute_2"])
	added, err = c.AddParticipants(ctx, 123456, ps)
	require.NoError(t, err)
	assert.Zero(t, added, "the same tokens again: already there")

	done, err := c.Completions(ctx, 123456, paris)
	require.NoError(t, err)
	assert.Empty(t, done)
	srv.Complete("tok-b", "2027-04-02 10:15")
	done, err = c.Completions(ctx, 123456, paris)
	require.NoError(t, err)
	require.Len(t, done, 1)
	assert.Equal(t, "tok-b", done[0].Token)
	assert.True(t, done[0].CompletedAt.Equal(time.Date(2027, 4, 2, 8, 15, 0, 0, time.UTC)), "LimeSurvey's time is Paris time")
	assert.Zero(t, srv.OpenSessions(), "every session key released")
}

func TestStatusesBecomeClearStates(t *testing.T) {
	srv := limesurveytest.New(t, "aap", "secret", 123456)
	ctx := context.Background()
	_, err := limesurvey.New(srv.URL, "aap", "wrong").AddParticipants(ctx, 123456, nil)
	var e *limesurvey.Error
	require.ErrorAs(t, err, &e)
	assert.Equal(t, limesurvey.KindRefused, e.Kind)
	assert.Contains(t, e.Message(), "mot de passe refusé")

	_, err = limesurvey.New(srv.URL, "aap", "secret").Completions(ctx, 999, time.UTC)
	require.ErrorAs(t, err, &e)
	assert.Contains(t, e.Message(), "questionnaire inconnu")
	assert.Zero(t, srv.OpenSessions(), "released after a refusal too")

	srv.Down(1)
	_, err = limesurvey.New(srv.URL, "aap", "secret").Completions(ctx, 123456, time.UTC)
	assert.Equal(t, limesurvey.KindUnavailable, limesurvey.KindOf(err))
}
