package policy

import (
	"encoding/json"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/policies"
)

func shipped(t *testing.T) *Set {
	t.Helper()
	s, err := Load(policies.FS)
	require.NoError(t, err)
	return s
}

func TestShippedPoliciesCarryTheInstructionsFigures(t *testing.T) {
	s := shipped(t)
	p2024, err := s.ForYear(2024)
	require.NoError(t, err)
	require.Equal(t, MonthDay{time.March, 31}, p2024.Calendar.AAPPublishBy)
	require.Equal(t, MonthDay{time.May, 31}, p2024.Calendar.AAPCloseBy)
	require.Equal(t, MonthDay{time.May, 31}, p2024.Calendar.PNEClose)
	require.Equal(t, 70, p2024.Selection.EmploymentLanguageMinPercent)
	require.Equal(t, 30, p2024.Selection.NonBPIBeneficiariesMinPercent)
	require.Equal(t, 2, p2024.Selection.PNEMissesBlockingRenewal)
	require.Equal(t, []Duration{Duration(7 * 24 * time.Hour), Duration(14 * 24 * time.Hour)}, p2024.Convention.RemindersAfter)
	require.Equal(t, Duration(30*24*time.Hour), p2024.Convention.LapseAfter)
	require.Equal(t, MonthDay{time.September, 30}, p2024.Calendar.ControlSynthesisDue, "§8.5")
	require.Equal(t, []Duration{Duration(30 * 24 * time.Hour), Duration(7 * 24 * time.Hour)}, p2024.Control.SynthesisRemindersBefore)
	// §8.5: the convention's eligible public comes from the policy, with its source, and adds nothing to the text.
	pub := p2024.Convention.EligiblePublic
	require.Contains(t, pub.Definition, "ne peuvent financer que des actions à destination des étrangers primo-arrivants")
	require.Contains(t, pub.MixedActions, "proportionnelle aux étrangers éligibles effectivement bénéficiaires")
	require.Contains(t, pub.Source, "§8.5")
	require.NotContains(t, pub.Definition+pub.Check, "cinq ans")

	p2025, err := s.ForYear(2025)
	require.NoError(t, err)
	require.Equal(t, 1, p2025.Selection.PNEMissesBlockingRenewal, "§8.4: from 2025 one miss blocks")
}

func TestForYearFallsBackToTheLatestEarlierPolicy(t *testing.T) {
	s := shipped(t)
	p, err := s.ForYear(2031)
	require.NoError(t, err)
	require.Equal(t, "2025", p.Name)

	_, err = s.ForYear(2023)
	require.ErrorContains(t, err, "first is 2024")
}

func TestFinancialReportRemindersAreData(t *testing.T) {
	s := shipped(t)
	for _, year := range []int{2024, 2025} {
		p, err := s.ForYear(year)
		require.NoError(t, err)
		f := p.FinancialReport
		require.Equal(t, 6, f.MonthsAfterFiscalYearEnd, "§8.4")
		require.Equal(t, []Duration{Duration(30 * 24 * time.Hour), Duration(7 * 24 * time.Hour)}, f.RemindersBefore)
		require.Equal(t, []Duration{Duration(15 * 24 * time.Hour), Duration(30 * 24 * time.Hour)}, f.RemindersAfter)
		require.Zero(t, f.DueAfterSignature, "the fiscal year rules outside the demo")
	}
	demo, _ := s.Demo()
	require.Equal(t, Duration(3*time.Minute), demo.FinancialReport.DueAfterSignature, "aap dev shows it in minutes")
}

func TestDemoPolicyNeedsTheFinancialReportsDelay(t *testing.T) {
	raw, err := policies.FS.ReadFile("demo.yaml")
	require.NoError(t, err)
	_, err = Load(fstest.MapFS{"demo.yaml": {Data: []byte(replace(string(raw), "due_after_signature: 3m", "due_after_signature: 0s"))}, "2030.yaml": {Data: []byte(validYear)}})
	require.ErrorContains(t, err, "financial_report.due_after_signature: required in demo.yaml")
	_, err = Load(fstest.MapFS{"demo.yaml": {Data: raw}, "2030.yaml": {Data: []byte(validYear)}})
	require.NoError(t, err)
}

func TestDemoPolicyUsesOffsets(t *testing.T) {
	p, ok := shipped(t).Demo()
	require.True(t, ok)
	require.True(t, p.IsDemo())
	require.Less(t, time.Duration(p.Demo.PublishAfter), time.Duration(p.Demo.CloseAfter))
	require.Positive(t, p.Demo.ControlSynthesisAfter)
	require.Less(t, p.Control.SynthesisRemindersBefore[0], p.Demo.ControlSynthesisAfter)
}

func TestDemoControlRemindersComeAfterTheStart(t *testing.T) {
	raw, err := fs.ReadFile(policies.FS, "demo.yaml")
	require.NoError(t, err)
	bad := replace(string(raw), "[60s, 30s]", "[2m, 30s]")
	_, err = Load(fstest.MapFS{"demo.yaml": {Data: []byte(bad)}, "2030.yaml": {Data: []byte(validYear)}})
	require.ErrorContains(t, err, "control.synthesis_reminders_before: each reminder must come after")
	noDelay := replace(string(raw), "control_synthesis_after: 90s", "control_synthesis_after: 0s")
	_, err = Load(fstest.MapFS{"demo.yaml": {Data: []byte(noDelay)}, "2030.yaml": {Data: []byte(validYear)}})
	require.ErrorContains(t, err, "demo.control_synthesis_after")
}

// The demo PNE's offsets are ordered from the workflow's start: list,
// questionnaire, each reminder, closure; all left out is a demo without PNE.
func TestDemoPNEOffsetsAreOrdered(t *testing.T) {
	raw, err := fs.ReadFile(policies.FS, "demo.yaml")
	require.NoError(t, err)
	p, _ := shipped(t).Demo()
	require.True(t, p.Demo.HasPNE(), "demo.yaml places a PNE in minutes")
	cases := map[string]struct{ from, to, err string }{
		"shipped":                      {"", "", ""},
		"closure at the last reminder": {"pne_close_after: 1m ", "pne_close_after: 40s", "demo.pne_close_after: must come after"},
		"closure just after it":        {"pne_close_after: 1m ", "pne_close_after: 41s", ""},
		"questionnaire with the list":  {"pne_send_after: 20s", "pne_send_after: 10s", "demo.pne_send_after: must come after"},
		"no list delay":                {"pne_list_after: 10s", "pne_list_after: 0s", "demo.pne_list_after: a positive delay"},
		"reminders out of order":       {"[20s]  ", "[20s, 20s] ", "demo.pne_reminders_after_send: positive delays"},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			yaml := string(raw)
			if c.from != "" {
				yaml = replace(yaml, c.from, c.to)
				require.NotEqual(t, string(raw), yaml, "the case changes demo.yaml")
			}
			_, err := Load(fstest.MapFS{"demo.yaml": {Data: []byte(yaml)}, "2030.yaml": {Data: []byte(validYear)}})
			if c.err == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, c.err)
		})
	}
	var none []string
	for _, line := range strings.Split(string(raw), "\n") {
		if !strings.Contains(line, "pne_") || strings.Contains(line, "reminder_days_after_send") || strings.Contains(line, "pne_misses") {
			none = append(none, line)
		}
	}
	d, err := Load(fstest.MapFS{"demo.yaml": {Data: []byte(strings.Join(none, "\n"))}, "2030.yaml": {Data: []byte(validYear)}})
	require.NoError(t, err, "a demo without PNE")
	demo, _ := d.Demo()
	require.False(t, demo.Demo.HasPNE())
}

const validYear = `name: "2030"
year: 2030
source: "test"
calendar: {aap_publish_by: "03-31", aap_close_by: "05-31", pne_list_due: "03-15", pne_send: "03-31",
  pne_close: "05-31", credits_consumed_by: "08-31", ctai_renewal_due: "06-30", ctai_new_due: "09-30",
  control_synthesis_due: "09-30"}
selection: {employment_language_min_percent: 70, non_bpi_beneficiaries_min_percent: 30,
  employment_language_themes: [emploi], pne_misses_blocking_renewal: 1}
pne: {target_response_percent: 100, reminder_days_after_send: [7, 14]}
financial_report: {months_after_fiscal_year_end: 6, reminders_before: [30d, 7d], reminders_after: [15d, 30d]}
ctai: {new_contract_max_eur: 150000, large_territory_min_inhabitants: 100000, large_territory_min_cir: 500,
  min_integration_domains: 2, coordinator_min_local_share_percent: 20}
convention: {reminders_after: [7d, 14d], warn_correspondent_after: 21d, lapse_after: 30d, fiscal_year_end: "12-31"}
control: {synthesis_reminders_before: [30d, 7d]}
`

func TestLoadValidatesEachFileNamingTheField(t *testing.T) {
	cases := []struct {
		name, file, content, want string
	}{
		{"valid", "2030.yaml", validYear, ""},
		{"year differs from file name", "2031.yaml", validYear, "2031.yaml: year: name and year must both be 2031"},
		{"percent above 100", "2030.yaml", replace(validYear, "min_percent: 70", "min_percent: 170"), "selection.employment_language_min_percent"},
		{"closing before publication", "2030.yaml", replace(validYear, `aap_close_by: "05-31"`, `aap_close_by: "02-28"`), "calendar.aap_close_by: must not come before"},
		{"impossible day", "2030.yaml", replace(validYear, `"05-31"`, `"04-31"`), "is not a day of the year"},
		{"missing date", "2030.yaml", replace(validYear, `pne_send: "03-31",`, ""), "calendar.pne_send: required"},
		{"misspelt key", "2030.yaml", replace(validYear, "source:", "sourse:"), "field sourse not found"},
		{"PNE rule off", "2030.yaml", replace(validYear, "renewal: 1", "renewal: 0"), "selection.pne_misses_blocking_renewal"},
		{"reminders out of order", "2030.yaml", replace(validYear, "[7, 14]", "[14, 7]"), "pne.reminder_days_after_send"},
		{"bad file name", "latest.yaml", validYear, "file name must be a year"},
		{"lapse before warning", "2030.yaml", replace(validYear, "lapse_after: 30d", "lapse_after: 20d"), "convention.lapse_after"},
		{"reminders out of order", "2030.yaml", replace(validYear, "[7d, 14d]", "[14d, 7d]"), "convention.reminders_after"},
		{"control reminders shortest first", "2030.yaml", replace(validYear, "[30d, 7d]", "[7d, 30d]"), "control.synthesis_reminders_before"},
		{"control reminder of zero", "2030.yaml", replace(validYear, "[30d, 7d]", "[30d, 0s]"), "control.synthesis_reminders_before"},
		{"control reminder over a year", "2030.yaml", replace(validYear, "[30d, 7d]", "[400d]"), "control.synthesis_reminders_before: at most a year"},
		{"supplement at 92 days", "2030.yaml", replace(validYear, "synthesis_reminders_before: [30d, 7d]}", "synthesis_reminders_before: [30d, 7d], supplement_after: 92d}"), ""},
		{"supplement past 92 days", "2030.yaml", replace(validYear, "synthesis_reminders_before: [30d, 7d]}", "synthesis_reminders_before: [30d, 7d], supplement_after: 93d}"), "control.supplement_after"},
		{"eligible public whole", "2030.yaml", replace(validYear, `fiscal_year_end: "12-31"}`, `fiscal_year_end: "12-31", eligible_public: {definition: d, mixed_actions: m, check: c, source: s}}`), ""},
		{"eligible public without its source", "2030.yaml", replace(validYear, `fiscal_year_end: "12-31"}`, `fiscal_year_end: "12-31", eligible_public: {definition: d, mixed_actions: m, check: c}}`), "convention.eligible_public"},
		{"financial report beyond 6 months", "2030.yaml", replace(validYear, "fiscal_year_end: 6", "fiscal_year_end: 7"), "financial_report.months_after_fiscal_year_end"},
		{"financial report reminders before nearest first", "2030.yaml", replace(validYear, "6, reminders_before: [30d, 7d]", "6, reminders_before: [7d, 30d]"), "financial_report.reminders_before"},
		{"financial report reminders after out of order", "2030.yaml", replace(validYear, "[15d, 30d]", "[30d, 15d]"), "financial_report.reminders_after"},
		{"financial report due after signature outside the demo", "2030.yaml", replace(validYear, "reminders_after: [15d, 30d]", "reminders_after: [15d, 30d], due_after_signature: 3m"), "financial_report.due_after_signature: only demo.yaml"},
		{"CTAI without domains", "2030.yaml", replace(validYear, "min_integration_domains: 2", "min_integration_domains: 0"), "ctai.min_integration_domains"},
		{"CTAI coordinator share above 100", "2030.yaml", replace(validYear, "coordinator_min_local_share_percent: 20", "coordinator_min_local_share_percent: 120"), "ctai.coordinator_min_local_share_percent"},
		{"CTAI large territory without threshold", "2030.yaml", replace(validYear, "large_territory_min_cir: 500", "large_territory_min_cir: 0"), "ctai.large_territory_min_inhabitants"},
		{"bad duration", "2030.yaml", replace(validYear, "lapse_after: 30d", "lapse_after: 30 days"), "is not a duration"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{tc.file: {Data: []byte(tc.content)}})
			if tc.want == "" {
				require.NoError(t, err)
				return
			}
			require.ErrorContains(t, err, tc.want)
		})
	}
}

func replace(s, old, repl string) string {
	out := []byte{}
	for i := 0; i < len(s); {
		if len(s)-i >= len(old) && s[i:i+len(old)] == old {
			out = append(out, repl...)
			i += len(old)
			continue
		}
		out = append(out, s[i])
		i++
	}
	return string(out)
}

func TestDatesAreParisCalendarDays(t *testing.T) {
	// 21:30 UTC on 31 May is 23:30 in Paris: still 31 May.
	lateEvening := time.Date(2025, time.May, 31, 21, 30, 0, 0, time.UTC)
	require.Equal(t, Date{2025, time.May, 31}, DateOf(lateEvening))
	// 22:30 UTC on 31 May is 00:30 on 1 June in Paris (CEST, UTC+2).
	afterMidnight := time.Date(2025, time.May, 31, 22, 30, 0, 0, time.UTC)
	require.Equal(t, Date{2025, time.June, 1}, DateOf(afterMidnight))

	deadline := MonthDay{time.May, 31}.In(2025).EndOfDay()
	require.True(t, lateEvening.Before(deadline))
	require.True(t, afterMidnight.After(deadline))
}

func TestFrenchDates(t *testing.T) {
	require.Equal(t, "31 mai 2025", Date{2025, time.May, 31}.French())
	require.Equal(t, "1er août 2025", Date{2025, time.August, 1}.French())
	require.Equal(t, "15 décembre 2026", Date{2026, time.December, 15}.French())
}

func TestPoliciesSurviveTheirJSONTripInWorkflowInputs(t *testing.T) {
	s := shipped(t)
	p2024, _ := s.ForYear(2024)
	demo, _ := s.Demo()
	for _, p := range []Policy{p2024, demo} {
		raw, err := json.Marshal(p)
		require.NoError(t, err)
		var back Policy
		require.NoError(t, json.Unmarshal(raw, &back))
		require.Equal(t, p, back)
	}
}
