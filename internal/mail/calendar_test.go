package mail

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store/storetest"
)

// TestCalendarFileRaisesSequenceWhenTheDayChanges: an event keeps its UID; sent again
// with the same day it keeps its SEQUENCE, with another day its SEQUENCE rises (and
// rises again if the day goes back); another UID is an event of its own.
func TestCalendarFileRaisesSequenceWhenTheDayChanges(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		r := newRig(t, db)
		ctx := context.Background()
		d := exampleDeadline()
		june30 := policy.Date{Year: 2027, Month: time.June, Day: 30}
		july1 := policy.Date{Year: june30.Year, Month: time.July, Day: 1}
		send := func(d Deadline) (uid, seq, day string) {
			t.Helper()
			att, err := r.outbox.CalendarFile(ctx, "echeance.ics", d, icsStamp)
			require.NoError(t, err)
			assert.Equal(t, "echeance.ics", att.Name)
			assert.EqualValues(t, "text/calendar", att.ContentType)
			return property(t, att.Data, "UID"), property(t, att.Data, "SEQUENCE"), property(t, att.Data, "DTSTART;VALUE=DATE")
		}

		for _, step := range []struct {
			day     policy.Date
			wantSeq string
		}{{june30, "0"}, {june30, "0"}, {july1, "1"}, {july1, "1"}, {june30, "2"}} {
			d.Day = step.day
			uid, seq, day := send(d)
			assert.Equal(t, d.UID, uid, "the same event")
			assert.Equal(t, step.wantSeq, seq, "day %v", step.day)
			assert.Equal(t, d.Day.EndOfDay().Format("20060102"), day)
		}
		other := exampleDeadline()
		other.UID, other.Day = "autre@aap", july1
		_, seq, _ := send(other)
		assert.Equal(t, "0", seq, "another UID is another event")
	})
}
