package workflows

import (
	"context"
	"time"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
)

// yearActivities answers a national year's activities as the store and the
// relay would, without any I/O, so that the national-year benchmark measures
// the workflows alone. Each method bears the name of the activity it stands
// for (the test environment finds activities by name); fields set what one
// dossier's story is.
type yearActivities struct {
	conventionPlan activities.ConventionPlan
	reportPlan     activities.FinancialReportPlan
	renewal        activities.RenewalCheck
	decisions      int // the call's dossiers, for its selection's totals
}

// A dossier's activities.

func (a *yearActivities) CheckRenewal(context.Context, activities.ApplicationRef) (activities.RenewalCheck, error) {
	return a.renewal, nil
}

func (a *yearActivities) RecordApplicationState(context.Context, activities.ApplicationStateChange) error {
	return nil
}

func (a *yearActivities) NotifyApplicationDecided(context.Context, activities.ApplicationRef) error {
	return nil
}

func (a *yearActivities) PrepareConvention(context.Context, activities.ApplicationRef) (activities.ConventionPlan, error) {
	return a.conventionPlan, nil
}

func (a *yearActivities) SendConventionForSignature(context.Context, activities.ConventionRef) error {
	return nil
}

func (a *yearActivities) RemindConventionSignature(context.Context, activities.ConventionRef) error {
	return nil
}

func (a *yearActivities) WarnConventionUnsigned(context.Context, activities.ConventionRef) error {
	return nil
}

func (a *yearActivities) LapseConvention(context.Context, activities.ConventionRef) error { return nil }

func (a *yearActivities) RecordConventionSigned(context.Context, activities.SignatureRecord) error {
	return nil
}

func (a *yearActivities) ConfirmConventionSigned(context.Context, activities.ConventionRef) error {
	return nil
}

func (a *yearActivities) PlanFinancialReport(context.Context, activities.ApplicationRef) (activities.FinancialReportPlan, error) {
	return a.reportPlan, nil
}

func (a *yearActivities) RemindFinancialReport(context.Context, activities.FinancialReportRef) error {
	return nil
}

func (a *yearActivities) RecordFinancialReportMissing(context.Context, activities.FinancialReportRef) (bool, error) {
	return true, nil
}

// A call's activities.

func (a *yearActivities) RecordCampaignPhase(context.Context, activities.PhaseChange) error {
	return nil
}

func (a *yearActivities) NotifyCampaignPublished(context.Context, activities.CampaignRef) error {
	return nil
}

func (a *yearActivities) NotifyCampaignClosed(context.Context, activities.CampaignRef) error {
	return nil
}

func (a *yearActivities) NotifyCalendarDeviation(context.Context, activities.CampaignRef) error {
	return nil
}

// RecordSelection retains three dossiers in five, as the committee's draft says.
func (a *yearActivities) RecordSelection(context.Context, activities.SelectionRecord) (activities.SelectionOutcome, error) {
	retained := a.decisions * 3 / 5
	return activities.SelectionOutcome{Totals: selection.Totals{
		GrantedCents: int64(retained) * 1_500_000, EmploymentLanguageCents: int64(retained) * 1_100_000,
		RetainedCount: retained, NotRetainedCount: a.decisions - retained,
		BeneficiariesBPI: retained * 12, BeneficiariesNonBPI: retained * 18,
	}}, nil
}

func (a *yearActivities) DispatchDecisions(context.Context, activities.DossierSignal) error {
	return nil
}

func (a *yearActivities) NotifyCarifOref(context.Context, activities.CampaignRef) error { return nil }

// The PNE's activities.

func (a *yearActivities) BuildPNEList(context.Context, activities.PNERef) (activities.PNEListSummary, error) {
	return activities.PNEListSummary{Structures: a.decisions}, nil
}

func (a *yearActivities) SendPNEMailing(_ context.Context, m activities.PNEMailing) (activities.PNEMailingSummary, error) {
	return activities.PNEMailingSummary{Recipients: a.decisions, Sent: a.decisions}, nil
}

func (a *yearActivities) ClosePNE(context.Context, activities.PNERef) (activities.PNEClosing, error) {
	return activities.PNEClosing{Structures: a.decisions, Answered: a.decisions * 19 / 20}, nil
}

func (a *yearActivities) RecheckProvisionalBlocks(context.Context, activities.PNERef) (activities.PNERecheck, error) {
	return activities.PNERecheck{}, nil
}

// days is a duration of n days.
func days(n int) time.Duration { return time.Duration(n) * 24 * time.Hour }
