package mail

import (
	"fmt"
	"strings"
	"time"

	"github.com/dian-p104/aap/internal/rules/policy"
)

// Deadline is an all-day calendar event sent as an .ics attachment, so that an
// association or a correspondent can put the date in its agenda.
type Deadline struct {
	UID         string // stable: the same deadline keeps one event in the agenda
	Summary     string
	Description string
	Day         policy.Date
	// Sequence is the event's revision (RFC 5545 SEQUENCE): the same UID sent again with
	// the same Day keeps it; a Day that changes must come with a higher Sequence, or
	// agendas keep the first date.
	Sequence int
}

// ICS renders the deadline as an iCalendar (RFC 5545) document.
func (d Deadline) ICS(stamp time.Time) []byte {
	next := d.Day.EndOfDay().Add(time.Nanosecond)
	lines := []string{
		"BEGIN:VCALENDAR",
		"VERSION:2.0",
		"PRODID:-//DIAN//aap//FR",
		"CALSCALE:GREGORIAN",
		"METHOD:PUBLISH",
		"BEGIN:VEVENT",
		"UID:" + d.UID,
		"DTSTAMP:" + stamp.UTC().Format("20060102T150405Z"),
		fmt.Sprintf("SEQUENCE:%d", d.Sequence),
		fmt.Sprintf("DTSTART;VALUE=DATE:%04d%02d%02d", d.Day.Year, d.Day.Month, d.Day.Day),
		"DTEND;VALUE=DATE:" + next.Format("20060102"),
		"SUMMARY:" + icsEscape(d.Summary),
		"DESCRIPTION:" + icsEscape(d.Description),
		"TRANSP:TRANSPARENT",
		"END:VEVENT",
		"END:VCALENDAR",
	}
	var b strings.Builder
	for _, l := range lines {
		b.WriteString(foldICS(l))
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

func icsEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, ";", `\;`, ",", `\,`, "\n", `\n`).Replace(s)
}

// foldICS folds lines longer than 75 octets, never inside a UTF-8 sequence.
func foldICS(line string) string {
	var b strings.Builder
	n := 0
	for _, r := range line {
		size := len(string(r))
		if n+size > 75 {
			b.WriteString("\r\n ")
			n = 1
		}
		b.WriteRune(r)
		n += size
	}
	return b.String()
}
