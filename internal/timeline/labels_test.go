package timeline

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/dian-p104/aap/internal/mail"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

// A fired timer is named for the date it waited for; one of no date the call knows is left out.
func TestTimersAreNamedForWhatTheyWaitedFor(t *testing.T) {
	created := time.Date(2027, 1, 10, 9, 0, 0, 0, time.UTC)
	selected := time.Date(2027, 6, 10, 9, 0, 0, 0, time.UTC)
	c := &models.Campaign{PublishAt: created.Add(48 * time.Hour), CloseAt: created.Add(30 * 24 * time.Hour), SelectedAt: &selected}
	c.Policy.Convention.LapseAfter = policy.Duration(30 * 24 * time.Hour)
	h := history{campaign: c, timers: map[int64]time.Time{}}
	fire := func(startID int64, startedAt, due time.Time) (Event, bool) {
		h.event(&historypb.HistoryEvent{EventId: startID, EventType: enumspb.EVENT_TYPE_TIMER_STARTED, EventTime: timestamppb.New(startedAt),
			Attributes: &historypb.HistoryEvent_TimerStartedEventAttributes{TimerStartedEventAttributes: &historypb.TimerStartedEventAttributes{
				StartToFireTimeout: durationpb.New(due.Sub(startedAt))}}})
		return h.event(&historypb.HistoryEvent{EventId: startID + 1, EventType: enumspb.EVENT_TYPE_TIMER_FIRED, EventTime: timestamppb.New(due),
			Attributes: &historypb.HistoryEvent_TimerFiredEventAttributes{TimerFiredEventAttributes: &historypb.TimerFiredEventAttributes{StartedEventId: startID}}})
	}
	ev, ok := fire(5, created.Add(time.Second), c.PublishAt)
	assert.True(t, ok)
	assert.Equal(t, "Date de publication de l'appel atteinte.", ev.Label)
	ev, _ = fire(10, c.PublishAt.Add(time.Second), c.CloseAt)
	assert.Equal(t, "Date de clôture de l'appel atteinte : les dépôts sont fermés.", ev.Label)
	ev, _ = fire(20, selected, selected.Add(30*24*time.Hour))
	assert.Equal(t, "Délai de signature des conventions écoulé : l'appel ne peut plus être annulé.", ev.Label)
	_, ok = fire(30, c.CloseAt, c.CloseAt.Add(time.Hour)) // the wait for DS's last pull
	assert.False(t, ok, "a timer of no date the call knows is left out")
	_, ok = fire(40, created, c.PublishAt.Add(3*time.Second))
	assert.False(t, ok, "2 s is the tolerance: 3 s past the publication is another timer")

	ev, ok = h.event(&historypb.HistoryEvent{EventType: enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED, EventTime: timestamppb.New(created)})
	assert.True(t, ok)
	assert.NotContains(t, ev.Label, "orkflow")
	assert.False(t, ev.Echo, "the start is the engine taking the call in hand")
}

// Emails are named by their purpose, with the convention's and the dossier's references.
func TestEmailsAreNamedForWhatTheyAre(t *testing.T) {
	wf := "aap/2027/dep-69/c1/dossier/a1"
	n := emailNames{dossiers: map[string]string{wf: "AAP-2027-69-0001"}, conventions: map[string]string{wf: "CONV-2027-69-0001"}}
	cases := map[string]models.Email{
		"Relance n° 2 de la convention CONV-2027-69-0001 envoyée.": {Key: wf + "/convention-reminder-2/porteur", Purpose: mail.TemplateConventionReminder},
		"Échéance du compte rendu financier de la convention CONV-2027-69-0001 atteinte : compte rendu manquant, message envoyé au correspondant.": {
			Key: wf + "/financial-report-missing/correspondent", Purpose: mail.TemplateFinancialReportMissing},
		"Accusé de réception du dossier AAP-2027-69-0001 envoyé.": {Key: wf + "/application-received/porteur", Purpose: mail.TemplateApplicationReceived},
		"Relance n° 1 du compte rendu financier de la convention CONV-2027-69-0001 envoyée.": {
			Key: wf + "/financial-report-reminder-1/porteur", Purpose: mail.TemplateFinancialReportReminder},
		"Bilan de clôture de l'appel envoyé au correspondant.": {Key: "aap/2027/dep-69/c1/campaign-closed/correspondent", Purpose: mail.TemplateCampaignClosed},
		"Courriel envoyé : « Objet inconnu ».":                 {Key: "x", Purpose: "autre", Subject: "Objet inconnu"},
	}
	for want, e := range cases {
		assert.Equal(t, want, n.label(e))
	}
}
