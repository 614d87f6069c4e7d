package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// A cursor walk of a call's dossiers returns each one exactly once, in filing order
// (created_at, then id for dossiers filed at the same instant), though dossiers are
// filed while it walks; the totals count them as they come.
func TestApplicationsCursorWalkReturnsEveryDossierOnce(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		campaign := callID(t, db)
		other := callID(t, db)
		base := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
		file := func(i int, at time.Time) {
			a := newApplication(campaign, fmt.Sprintf("projet %02d", i), nil)
			a.CreatedAt = at
			_, created, err := s.Create(ctx, a)
			require.NoError(t, err)
			require.True(t, created)
		}
		for i := range 7 {
			file(i, base.Add(time.Duration(i/2)*time.Minute)) // two by two at the same instant
		}
		_, _, err := s.Create(ctx, newApplication(other, "ailleurs", nil))
		require.NoError(t, err)

		var walked []string
		after, pages := "", 0
		for {
			page, total, err := s.List(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 3, After: after})
			require.NoError(t, err)
			if after == "" {
				require.EqualValues(t, 7, total, "the first page counts the call's dossiers")
			} else {
				require.EqualValues(t, -1, total, "a cursor's page does not count them again")
			}
			for _, a := range page {
				walked = append(walked, a.ID)
			}
			if len(page) < 3 {
				break
			}
			after = page[len(page)-1].ID
			file(100+pages, base.Add(time.Hour+time.Duration(pages)*time.Minute)) // filed during the walk
			pages++
		}

		var want []models.Application
		require.NoError(t, db.Where("campaign_id = ?", campaign).Order("created_at, id").Find(&want).Error)
		ids := make([]string, len(want))
		for i := range want {
			ids[i] = want[i].ID
		}
		require.Equal(t, ids, walked, "every dossier once, in filing order")
		require.Len(t, walked, 7+pages)
		slices.Sort(walked)
		require.Len(t, slices.Compact(walked), 7+pages, "no dossier twice")
	})
}

// A cursor naming no dossier of the call is refused, not read as the end of the list.
func TestApplicationsCursorOfAnotherCallIsRefused(t *testing.T) {
	db := storetest.SQLite(t)
	ctx := context.Background()
	s := store.NewApplications(db)
	campaign, other := callID(t, db), callID(t, db)
	mine, _, err := s.Create(ctx, newApplication(campaign, "ici", nil))
	require.NoError(t, err)
	theirs, _, err := s.Create(ctx, newApplication(other, "ailleurs", nil))
	require.NoError(t, err)

	_, _, err = s.List(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 3, After: theirs.ID})
	require.ErrorIs(t, err, store.ErrUnknownCursor)
	page, _, err := s.List(ctx, store.ApplicationFilter{CampaignID: campaign, Limit: 3, After: mine.ID})
	require.NoError(t, err)
	require.Empty(t, page, "nothing after the call's last dossier")
}

// A call's phase and a dossier's state carry when they were recorded; a retried
// record (the same phase or state again) keeps the first instant.
func TestStateRecordedAtKeepsTheFirstInstant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		campaigns, apps := store.NewCampaigns(db), store.NewApplications(db)
		campaign := callID(t, db)
		at := time.Date(2027, 2, 1, 8, 0, 0, 0, time.UTC)
		require.NoError(t, campaigns.RecordPhase(ctx, campaign, models.PhasePublished, at))
		require.NoError(t, campaigns.RecordPhase(ctx, campaign, models.PhasePublished, at.Add(time.Minute)))
		c, err := campaigns.Get(ctx, campaign)
		require.NoError(t, err)
		require.NotNil(t, c.StateRecordedAt)
		require.True(t, at.Equal(*c.StateRecordedAt), "the first instant: %s", c.StateRecordedAt)
		require.NoError(t, campaigns.RecordPhase(ctx, campaign, models.PhaseClosed, at.Add(time.Hour)))
		c, err = campaigns.Get(ctx, campaign)
		require.NoError(t, err)
		require.True(t, at.Add(time.Hour).Equal(*c.StateRecordedAt))

		a, _, err := apps.Create(ctx, newApplication(campaign, "ateliers", nil))
		require.NoError(t, err)
		require.Nil(t, a.StateRecordedAt, "its first state: recorded at its filing")
		require.NoError(t, apps.RecordState(ctx, a.ID, models.ApplicationUnderReview))
		first, err := apps.Get(ctx, a.ID)
		require.NoError(t, err)
		require.NotNil(t, first.StateRecordedAt)
		time.Sleep(2 * time.Millisecond)
		require.NoError(t, apps.RecordState(ctx, a.ID, models.ApplicationUnderReview))
		again, err := apps.Get(ctx, a.ID)
		require.NoError(t, err)
		require.True(t, first.StateRecordedAt.Equal(*again.StateRecordedAt), "a retried record keeps the first instant")
	})
}
