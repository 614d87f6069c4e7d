package policy

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"gopkg.in/yaml.v3"
)

// Set is every policy known to a process, read once at start.
type Set struct {
	byYear map[int]Policy
	years  []int // ascending
	demo   *Policy
}

// Load reads every *.yaml file of fsys: YYYY.yaml for a year's instruction, demo.yaml for the demo.
// Every file is validated; all errors are reported, each naming its file and field.
func Load(fsys fs.FS) (*Set, error) {
	names, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	s := &Set{byYear: map[int]Policy{}}
	var errs []error
	for _, name := range names {
		p, err := loadFile(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if p.Name == DemoName {
			s.demo = &p
			continue
		}
		s.byYear[p.Year] = p
		s.years = append(s.years, p.Year)
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if len(s.years) == 0 {
		return nil, errors.New("policy: no yearly policy file (YYYY.yaml) found")
	}
	sort.Ints(s.years)
	return s, nil
}

func loadFile(fsys fs.FS, name string) (Policy, error) {
	raw, err := fs.ReadFile(fsys, name)
	if err != nil {
		return Policy{}, err
	}
	var p Policy
	dec := yaml.NewDecoder(bytes.NewReader(raw))
	dec.KnownFields(true) // a misspelt key is an error, not a silently missing rule
	if err := dec.Decode(&p); err != nil {
		return Policy{}, fmt.Errorf("%s: %w", name, err)
	}
	stem := strings.TrimSuffix(path.Base(name), ".yaml")
	if err := p.validate(stem); err != nil {
		return Policy{}, fmt.Errorf("%s: %w", name, err)
	}
	return p, nil
}

// ForYear returns the policy of a campaign's year: that year's own, or else the
// latest earlier one (a new instruction may be late).
func (s *Set) ForYear(year int) (Policy, error) {
	i := sort.SearchInts(s.years, year+1) - 1
	if i < 0 {
		return Policy{}, fmt.Errorf("no policy covers %d: the first is %d", year, s.years[0])
	}
	return s.byYear[s.years[i]], nil
}

// Demo returns the demo policy, if one was loaded.
func (s *Set) Demo() (Policy, bool) {
	if s.demo == nil {
		return Policy{}, false
	}
	return *s.demo, true
}

// FirstYear is the earliest year a policy covers.
func (s *Set) FirstYear() int { return s.years[0] }

// Years lists the years that have their own policy file, ascending.
func (s *Set) Years() []int { return append([]int(nil), s.years...) }

func (p *Policy) validate(stem string) error {
	var errs []error
	bad := func(field, rule string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(rule, args...)))
	}
	if stem == DemoName {
		if p.Name != DemoName {
			bad("name", "must be %q in demo.yaml", DemoName)
		}
		p.validateDemo(bad)
	} else {
		year, err := strconv.Atoi(stem)
		if err != nil || year < 2000 || year > 2100 {
			return fmt.Errorf("file name must be a year (YYYY.yaml) or demo.yaml")
		}
		if p.Year != year || p.Name != stem {
			bad("year", "name and year must both be %d, as the file name says", year)
		}
		if p.Demo != nil {
			bad("demo", "only demo.yaml places steps by offsets")
		}
		p.validateCalendar(bad)
	}
	if p.Source == "" {
		bad("source", "cite the instruction the figures come from")
	}
	p.validateRules(bad)
	return errors.Join(errs...)
}

type reporter func(field, rule string, args ...any)

func (p *Policy) validateCalendar(bad reporter) {
	c := p.Calendar
	required := []struct {
		field string
		md    MonthDay
	}{
		{"calendar.aap_publish_by", c.AAPPublishBy}, {"calendar.aap_close_by", c.AAPCloseBy},
		{"calendar.pne_list_due", c.PNEListDue}, {"calendar.pne_send", c.PNESend},
		{"calendar.pne_close", c.PNEClose}, {"calendar.credits_consumed_by", c.CreditsConsumedBy},
		{"calendar.ctai_renewal_due", c.CTAIRenewalDue}, {"calendar.ctai_new_due", c.CTAINewDue},
		{"calendar.control_synthesis_due", c.ControlSynthesisDue},
	}
	for _, r := range required {
		if r.md.IsZero() {
			bad(r.field, "required (MM-DD)")
		}
	}
	order := func(first, then string, a, b MonthDay) {
		if !a.IsZero() && !b.IsZero() && b.In(2000).Before(a.In(2000)) {
			bad(then, "must not come before %s (%s)", first, a)
		}
	}
	order("calendar.aap_publish_by", "calendar.aap_close_by", c.AAPPublishBy, c.AAPCloseBy)
	order("calendar.pne_list_due", "calendar.pne_send", c.PNEListDue, c.PNESend)
	order("calendar.pne_send", "calendar.pne_close", c.PNESend, c.PNEClose)
}

func (p *Policy) validateDemo(bad reporter) {
	if p.Demo == nil {
		bad("demo", "required in demo.yaml: offsets from the campaign's start")
		return
	}
	if p.Demo.PublishAfter < 0 {
		bad("demo.publish_after", "must not be negative")
	}
	if p.Demo.CloseAfter <= p.Demo.PublishAfter {
		bad("demo.close_after", "must come after demo.publish_after")
	}
	if p.Demo.ControlSynthesisAfter <= 0 {
		bad("demo.control_synthesis_after", "a positive delay")
	} else if r := p.Control.SynthesisRemindersBefore; len(r) > 0 && r[0] >= p.Demo.ControlSynthesisAfter {
		bad("control.synthesis_reminders_before", "each reminder must come after the control workflow's start (before %s)", p.Demo.ControlSynthesisAfter)
	}
	p.Demo.validatePNE(bad)
}

// validatePNE: the demo PNE's offsets are all left out, or ordered from the
// start: list, questionnaire, each reminder, closure.
func (d *DemoCalendar) validatePNE(bad reporter) {
	if d.PNEListAfter == 0 && d.PNESendAfter == 0 && d.PNECloseAfter == 0 && len(d.PNERemindersAfterSend) == 0 {
		return
	}
	if d.PNEListAfter <= 0 {
		bad("demo.pne_list_after", "a positive delay (or leave every demo.pne_* out)")
	}
	if d.PNESendAfter <= d.PNEListAfter {
		bad("demo.pne_send_after", "must come after demo.pne_list_after")
	}
	last := Duration(0)
	for _, r := range d.PNERemindersAfterSend {
		if r <= last {
			bad("demo.pne_reminders_after_send", "positive delays in increasing order")
			break
		}
		last = r
	}
	if d.PNECloseAfter <= d.PNESendAfter+last {
		bad("demo.pne_close_after", "must come after demo.pne_send_after and its last reminder")
	}
}

func (p *Policy) validateRules(bad reporter) {
	percent := func(field string, v int) {
		if v < 0 || v > 100 {
			bad(field, "a percentage between 0 and 100, got %d", v)
		}
	}
	percent("selection.employment_language_min_percent", p.Selection.EmploymentLanguageMinPercent)
	percent("selection.non_bpi_beneficiaries_min_percent", p.Selection.NonBPIBeneficiariesMinPercent)
	percent("pne.target_response_percent", p.PNE.TargetResponsePercent)
	percent("ctai.coordinator_min_local_share_percent", p.CTAI.CoordinatorMinLocalSharePerc)
	if len(p.Selection.EmploymentLanguageThemes) == 0 {
		bad("selection.employment_language_themes", "list the themes counted as employment and language")
	}
	if p.Selection.PNEMissesBlockingRenewal < 1 {
		bad("selection.pne_misses_blocking_renewal", "at least 1, got %d", p.Selection.PNEMissesBlockingRenewal)
	}
	for i, d := range p.PNE.ReminderDaysAfterSend {
		if d < 1 || (i > 0 && d <= p.PNE.ReminderDaysAfterSend[i-1]) {
			bad("pne.reminder_days_after_send", "positive days in increasing order")
			break
		}
	}
	p.validateFinancialReport(bad)
	if p.CTAI.NewContractMaxEUR <= 0 {
		bad("ctai.new_contract_max_eur", "a positive amount in euros")
	}
	if p.CTAI.MinIntegrationDomains < 1 {
		bad("ctai.min_integration_domains", "at least 1, got %d", p.CTAI.MinIntegrationDomains)
	}
	if p.CTAI.LargeTerritoryMinInhabitants < 1 || p.CTAI.LargeTerritoryMinCIR < 1 {
		bad("ctai.large_territory_min_inhabitants", "positive thresholds for inhabitants and CIR (ctai.large_territory_min_cir)")
	}
	if p.CTAI.NationalEnvelopeEUR < 0 {
		bad("ctai.national_envelope_eur", "an amount in euros, or left out while not notified")
	}
	p.validateConvention(bad)
	p.validateControl(bad)
}

func (p *Policy) validateControl(bad reporter) {
	// §8.5: a supplement holds what changed after the synthesis; a year's wait would miss the follow-up's point.
	if a := p.Control.SupplementAfter; a < 0 || a > Duration(92*day) {
		bad("control.supplement_after", "a delay from 0 to 92d (the supplementary synthesis follows the first change after the synthesis)")
	}
	for i, r := range p.Control.SynthesisRemindersBefore {
		if r <= 0 || (i > 0 && r >= p.Control.SynthesisRemindersBefore[i-1]) {
			bad("control.synthesis_reminders_before", "positive delays, longest first (30d then 7d)")
			return
		}
		if r > Duration(365*day) {
			bad("control.synthesis_reminders_before", "at most a year before the synthesis")
			return
		}
	}
}

func (p *Policy) validateFinancialReport(bad reporter) {
	f := p.FinancialReport
	if f.MonthsAfterFiscalYearEnd < 1 || f.MonthsAfterFiscalYearEnd > 6 {
		bad("financial_report.months_after_fiscal_year_end", "between 1 and 6 months (§8.4), got %d", f.MonthsAfterFiscalYearEnd)
	}
	for i, r := range f.RemindersBefore {
		if r <= 0 || (i > 0 && r >= f.RemindersBefore[i-1]) {
			bad("financial_report.reminders_before", "positive delays before the due date, furthest first (e.g. [30d, 7d])")
			break
		}
	}
	for i, r := range f.RemindersAfter {
		if r <= 0 || (i > 0 && r <= f.RemindersAfter[i-1]) {
			bad("financial_report.reminders_after", "positive delays after the due date in increasing order (e.g. [15d, 30d])")
			break
		}
	}
	switch {
	case p.Demo != nil && f.DueAfterSignature <= 0:
		bad("financial_report.due_after_signature", "required in demo.yaml: the report's due date after the signature")
	case p.Demo == nil && f.DueAfterSignature != 0:
		bad("financial_report.due_after_signature", "only demo.yaml places the due date after the signature")
	case p.Demo != nil && len(f.RemindersBefore) > 0 && f.RemindersBefore[0] >= f.DueAfterSignature:
		bad("financial_report.reminders_before", "the first reminder must come after the signature (before %s)", f.DueAfterSignature)
	}
}

func (p *Policy) validateConvention(bad reporter) {
	c := p.Convention
	// §8.5: the eligible public is given whole (who, mixed actions, the check) with its source, or not at all
	// (the convention then quotes §8.5 itself).
	if e := c.EligiblePublic; e != (EligiblePublic{}) && (e.Definition == "" || e.MixedActions == "" || e.Check == "" || e.Source == "") {
		bad("convention.eligible_public", "definition, mixed_actions, check and source are all required (§8.5)")
	}
	last := Duration(0)
	for _, r := range c.RemindersAfter {
		if r <= last {
			bad("convention.reminders_after", "positive delays in increasing order")
			break
		}
		last = r
	}
	if c.WarnCorrespondentAfter <= last {
		bad("convention.warn_correspondent_after", "must come after the last reminder")
	}
	if c.LapseAfter <= c.WarnCorrespondentAfter {
		bad("convention.lapse_after", "must come after convention.warn_correspondent_after")
	}
	if c.FiscalYearEnd.IsZero() {
		bad("convention.fiscal_year_end", "required (MM-DD)")
	}
}
