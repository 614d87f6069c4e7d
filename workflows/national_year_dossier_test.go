package workflows

import (
	"fmt"
	"testing"
	"time"

	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// dossierStory is how one dossier of the national year goes, from its number:
// three in five are retained; of those, one in six never signs its convention
// (it lapses after the reminders), one in twelve is a three-year CPO; a signed
// convention's report is sent before any reminder in one case in five, after
// the first reminder in most, and never in one in twenty-five (it is recorded
// missing); one association in fifty has its renewal blocked.
type dossierStory struct {
	filed    time.Time
	retained bool
	signs    bool
	cpo      bool
	// report: "early" (before the workflow waits), "reminded" (after the first reminder) or "never".
	report  string
	blocked bool
}

func storyOf(c call, n int) dossierStory {
	s := dossierStory{filed: c.input.PublishAt.Add(time.Duration(n%80) * 18 * time.Hour), retained: n%5 < 3, report: "reminded"}
	s.signs = s.retained && n%6 != 0
	s.cpo = s.signs && n%12 == 1
	switch {
	case n%25 == 2:
		s.report = "never"
	case n%5 == 1:
		s.report = "early"
	}
	s.blocked = n%50 == 3
	return s
}

// want is the result the story must end in.
func (s dossierStory) want() ApplicationResult {
	if !s.retained {
		return ApplicationResult{State: models.ApplicationNotRetained}
	}
	if !s.signs {
		return ApplicationResult{State: models.ApplicationRetained, Convention: models.ConventionLapsed}
	}
	report := FinancialReportReceived
	if s.report == "never" {
		report = FinancialReportMissing
	}
	return ApplicationResult{State: models.ApplicationRetained, Convention: models.ConventionSigned, FinancialReport: report}
}

// reportPlan is the signed convention's reports under the policy: one per yearly
// tranche, each due six months after the end of its year (§8.4).
func (s dossierStory) reportPlan(pol policy.Policy) activities.FinancialReportPlan {
	years := 1
	if s.cpo {
		years = 3
	}
	plan := activities.FinancialReportPlan{ConventionID: "conv", FiscalYear: 2027, Received: s.report == "early"}
	for _, d := range pol.FinancialReport.RemindersBefore {
		plan.RemindersBefore = append(plan.RemindersBefore, time.Duration(d))
	}
	for _, d := range pol.FinancialReport.RemindersAfter {
		plan.RemindersAfter = append(plan.RemindersAfter, time.Duration(d))
	}
	for y := range years {
		due := time.Date(2028+y, time.July, 1, 0, 0, 0, 0, french.Paris).Add(-time.Nanosecond)
		if y == 0 {
			plan.DueAt = due
		}
		if s.cpo {
			plan.Tranches = append(plan.Tranches, activities.TrancheReport{Tranche: y + 1, FiscalYear: 2027 + y, DueAt: due, Received: plan.Received})
		}
	}
	return plan
}

func conventionPlan(pol policy.Policy) activities.ConventionPlan {
	plan := activities.ConventionPlan{ConventionID: "conv", WarnCorrespondentAfter: time.Duration(pol.Convention.WarnCorrespondentAfter),
		LapseAfter: time.Duration(pol.Convention.LapseAfter)}
	for _, d := range pol.Convention.RemindersAfter {
		plan.RemindersAfter = append(plan.RemindersAfter, time.Duration(d))
	}
	return plan
}

func runYearDossier(b *testing.B, year *yearRun, pol policy.Policy, c call, n int) {
	s := storyOf(c, n)
	acts := &yearActivities{conventionPlan: conventionPlan(pol), reportPlan: s.reportPlan(pol)}
	if s.blocked {
		acts.renewal = activities.RenewalCheck{Rules: []string{models.BlockPNE}}
	}
	env, meter := meteredEnv(s.filed, acts)
	at := func(t time.Time, f func()) { env.RegisterDelayedCallback(f, t.Sub(s.filed)) }
	decided := c.selectAt.Add(time.Hour)
	decision := selection.NotRetained
	if s.retained {
		decision = selection.Retained
	}
	at(decided, func() {
		env.SignalWorkflow(SignalDecision, DossierDecision{Decision: decision, GrantedCents: 1_500_000})
	})
	if s.signs {
		// Signed between the first reminder and the second.
		at(decided.Add(time.Duration(pol.Convention.RemindersAfter[0])+days(2)), func() {
			env.UpdateWorkflow(UpdateSignConvention, "", &testsuite.TestUpdateCallback{
				OnAccept: func() {}, OnReject: func(error) {}, OnComplete: func(any, error) {},
			}, Signature{SignedBy: "la présidente"})
		})
	}
	if s.report == "reminded" {
		for _, r := range acts.reportPlan.Reports() {
			at(r.DueAt.Add(-days(5)), func() { env.SignalWorkflow(SignalFinancialReport, r.FiscalYear) })
		}
	}
	env.ExecuteWorkflow(ApplicationWorkflow, ApplicationInput{ApplicationID: fmt.Sprintf("a-%d", n), CampaignID: c.input.CampaignID, CloseAt: c.input.CloseAt})
	var res ApplicationResult
	if err := yearResult(env, &res); err != nil || res != s.want() {
		b.Errorf("dossier %d: %+v (error %v), want %+v", n, res, err, s.want())
		return
	}
	year.record(typeDossier, meter)
}
