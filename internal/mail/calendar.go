package mail

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"
)

// calendarEvent is the last revision sent of an .ics event (table calendar_events):
// the day it gave and its SEQUENCE.
type calendarEvent struct {
	UID       string `gorm:"primaryKey;size:200"`
	Day       string `gorm:"size:10;not null"` // "2006-01-02"
	Sequence  int    `gorm:"not null"`
	UpdatedAt time.Time
}

func (calendarEvent) TableName() string { return "calendar_events" }

// CalendarFile renders the deadline as an .ics attachment named name, with the
// SEQUENCE its day calls for (RFC 5545 §3.8.7.4): the event's first sending is
// revision 0, the same day sent again (a reminder, a retried activity) keeps the
// revision, another day raises it, so an agenda moves the event it already holds
// (same UID) instead of keeping the first date.
func (o *Outbox) CalendarFile(ctx context.Context, name string, d Deadline, stamp time.Time) (*Attachment, error) {
	seq, err := o.revise(ctx, d.UID, fmt.Sprintf("%04d-%02d-%02d", d.Day.Year, d.Day.Month, d.Day.Day))
	if err != nil {
		return nil, fmt.Errorf("calendar event %s: %w", d.UID, err)
	}
	d.Sequence = seq
	return &Attachment{Name: name, ContentType: "text/calendar", Data: d.ICS(stamp)}, nil
}

// revise records that uid's event gives day and returns its SEQUENCE.
func (o *Outbox) revise(ctx context.Context, uid, day string) (int, error) {
	var seq int
	err := o.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		first := calendarEvent{UID: uid, Day: day, UpdatedAt: o.now().UTC()}
		if err := tx.Clauses(clause.OnConflict{DoNothing: true}).Create(&first).Error; err != nil {
			return err
		}
		var ev calendarEvent
		if err := tx.Where("uid = ?", uid).Take(&ev).Error; err != nil {
			return err
		}
		if ev.Day == day {
			seq = ev.Sequence
			return nil
		}
		// Conditional on the revision read: of two revisions written together, the
		// second fails here and its activity is retried against the first.
		res := tx.Model(&calendarEvent{}).Where("uid = ? AND sequence = ?", uid, ev.Sequence).
			Updates(map[string]any{"day": day, "sequence": ev.Sequence + 1, "updated_at": o.now().UTC()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected != 1 {
			return fmt.Errorf("revised concurrently (sequence %d)", ev.Sequence)
		}
		seq = ev.Sequence + 1
		return nil
	})
	return seq, err
}
