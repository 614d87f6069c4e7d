package overview

import (
	"context"
	"time"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
)

// WeekRate is the PNE response rate reached by the end of one week.
type WeekRate struct {
	WeekStart policy.Date `json:"week_start"` // a Monday, Paris
	Answered  int64       `json:"answered"`   // cumulated
	Percent   float64     `json:"percent"`
}

// PNEWeeks returns the cumulated response rate of year's PNE week by week, from
// the first answer's week to the last's (§8.4: active follow-up until every
// structure answers). Empty when the year has no structure or no answer.
func (s *Service) PNEWeeks(ctx context.Context, year int) ([]WeekRate, error) {
	var total int64
	if err := s.DB.WithContext(ctx).Table("pne_structures").Where("year = ?", year).Count(&total).Error; err != nil {
		return nil, err
	}
	var answers []time.Time
	err := s.DB.WithContext(ctx).Table("pne_structures").Where("year = ? AND answered_at IS NOT NULL", year).
		Order("answered_at").Pluck("answered_at", &answers).Error
	if err != nil || total == 0 || len(answers) == 0 {
		return nil, err
	}
	var out []WeekRate
	week := monday(answers[0])
	var n int64
	i := 0
	for !week.After(answers[len(answers)-1]) {
		next := week.AddDate(0, 0, 7)
		for i < len(answers) && answers[i].Before(next) {
			n++
			i++
		}
		p := percent(n, total)
		out = append(out, WeekRate{WeekStart: policy.DateOf(week), Answered: n, Percent: *p})
		week = next
	}
	return out, nil
}

// monday is the start of t's week, midnight in Paris.
func monday(t time.Time) time.Time {
	p := t.In(french.Paris)
	d := (int(p.Weekday()) + 6) % 7
	return time.Date(p.Year(), p.Month(), p.Day()-d, 0, 0, 0, 0, french.Paris)
}
