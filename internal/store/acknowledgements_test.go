package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// JustDue counts the pending accusés de réception due in (after, upTo], up to its limit:
// not one due at after or later than upTo, nor one already sent.
func TestJustDueCountsTheAcknowledgementsDueInTheWindow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		call := callID(t, db)
		upTo := time.Date(2027, 5, 31, 21, 59, 0, 0, time.UTC)
		after := upTo.Add(-2 * time.Second)
		file := func(i int, due time.Time, state string) {
			app := newApplication(call, "ateliers "+strconv.Itoa(i), nil)
			app.Acknowledgement, app.AcknowledgementDueAt = state, &due
			require.NoError(t, db.Create(app).Error)
		}
		file(0, after, models.AcknowledgementPending)                      // at the window's start: out
		file(1, upTo.Add(time.Millisecond), models.AcknowledgementPending) // after its end: out
		file(2, upTo, models.AcknowledgementSent)                          // sent: out
		for i := range 3 {
			file(10+i, after.Add(time.Duration(i+1)*time.Millisecond*500), models.AcknowledgementPending)
		}

		n, err := s.JustDue(ctx, after, upTo, 20)
		require.NoError(t, err)
		require.Equal(t, 3, n)
		n, err = s.JustDue(ctx, after, upTo, 2)
		require.NoError(t, err)
		require.Equal(t, 2, n, "no more than the limit")
	})
}
