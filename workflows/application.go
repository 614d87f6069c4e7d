package workflows

import (
	"time"

	"go.temporal.io/sdk/workflow"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
)

// QueryApplicationState returns the dossier's ApplicationState.
const QueryApplicationState = "application-state"

// SignalDecision tells a dossier's workflow the committee's decision (DossierDecision).
const SignalDecision = "decision"

// DossierDecision is the payload of SignalDecision. The activity that sends it
// (DispatchDecisions) builds it from the database, so it is declared there.
type DossierDecision = activities.DossierDecision

// SignalCampaignCancelled tells a dossier's workflow that its call was cancelled (CampaignCancelled).
const SignalCampaignCancelled = "campaign-cancelled"

// CampaignCancelled is the payload of SignalCampaignCancelled. The activity that
// sends it (DispatchCancellation) builds it from the database, so it is declared there.
type CampaignCancelled = activities.CampaignCancelled

// SignalFinancialReport tells a dossier's workflow that its convention's
// compte-rendu financier was received (the API has recorded it): its reminders stop.
// The payload is the report's year (int; a CPO: the tranche's); none stops every report's.
const SignalFinancialReport = "financial-report-received"

// ApplicationInput starts a dossier's workflow.
type ApplicationInput struct {
	ApplicationID string
	CampaignID    string
	// CloseAt is the call's closing date: the dossier goes under review then.
	CloseAt      time.Time
	MailRetryFor time.Duration
	// DSNumber is the Démarches Simplifiées dossier it came from (0: none): put en
	// instruction at the closure, and told the decision.
	DSNumber int
}

// ApplicationState is what the state query answers.
type ApplicationState struct {
	State string `json:"state"`
	// DecisionNotificationFailed: the committee's answer could not be delivered.
	DecisionNotificationFailed bool `json:"decision_notification_failed,omitempty"`
	// ConventionID and Convention (its state) once a retained dossier's convention is drawn up.
	ConventionID string `json:"convention_id,omitempty"`
	Convention   string `json:"convention,omitempty"`
	// CancelReason is set when the call is cancelled.
	CancelReason string `json:"cancel_reason,omitempty"`
	// RenewalBlocked lists the rules that block the association's renewal (§8.4).
	RenewalBlocked []string `json:"renewal_blocked,omitempty"`
	// DSSyncFailed: DS could not be told (en instruction, or the decision) within the retries.
	DSSyncFailed bool `json:"ds_sync_failed,omitempty"`
	// FinancialReport (awaited, received, missing) and its due date, once the convention is signed.
	FinancialReport    string     `json:"financial_report,omitempty"`
	FinancialReportDue *time.Time `json:"financial_report_due,omitempty"`
	// FinancialReports are each report's state: a CPO's one per yearly tranche (§8.2, §8.4).
	FinancialReports []TrancheReportState `json:"financial_reports,omitempty"`
}

func (st *ApplicationState) cancelled() bool { return st.CancelReason != "" }

// ApplicationResult is returned when the dossier's workflow ends.
type ApplicationResult struct {
	State      string
	Convention string // signed or lapsed, for a retained dossier
	// FinancialReport is received or missing, for a signed convention.
	FinancialReport string
}

// ApplicationWorkflow carries one dossier. Each dossier is a standalone
// workflow, not a child of its campaign's: a call may receive thousands, and
// neither the campaign's history nor its count of pending children may grow
// with them; a standalone workflow also outlives its campaign's run if that one
// continues as new. The campaign reads its dossiers from the database.
//
// It is started with its call's closure as its start delay (api's startWorkflow): its
// first task puts the dossier under review then. Before it the dossier is one row on the
// server and no task, however many a call receives in its last hours (issue 20); the
// accusé de réception and the first renewal check are the worker's sender's, from the
// database (worker/acknowledgements.go), and a call cancelled before its closure tells
// the porteur de projet itself (activities.DispatchCancellation).
// Then it waits for the committee's decision and, for a retained dossier, carries its
// convention to signed or lapsed and a signed convention's compte-rendu financier to
// received or missing.
func ApplicationWorkflow(ctx workflow.Context, in ApplicationInput) (ApplicationResult, error) {
	st := &ApplicationState{State: models.ApplicationDeposited}
	if err := workflow.SetQueryHandler(ctx, QueryApplicationState, func() (ApplicationState, error) { return *st, nil }); err != nil {
		return ApplicationResult{}, err
	}
	listenForCancellation(ctx, st)
	ref := activities.ApplicationRef{ApplicationID: in.ApplicationID, WorkflowID: workflow.GetInfo(ctx).WorkflowExecution.ID}
	ctx = workflow.WithActivityOptions(ctx, recordOptions)
	if d := in.CloseAt.Sub(workflow.Now(ctx)); d > 0 {
		if _, err := workflow.AwaitWithTimeout(ctx, d, st.cancelled); err != nil {
			return ApplicationResult{}, err
		}
	}
	if st.cancelled() {
		return cancelDossier(ctx, in, ref, st)
	}
	change := activities.ApplicationStateChange{ApplicationID: in.ApplicationID, State: models.ApplicationUnderReview}
	if err := workflow.ExecuteActivity(ctx, acts.RecordApplicationState, change).Get(ctx, nil); err != nil {
		return ApplicationResult{}, err
	}
	if err := setDossierState(ctx, st, models.ApplicationUnderReview); err != nil {
		return ApplicationResult{}, err
	}
	checkRenewal(ctx, in, ref, st) // the year's PNE has closed by now (§8.4)
	syncDS(ctx, in, acts.PassDSDossierEnInstruction, ref, st)
	return awaitDecision(ctx, in, ref, st)
}

// awaitDecision waits for the committee's decision, records it and tells the porteur de projet.
func awaitDecision(ctx workflow.Context, in ApplicationInput, ref activities.ApplicationRef, st *ApplicationState) (ApplicationResult, error) {
	var d DossierDecision
	decided := false
	workflow.Go(ctx, func(ctx workflow.Context) {
		workflow.GetSignalChannel(ctx, SignalDecision).Receive(ctx, &d)
		decided = true
	})
	if err := workflow.Await(ctx, func() bool { return decided || st.cancelled() }); err != nil {
		return ApplicationResult{}, err
	}
	if !decided {
		return cancelDossier(ctx, in, ref, st)
	}
	state := models.ApplicationNotRetained
	if d.Decision == selection.Retained {
		state = models.ApplicationRetained
	}
	change := activities.ApplicationStateChange{ApplicationID: in.ApplicationID, State: state}
	if err := workflow.ExecuteActivity(ctx, acts.RecordApplicationState, change).Get(ctx, nil); err != nil {
		return ApplicationResult{}, err
	}
	if err := setDossierState(ctx, st, state); err != nil {
		return ApplicationResult{}, err
	}
	mailCtx := workflow.WithActivityOptions(ctx, emailOptions(in.MailRetryFor))
	if err := workflow.ExecuteActivity(mailCtx, acts.NotifyApplicationDecided, ref).Get(ctx, nil); err != nil {
		workflow.GetLogger(ctx).Warn("decision not delivered", "application", in.ApplicationID, "error", err)
		st.DecisionNotificationFailed = true
	}
	syncDS(ctx, in, acts.SendDSDecision, ref, st)
	if state == models.ApplicationRetained {
		if err := carryConvention(ctx, in, ref, st); err != nil {
			return ApplicationResult{}, err
		}
		if st.cancelled() {
			return cancelDossier(ctx, in, ref, st)
		}
		if st.Convention == models.ConventionSigned {
			if err := awaitFinancialReport(ctx, in, ref, st); err != nil {
				return ApplicationResult{}, err
			}
		}
	}
	return ApplicationResult{State: st.State, Convention: st.Convention, FinancialReport: st.FinancialReport}, nil
}

// setDossierState records the dossier's new state in the queried state and in
// its AapPhase search attribute, so that the Temporal UI filters dossiers by
// state as it filters calls.
func setDossierState(ctx workflow.Context, st *ApplicationState, state string) error {
	st.State = state
	return workflow.UpsertTypedSearchAttributes(ctx, PhaseKey.ValueSet(state))
}
