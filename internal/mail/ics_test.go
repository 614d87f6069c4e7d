package mail

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
)

var icsStamp = time.Date(2027, time.January, 15, 8, 30, 5, 0, french.Paris)

// icsLines splits an iCalendar document into its physical lines, failing on
// any line ending other than CRLF.
func icsLines(t *testing.T, doc []byte) []string {
	t.Helper()
	s := string(doc)
	require.True(t, strings.HasSuffix(s, "\r\n"), "the document ends with CRLF")
	lines := strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
	for i, l := range lines {
		require.NotContains(t, l, "\n", "line %d has a bare LF", i+1)
		require.NotContains(t, l, "\r", "line %d has a bare CR", i+1)
	}
	return lines
}

// unfold joins folded lines back (RFC 5545 §3.1): CRLF followed by one space.
func unfold(doc []byte) []string {
	s := strings.ReplaceAll(string(doc), "\r\n ", "")
	return strings.Split(strings.TrimSuffix(s, "\r\n"), "\r\n")
}

// property returns the unfolded value of the first property with that name (and parameters).
func property(t *testing.T, doc []byte, name string) string {
	t.Helper()
	for _, l := range unfold(doc) {
		if v, ok := strings.CutPrefix(l, name+":"); ok {
			return v
		}
	}
	t.Fatalf("no %s in\n%s", name, doc)
	return ""
}

func TestDeadlineICS(t *testing.T) {
	doc := exampleDeadline().ICS(icsStamp)
	lines := icsLines(t, doc)

	assert.Equal(t, "BEGIN:VCALENDAR", lines[0])
	assert.Equal(t, "END:VCALENDAR", lines[len(lines)-1])
	assert.Equal(t, "2.0", property(t, doc, "VERSION"))
	assert.Equal(t, "aap/2027/dep-69/0193f5a2/close@aap", property(t, doc, "UID"))
	assert.Equal(t, "20270115T073005Z", property(t, doc, "DTSTAMP"), "DTSTAMP is in UTC")
	assert.Equal(t, "20270531", property(t, doc, "DTSTART;VALUE=DATE"), "an all-day event on the deadline")
	assert.Equal(t, "20270601", property(t, doc, "DTEND;VALUE=DATE"), "DTEND is exclusive: the next day")
	assert.Equal(t, `Clôture de l'appel à projets : Langue & emploi\, Rhône`, property(t, doc, "SUMMARY"))
	assert.Equal(t, 1, strings.Count(string(doc), "BEGIN:VEVENT"))
	assert.Equal(t, "0", property(t, doc, "SEQUENCE"), "the first revision of the event")
}

// TestDeadlineICSSequence: the same deadline sent again keeps its SEQUENCE; a revised
// date carries the revision given, so that agendas replace the event of the same UID.
func TestDeadlineICSSequence(t *testing.T) {
	d := exampleDeadline()
	again := d.ICS(icsStamp.Add(time.Hour))
	assert.Equal(t, property(t, d.ICS(icsStamp), "SEQUENCE"), property(t, again, "SEQUENCE"))
	d.Day = policy.Date{Year: 2027, Month: time.June, Day: 1}
	d.Sequence = 1
	moved := d.ICS(icsStamp)
	assert.Equal(t, "1", property(t, moved, "SEQUENCE"))
	assert.Equal(t, "20270601", property(t, moved, "DTSTART;VALUE=DATE"))
}

func TestDeadlineICSNextDay(t *testing.T) {
	for _, tc := range []struct {
		day        policy.Date
		start, end string
	}{
		{policy.Date{Year: 2025, Month: time.May, Day: 31}, "20250531", "20250601"},
		{policy.Date{Year: 2026, Month: time.December, Day: 31}, "20261231", "20270101"},
		{policy.Date{Year: 2028, Month: time.February, Day: 28}, "20280228", "20280229"},
		{policy.Date{Year: 2025, Month: time.March, Day: 30}, "20250330", "20250331"},   // 23-hour day in Paris
		{policy.Date{Year: 2025, Month: time.October, Day: 26}, "20251026", "20251027"}, // 25-hour day in Paris
	} {
		t.Run(tc.start, func(t *testing.T) {
			doc := Deadline{UID: "u", Summary: "s", Day: tc.day}.ICS(icsStamp)
			assert.Equal(t, tc.start, property(t, doc, "DTSTART;VALUE=DATE"))
			assert.Equal(t, tc.end, property(t, doc, "DTEND;VALUE=DATE"))
		})
	}
}

func TestDeadlineICSEscaping(t *testing.T) {
	d := Deadline{
		UID:         "u@aap",
		Summary:     "Clôture, dépôt; fin",
		Description: `Chemin C:\dossiers` + "\nseconde ligne",
		Day:         policy.Date{Year: 2027, Month: time.May, Day: 31},
	}
	doc := d.ICS(icsStamp)
	icsLines(t, doc)
	assert.Equal(t, `Clôture\, dépôt\; fin`, property(t, doc, "SUMMARY"))
	assert.Equal(t, `Chemin C:\\dossiers\nseconde ligne`, property(t, doc, "DESCRIPTION"))
}

func TestDeadlineICSFolding(t *testing.T) {
	// "DESCRIPTION:" is 12 octets: 62 'a' make 74, and the 2-octet "é" would
	// end on octet 76, so the fold must come before it, not inside it.
	description := strings.Repeat("a", 62) + "é" + strings.Repeat("éà", 60) + " fin, ici"
	d := Deadline{UID: "u@aap", Summary: "Clôture", Description: description, Day: policy.Date{Year: 2027, Month: time.May, Day: 31}}
	doc := d.ICS(icsStamp)
	lines := icsLines(t, doc)

	var folded []string
	for i, l := range lines {
		assert.LessOrEqual(t, len(l), 75, "line %d is %d octets: %q", i+1, len(l), l)
		assert.True(t, utf8.ValidString(l), "line %d splits a UTF-8 character: %q", i+1, l)
		if strings.HasPrefix(l, " ") {
			folded = append(folded, l)
		}
	}
	require.NotEmpty(t, folded, "a long description is folded")

	i := indexOfPrefix(lines, "DESCRIPTION:")
	require.GreaterOrEqual(t, i, 0)
	assert.Equal(t, "DESCRIPTION:"+strings.Repeat("a", 62), lines[i], "folded before the character that would cross octet 75")
	assert.True(t, strings.HasPrefix(lines[i+1], " é"), "the continuation starts with one space then the whole character: %q", lines[i+1])
	j := i + 1
	for j+1 < len(lines) && strings.HasPrefix(lines[j+1], " ") {
		// Every line but the last of a folded property is filled: only a
		// character of up to 4 octets that would not fit is carried over.
		assert.GreaterOrEqual(t, len(lines[j]), 72, "line %d folded too early: %q", j+1, lines[j])
		j++
	}
	assert.Equal(t, strings.ReplaceAll(description, ",", `\,`), property(t, doc, "DESCRIPTION"), "unfolding gives the text back")

	short := Deadline{UID: "u@aap", Summary: "Clôture", Description: "court", Day: d.Day}.ICS(icsStamp)
	assert.NotContains(t, string(short), "\r\n ", "short lines are not folded")
}

func indexOfPrefix(lines []string, prefix string) int {
	for i, l := range lines {
		if strings.HasPrefix(l, prefix) {
			return i
		}
	}
	return -1
}
