package workflows

import (
	"context"
	"log/slog"
	"net"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/mock"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/platform/config"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

func TestControlScheduleFollowsThePolicy(t *testing.T) {
	due, reminders := ControlSchedule(2027, loadPolicy(t, 2027), paris(2027, time.March, 1, 10, 0))
	require.Equal(t, paris(2027, time.September, 30, 9, 0), due, "§8.5: 30 September")
	require.Equal(t, []time.Time{paris(2027, time.August, 31, 9, 0), paris(2027, time.September, 23, 9, 0)}, reminders)

	demo := policy.Policy{Name: policy.DemoName, Demo: &policy.DemoCalendar{ControlSynthesisAfter: policy.Duration(90 * time.Second)},
		Control: policy.Control{SynthesisRemindersBefore: []policy.Duration{policy.Duration(time.Minute)}}}
	start := time.Date(2027, 1, 1, 12, 0, 0, 0, time.UTC)
	due, reminders = ControlSchedule(0, demo, start)
	require.Equal(t, start.Add(90*time.Second), due)
	require.Equal(t, []time.Time{start.Add(30 * time.Second)}, reminders)
}

// Planned in June: the association is told at once, the correspondents are
// reminded 30 and 7 days before 30 September, and the synthesis leaves that day.
func TestControlWorkflowRemindsThenSendsTheSynthesis(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.June, 1, 10, 0))
	in := ControlInput{Year: 2027, Region: "84", Policy: loadPolicy(t, 2027)}
	ref := activities.ControlRef{Year: 2027, Region: "84", WorkflowID: "default-test-workflow-id"}
	at := func() time.Time { return env.Now().In(french.Paris) }
	var events []string
	var times []time.Time
	env.OnActivity(acts.NotifyControlPlanned, mock.Anything, mock.Anything).Return(func(_ context.Context, n activities.ControlNotice) error {
		require.Equal(t, ref, n.ControlRef)
		events, times = append(events, "announce "+n.ControlID), append(times, at())
		return nil
	})
	env.OnActivity(acts.RemindControlSynthesis, mock.Anything, mock.Anything).Return(func(_ context.Context, r activities.SynthesisReminder) (int, error) {
		require.True(t, paris(2027, time.September, 30, 9, 0).Equal(r.DueAt))
		events, times = append(events, "remind "+strconv.Itoa(r.Reminder)), append(times, at())
		return 2, nil
	})
	env.OnActivity(acts.SendControlSynthesis, mock.Anything, mock.Anything).Return(func(_ context.Context, s activities.SynthesisSending) (activities.SynthesisSummary, error) {
		require.Equal(t, ref, s.ControlRef)
		events, times = append(events, "synthesis"), append(times, at())
		return activities.SynthesisSummary{Controls: 2, Done: 1}, nil
	}).Once()
	env.OnActivity(acts.FlagControlGaps, mock.Anything, mock.Anything).Return(0, nil).Once()
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalControlPlanned, ControlPlanned{ControlID: "c1", PlannedOn: "2027-06-15"})
	}, 24*time.Hour)
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalControlPlanned, ControlPlanned{ControlID: "c2", PlannedOn: "2027-09-10"})
	}, 95*24*time.Hour) // 4 September, between the reminders
	env.RegisterDelayedCallback(func() {
		st := query[ControlState](t, env, QueryControlState)
		require.Equal(t, ControlPhaseScheduled, st.Phase)
		require.Equal(t, 1, st.Announced)
	}, 48*time.Hour)

	env.ExecuteWorkflow(ControlWorkflow, in)

	require.True(t, env.IsWorkflowCompleted())
	require.NoError(t, env.GetWorkflowError())
	var res ControlWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, ControlWorkflowResult{Phase: ControlPhaseSent, Controls: 2, Done: 1, Announced: 2}, res)
	require.Equal(t, []string{"announce c1", "remind 1", "announce c2", "remind 2", "synthesis"}, events)
	require.Equal(t, []time.Time{
		paris(2027, time.June, 2, 10, 0), paris(2027, time.August, 31, 9, 0), paris(2027, time.September, 4, 10, 0),
		paris(2027, time.September, 23, 9, 0), paris(2027, time.September, 30, 9, 0),
	}, times)
	st := query[ControlState](t, env, QueryControlState)
	require.Equal(t, 2, st.RemindersSent)
	require.Equal(t, ControlPhaseSent, st.Phase)
}

func TestControlWorkflowPlannedLateSkipsPastReminders(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.September, 25, 10, 0)) // after both reminders
	env.OnActivity(acts.SendControlSynthesis, mock.Anything, mock.Anything).Return(activities.SynthesisSummary{Controls: 1}, nil).Once()
	env.OnActivity(acts.FlagControlGaps, mock.Anything, mock.Anything).Return(0, nil).Once()
	// no reminder is mocked: calling one fails the test

	env.ExecuteWorkflow(ControlWorkflow, ControlInput{Year: 2027, Region: "84", Policy: loadPolicy(t, 2027)})

	require.NoError(t, env.GetWorkflowError())
	require.Equal(t, 0, query[ControlState](t, env, QueryControlState).RemindersSent)
}

func TestControlWorkflowAnnouncementFailureDoesNotStopTheSynthesis(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.September, 25, 10, 0))
	env.OnActivity(acts.NotifyControlPlanned, mock.Anything, mock.Anything).Return(
		temporal.NewNonRetryableApplicationError("550 mailbox unavailable", activities.ErrTypeEmailRefused, nil)).Once()
	env.OnActivity(acts.SendControlSynthesis, mock.Anything, mock.Anything).Return(activities.SynthesisSummary{Controls: 1}, nil).Once()
	env.OnActivity(acts.FlagControlGaps, mock.Anything, mock.Anything).Return(0, nil).Once()
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalControlPlanned, ControlPlanned{ControlID: "c1", PlannedOn: "2027-09-28"})
	}, time.Hour)

	env.ExecuteWorkflow(ControlWorkflow, ControlInput{Year: 2027, Region: "84", Policy: loadPolicy(t, 2027)})

	require.NoError(t, env.GetWorkflowError())
	st := query[ControlState](t, env, QueryControlState)
	require.Equal(t, 1, st.FailedNotices)
	require.Equal(t, ControlPhaseSent, st.Phase)
}

// §8.5 follows the controls up past 30 September: a control planned after the
// synthesis, and a follow-up recorded after it, go to DIAN in a supplementary
// synthesis a week (control.supplement_after) after the first change; the run
// ends once every control is held and every follow-up closed. A follow-up
// recorded before the synthesis is in it: no supplement for it.
func TestControlWorkflowFollowsUpPastTheSynthesis(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.September, 25, 10, 0))
	at := func() time.Time { return env.Now().In(french.Paris) }
	var events []string
	var times []time.Time
	env.OnActivity(acts.NotifyControlPlanned, mock.Anything, mock.Anything).Return(nil)
	env.OnActivity(acts.SendControlSynthesis, mock.Anything, mock.Anything).Return(func(context.Context, activities.SynthesisSending) (activities.SynthesisSummary, error) {
		events, times = append(events, "synthesis"), append(times, at())
		return activities.SynthesisSummary{Controls: 2, Done: 1, Open: 2}, nil
	}).Once()
	env.OnActivity(acts.FlagControlGaps, mock.Anything, mock.Anything).Return(1, nil).Once()
	open := []int{1, 0}
	env.OnActivity(acts.SendSupplementarySynthesis, mock.Anything, mock.Anything).Return(func(_ context.Context, s activities.SynthesisSending) (activities.SynthesisSummary, error) {
		require.True(t, paris(2027, time.September, 30, 9, 0).Equal(s.DueAt), "a supplement names the synthesis it completes")
		events, times = append(events, "supplement "+strconv.Itoa(s.Supplement)), append(times, at())
		o := open[0]
		open = open[1:]
		return activities.SynthesisSummary{Controls: 3, Done: 3 - o, Open: o}, nil
	}).Twice()
	env.RegisterDelayedCallback(func() { // 26 September: before the synthesis, which reads it
		env.SignalWorkflow(SignalControlUpdated, ControlUpdated{ControlID: "c1"})
	}, 24*time.Hour)
	env.RegisterDelayedCallback(func() { // 10 October, 10:00: planned after the synthesis
		env.SignalWorkflow(SignalControlPlanned, ControlPlanned{ControlID: "c3", PlannedOn: "2027-10-20"})
	}, 15*24*time.Hour)
	env.RegisterDelayedCallback(func() { // 12 October: a second change waits for the same supplement
		env.SignalWorkflow(SignalControlUpdated, ControlUpdated{ControlID: "c2"})
		st := query[ControlState](t, env, QueryControlState)
		require.Equal(t, ControlPhaseSent, st.Phase)
		require.Equal(t, 1, st.Gaps)
		require.NotNil(t, st.SupplementDue)
		require.Equal(t, paris(2027, time.October, 17, 10, 0), st.SupplementDue.In(french.Paris))
	}, 17*24*time.Hour)
	env.RegisterDelayedCallback(func() { // 1 December, 9:00 (CET): the last follow-up closed
		env.SignalWorkflow(SignalControlUpdated, ControlUpdated{ControlID: "c3"})
	}, 67*24*time.Hour)

	env.ExecuteWorkflow(ControlWorkflow, ControlInput{Year: 2027, Region: "84", Policy: loadPolicy(t, 2027)})

	require.NoError(t, env.GetWorkflowError())
	var res ControlWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, ControlWorkflowResult{Phase: ControlPhaseSent, Controls: 3, Done: 3, Announced: 1, Supplements: 2}, res)
	require.Equal(t, []string{"synthesis", "supplement 1", "supplement 2"}, events)
	require.Equal(t, []time.Time{paris(2027, time.September, 30, 9, 0), paris(2027, time.October, 17, 10, 0),
		paris(2027, time.December, 8, 9, 0)}, times) // 67 × 24 h after 25 September 10:00 CEST is 9:00 CET
}

// A synthesis that leaves nothing open ends the run at once: no supplement.
func TestControlWorkflowEndsWhenNothingIsOpen(t *testing.T) {
	env := newPNEEnv(t, paris(2027, time.September, 25, 10, 0))
	env.OnActivity(acts.SendControlSynthesis, mock.Anything, mock.Anything).Return(activities.SynthesisSummary{Controls: 1, Done: 1}, nil).Once()
	env.OnActivity(acts.FlagControlGaps, mock.Anything, mock.Anything).Return(0, nil).Once()
	// no supplement is mocked: sending one fails the test

	env.ExecuteWorkflow(ControlWorkflow, ControlInput{Year: 2027, Region: "84", Policy: loadPolicy(t, 2027)})

	require.NoError(t, env.GetWorkflowError())
	var res ControlWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, 0, res.Supplements)
	require.Equal(t, paris(2027, time.September, 30, 9, 0), env.Now().In(french.Paris))
}

// A run started after an earlier one ended (a control planned once every
// follow-up was closed) only follows up: no reminder, no synthesis, and its
// supplement continues the numbering the database gave it.
func TestControlWorkflowAfterTheSynthesisSendsTheNextSupplement(t *testing.T) {
	env := newPNEEnv(t, paris(2028, time.February, 1, 10, 0))
	env.OnActivity(acts.NotifyControlPlanned, mock.Anything, mock.Anything).Return(nil).Once()
	env.OnActivity(acts.SendSupplementarySynthesis, mock.Anything, mock.Anything).Return(func(_ context.Context, s activities.SynthesisSending) (activities.SynthesisSummary, error) {
		require.Equal(t, 3, s.Supplement)
		return activities.SynthesisSummary{Controls: 4, Done: 3, Open: 0}, nil
	}).Once()
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalControlPlanned, ControlPlanned{ControlID: "c4", PlannedOn: "2028-02-10"})
	}, 0)

	env.ExecuteWorkflow(ControlWorkflow, ControlInput{Year: 2027, Region: "84", Policy: loadPolicy(t, 2027), SynthesisSent: true, Supplements: 2})

	require.NoError(t, env.GetWorkflowError())
	var res ControlWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, ControlWorkflowResult{Phase: ControlPhaseSent, Controls: 4, Done: 3, Announced: 1, Supplements: 3}, res)
	require.Equal(t, paris(2028, time.February, 8, 10, 0), env.Now().In(french.Paris), "a week after the control was planned")
}

// With the real activities, a database and an SMTP catcher: the association
// gets its control's date with the visit as an .ics, the correspondent the
// reminder, and DIAN the synthesis, whose XLSX is read back.
func TestControlWorkflowEmailsTheSynthesisToDIAN(t *testing.T) {
	db := storetest.SQLite(t)
	catcher, err := mailcatcher.Start(mailcatcher.Options{Addr: "127.0.0.1:0", Dir: t.TempDir(), Logger: slog.New(slog.DiscardHandler)})
	require.NoError(t, err)
	t.Cleanup(func() { _ = catcher.Close() })
	host, port, _ := net.SplitHostPort(catcher.Addr())
	p, _ := strconv.Atoi(port)
	outbox, err := mail.NewOutbox(db, mail.NewSMTPSender(config.SMTP{Host: host, Port: p, TLS: config.TLSNone}), "AAP <no-reply@aap.localhost>")
	require.NoError(t, err)
	done, planned := seedControls(t, db)
	ctls := store.NewControls(db)

	env := newPNEEnv(t, paris(2027, time.September, 1, 10, 0)) // after the 31 August reminder
	env.RegisterActivity(&activities.Activities{
		Campaigns: store.NewCampaigns(db), Applications: store.NewApplications(db), Emails: store.NewEmails(db),
		Conventions: store.NewConventions(db), Controls: store.NewControls(db), Outbox: outbox,
		DIANEmail: "dian@interieur.example.gouv.fr", Logger: slog.New(slog.DiscardHandler),
	})
	env.RegisterDelayedCallback(func() {
		env.SignalWorkflow(SignalControlPlanned, ControlPlanned{ControlID: planned, PlannedOn: "2027-10-05"})
	}, time.Hour)
	env.RegisterDelayedCallback(func() { // 6 October: the Isère's control held, the Rhône's repayment recovered
		require.NoError(t, ctls.RecordResult(t.Context(), planned, &models.Control{Outcome: models.OutcomeCompliant,
			DoneOn: "2027-10-05", FollowUpKind: models.FollowUpNone, FollowUpState: models.FollowUpStateNone}))
		require.NoError(t, ctls.UpdateFollowUp(t.Context(), done, []string{models.FollowUpStateOpen}, map[string]any{
			"follow_up_state": models.FollowUpStateClosed, "recovered_cents": 150_000, "follow_up_closed_on": "2027-10-06"}))
		env.SignalWorkflow(SignalControlUpdated, ControlUpdated{ControlID: planned})
		env.SignalWorkflow(SignalControlUpdated, ControlUpdated{ControlID: done})
	}, 35*24*time.Hour)

	env.ExecuteWorkflow(ControlWorkflow, ControlInput{Year: 2027, Region: "84", Policy: loadPolicy(t, 2027)})

	require.NoError(t, env.GetWorkflowError())
	var res ControlWorkflowResult
	require.NoError(t, env.GetWorkflowResult(&res))
	require.Equal(t, ControlWorkflowResult{Phase: ControlPhaseSent, Controls: 2, Done: 2, Announced: 1, Supplements: 1}, res)
	got, err := catcher.WaitFor(t.Context(), 6)
	require.NoError(t, err)
	bySubject := map[string]*mailcatcher.Message{}
	for _, s := range got {
		m, err := catcher.Get(s.ID)
		require.NoError(t, err)
		bySubject[s.Subject] = m
	}
	visit := bySubject["Contrôle sur place le 5 octobre 2027 : convention C-38"]
	require.NotNil(t, visit, "subjects: %v", got)
	require.Equal(t, []string{"association@example.org"}, visit.To)
	require.Len(t, visit.Attachments, 1)
	require.Contains(t, string(visit.Attachments[0].Content), "DTSTART;VALUE=DATE:20271005")

	reminder := bySubject["Dernier rappel : synthèse régionale des contrôles sur place 2027 attendue le 30 septembre 2027"]
	require.NotNil(t, reminder, "subjects: %v", got)
	require.ElementsMatch(t, []string{"ddets-69@example.gouv.fr"}, reminder.To)

	synthesis := bySubject["Synthèse régionale des contrôles sur place 2027 : Auvergne-Rhône-Alpes (région 84)"]
	require.NotNil(t, synthesis, "subjects: %v", got)
	require.Equal(t, []string{"dian@interieur.example.gouv.fr"}, synthesis.To)
	require.Len(t, synthesis.Attachments, 1)
	require.Equal(t, "synthese-controles-2027-region-84.xlsx", synthesis.Attachments[0].Filename)
	data := synthesis.Attachments[0].Content
	rows, err := workbook.Read(data, workbook.ControlsSheet)
	require.NoError(t, err)
	require.Len(t, rows, 3, "header and two controls")
	require.Equal(t, []string{"C-69", "Association C-69", "69"}, rows[1][:3])
	require.Equal(t, "non conforme", rows[1][7])
	require.Equal(t, "demande de reversement", rows[1][9])
	require.Equal(t, "prévu", rows[2][6])
	v, typ, err := workbook.Value(data, workbook.ControlsSheet, "K2")
	require.NoError(t, err)
	require.Equal(t, "1500.00", v, "the repayment asked, in euros, as a number (type %v)", typ)

	syn, err := store.NewControls(db).Synthesis(t.Context(), 2027, "84")
	require.NoError(t, err)
	require.Equal(t, 2, syn.Controls)
	require.Equal(t, "2027-09-30", syn.DueOn)
	require.Equal(t, 1, syn.Supplements)

	// §8.5: the Isère had a convention and no control held on 30 September.
	gaps := bySubject["Contrôles sur place 2027 : 1 département sans contrôle réalisé (Auvergne-Rhône-Alpes (région 84))"]
	require.NotNil(t, gaps, "subjects: %v", got)
	require.Contains(t, gaps.TextBody, "Isère (38) : 1 candidat au contrôle (conventions signées, associations financées via un CTAI), 1 contrôle prévu non encore réalisé")
	var flagged []models.ControlGap
	require.NoError(t, db.Find(&flagged).Error)
	require.Len(t, flagged, 1)
	require.Equal(t, "38", flagged[0].Department)

	// The follow-up past 30 September reaches DIAN in a supplement a week later.
	sup := bySubject["Synthèse complémentaire n° 1 des contrôles sur place 2027 : Auvergne-Rhône-Alpes (région 84)"]
	require.NotNil(t, sup, "subjects: %v", got)
	require.Equal(t, "synthese-controles-2027-region-84-complement-1.xlsx", sup.Attachments[0].Filename)
	rows, err = workbook.Read(sup.Attachments[0].Content, workbook.ControlsSheet)
	require.NoError(t, err)
	require.Equal(t, "soldée", rows[1][11])
	require.Equal(t, "réalisé", rows[2][6])
}

// seedControls stores two signed conventions of the region 84 in 2027, one
// controlled (non conforme, repayment asked), one planned; it returns their control IDs.
func seedControls(t *testing.T, db *gorm.DB) (done, planned string) {
	t.Helper()
	ids := make([]string, 2)
	for i, dep := range []string{"69", "38"} {
		cid, aid, vid := uuid.NewString(), uuid.NewString(), uuid.NewString()
		require.NoError(t, db.Create(&models.Campaign{ID: cid, WorkflowID: "aap/" + cid, Year: 2027, Level: models.LevelDepartmental,
			Territory: dep, Title: "Appel " + dep, Phase: models.PhaseSelected, ContactEmail: "ddets-69@example.gouv.fr"}).Error)
		require.NoError(t, db.Create(&models.Application{ID: aid, CampaignID: cid, WorkflowID: "aap/app/" + aid, Year: 2027,
			AssociationKey: "siret:" + dep, AssociationName: "Association C-" + dep, AssociationEmail: "association@example.org",
			Title: "Ateliers " + dep, TitleKey: "ateliers " + dep, Theme: "langue", State: models.ApplicationRetained}).Error)
		require.NoError(t, db.Create(&models.Convention{ID: vid, ApplicationID: aid, CampaignID: cid, Reference: "C-" + dep,
			GrantedCents: 1_000_000, State: models.ConventionSigned}).Error)
		ids[i] = uuid.NewString()
		require.NoError(t, db.Create(&models.Control{ID: ids[i], ConventionID: vid, Year: 2027, Region: "84", Department: dep,
			PlannedOn: "2027-06-1" + strconv.Itoa(i), Controller: "Inspection", State: models.ControlPlanned,
			FollowUpState: models.FollowUpStateNone}).Error)
	}
	require.NoError(t, store.NewControls(db).RecordResult(t.Context(), ids[0], &models.Control{
		Outcome: models.OutcomeNonCompliant, Findings: "Émargements absents", DoneOn: "2027-06-10",
		FollowUpKind: models.FollowUpRepayment, FollowUpAmountCents: 150_000, FollowUpState: models.FollowUpStateOpen}))
	require.NoError(t, db.Model(&models.Control{}).Where("id = ?", ids[1]).Update("planned_on", "2027-10-05").Error)
	return ids[0], ids[1]
}
