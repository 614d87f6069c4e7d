package timeline

import (
	"context"
	"encoding/json"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"

	enumspb "go.temporal.io/api/enums/v1"
	historypb "go.temporal.io/api/history/v1"
	"go.temporal.io/sdk/client"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// Sources of a timeline event.
const (
	FromDatabase = "database"
	FromWorkflow = "workflow"
)

// Event is one dated step of a call's life, in French.
type Event struct {
	At     time.Time `json:"at"`
	Date   string    `json:"date"` // "31 mai 2024 à 18 h 00", Paris time
	Kind   string    `json:"kind"` // stable code: published, dossier_filed, convention_signed, email_sent, …
	Label  string    `json:"label"`
	Source string    `json:"source"` // database or workflow
	// Echo: the history's own record of a fact the database already tells (a phase
	// entered, a command received); the API keeps it, the call's page leaves it out.
	Echo bool `json:"-"`
}

// TimelineResult is a call's life; History says whether the workflow's history
// could be read (when not, the events are the database's only, and HistoryError says why).
type TimelineResult struct {
	Events       []Event `json:"events"`
	History      bool    `json:"history"`
	HistoryError string  `json:"history_error,omitempty"`
}

// Timeline reads a call's life from the database and, when tc is not nil, from its
// workflow's history: published, dossiers filed, closed, selection, each
// convention signed or lapsed, emails sent. Events are in time order. A history
// that cannot be read leaves the database's events, and says so.
func Timeline(ctx context.Context, db *gorm.DB, tc client.Client, c *models.Campaign) (*TimelineResult, error) {
	res := &TimelineResult{}
	events := campaignEvents(c)
	more, err := dossierEvents(ctx, db, c.ID)
	if err != nil {
		return nil, err
	}
	events = append(events, more...)
	if more, err = conventionEvents(ctx, db, c.ID); err != nil {
		return nil, err
	}
	events = append(events, more...)
	if more, err = emailEvents(ctx, db, c); err != nil {
		return nil, err
	}
	events = append(events, more...)
	if tc != nil {
		if more, err := workflowEvents(ctx, tc, c); err != nil {
			res.HistoryError = err.Error()
		} else {
			res.History = true
			events = append(events, more...)
		}
	}
	slices.SortStableFunc(events, func(a, b Event) int { return a.At.Compare(b.At) })
	for i := range events {
		events[i].Date = french.DateTime(events[i].At)
	}
	res.Events = events
	return res, nil
}

func event(at time.Time, kind, label string) Event {
	return Event{At: at.UTC(), Kind: kind, Label: label, Source: FromDatabase}
}

func campaignEvents(c *models.Campaign) []Event {
	out := []Event{event(c.CreatedAt, "created", "Appel « "+c.Title+" » créé.")}
	if c.PublishedAt != nil {
		out = append(out, event(*c.PublishedAt, "published", "Appel publié."))
	}
	if c.ClosedAt != nil {
		out = append(out, event(*c.ClosedAt, "closed", "Appel clos : les dossiers passent en instruction."))
	}
	if c.SelectedAt != nil {
		out = append(out, event(*c.SelectedAt, "selected", "Sélection du comité enregistrée."))
	}
	if c.Phase == models.PhaseCancelled {
		out = append(out, event(c.UpdatedAt, "cancelled", "Appel annulé : "+c.CancelReason))
	}
	return out
}

func dossierEvents(ctx context.Context, db *gorm.DB, campaignID string) ([]Event, error) {
	var rows []struct {
		Title, AssociationName, Decision string
		CreatedAt                        time.Time
		DecidedAt                        *time.Time
		GrantedCents                     int64
	}
	err := db.WithContext(ctx).Table("applications").
		Select("title, association_name, decision, created_at, decided_at, granted_cents").
		Where("campaign_id = ?", campaignID).Order("created_at, id").Scan(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, r := range rows {
		out = append(out, event(r.CreatedAt, "dossier_filed", "Dossier déposé : « "+r.Title+" » ("+r.AssociationName+")."))
		if r.DecidedAt == nil {
			continue
		}
		switch r.Decision {
		case selection.Retained:
			out = append(out, event(*r.DecidedAt, "dossier_retained",
				"Dossier retenu : « "+r.Title+" », "+french.Euros(r.GrantedCents)+" accordés."))
		case selection.NotRetained:
			out = append(out, event(*r.DecidedAt, "dossier_not_retained", "Dossier non retenu : « "+r.Title+" »."))
		}
	}
	return out, nil
}

func conventionEvents(ctx context.Context, db *gorm.DB, campaignID string) ([]Event, error) {
	var rows []models.Convention
	err := db.WithContext(ctx).Where("campaign_id = ?", campaignID).Order("created_at, id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, v := range rows {
		out = append(out, event(v.CreatedAt, "convention_sent", "Convention "+v.Reference+" envoyée pour signature."))
		if v.SignedAt != nil {
			out = append(out, event(*v.SignedAt, "convention_signed", "Convention "+v.Reference+" signée."))
		}
		if v.LapsedAt != nil {
			out = append(out, event(*v.LapsedAt, "convention_lapsed", "Convention "+v.Reference+" caduque : non signée dans le délai."))
		}
	}
	return out, nil
}

func emailEvents(ctx context.Context, db *gorm.DB, c *models.Campaign) ([]Event, error) {
	var rows []models.Email
	err := db.WithContext(ctx).Where("campaign_id = ? AND state IN ?", c.ID, []string{models.EmailSent, models.EmailFailed}).
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	names, err := emailNamesOf(ctx, db, c)
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, e := range rows {
		// The recipient is left out: the timeline is read more widely than the outbox.
		if e.State == models.EmailSent && e.SentAt != nil {
			out = append(out, event(*e.SentAt, "email_sent", names.label(e)))
		} else if e.State == models.EmailFailed {
			out = append(out, event(e.UpdatedAt, "email_failed", "Courriel non remis : "+lowerFirst(names.label(e))))
		}
	}
	return out, nil
}

// workflowEvents keeps the steps of the history a person cares about, each named for
// what it is: the dates of the call reached, commands received, incidents, the end.
func workflowEvents(ctx context.Context, tc client.Client, c *models.Campaign) ([]Event, error) {
	it := tc.GetWorkflowHistory(ctx, c.WorkflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	h := history{campaign: c, timers: map[int64]time.Time{}}
	var out []Event
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		if ev, ok := h.event(e); ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

// updateLabels say in French what a workflow's Updates are.
var updateLabels = map[string]string{
	workflows.UpdateSelection:      "Sélection du comité reçue.",
	workflows.UpdateCancelCampaign: "Demande d'annulation de l'appel reçue.",
	workflows.UpdateSignConvention: "Signature de la convention reçue.",
}

// history reads one call's history; timers holds when each started timer was due to fire.
type history struct {
	campaign *models.Campaign
	timers   map[int64]time.Time
}

func (h history) event(e *historypb.HistoryEvent) (Event, bool) {
	at := e.GetEventTime().AsTime()
	mk := func(kind, label string) (Event, bool) {
		return Event{At: at.UTC(), Kind: kind, Label: label, Source: FromWorkflow}, true
	}
	echo := func(kind, label string) (Event, bool) {
		ev, ok := mk(kind, label)
		ev.Echo = true
		return ev, ok
	}
	switch e.GetEventType() {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		return mk("workflow_started", "Suivi de l'appel lancé : publication, clôture et relances suivront son calendrier.")
	case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
		p := e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()["AapPhase"]
		var phase string
		if p == nil || json.Unmarshal(p.GetData(), &phase) != nil || phase == "" {
			return Event{}, false
		}
		return echo("phase", "L'appel passe à l'étape « "+models.PhaseLabel(phase)+" ».")
	case enumspb.EVENT_TYPE_TIMER_STARTED:
		a := e.GetTimerStartedEventAttributes()
		h.timers[e.GetEventId()] = at.Add(a.GetStartToFireTimeout().AsDuration())
	case enumspb.EVENT_TYPE_TIMER_FIRED:
		label, ok := h.timerLabel(h.timers[e.GetTimerFiredEventAttributes().GetStartedEventId()])
		if ok {
			return mk("timer_fired", label)
		}
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
		name := e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName()
		if label, ok := updateLabels[name]; ok {
			return echo("update", label)
		}
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		return mk("activity_failed", "Incident technique : une opération automatique a échoué ; elle est retentée si possible.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
		return echo("continued_as_new", "Suivi de l'appel poursuivi.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
		return mk("workflow_completed", "Suivi de l'appel terminé : plus aucune échéance ne l'attend.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
		return mk("workflow_failed", "Suivi de l'appel interrompu par une erreur : prévenez l'équipe technique.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
		return mk("workflow_terminated", "Suivi de l'appel arrêté par l'équipe technique.")
	}
	return Event{}, false
}

// timerLabel names a fired timer by the date it waited for: the publication, the
// closure, or the end of the conventions' signature period (campaign workflow's run).
// A timer of no date the call knows says nothing a person needs and is left out.
func (h history) timerLabel(due time.Time) (string, bool) {
	c := h.campaign
	// The publication's and closure's timers end at the call's dates to the millisecond; the
	// signature period starts when the workflow records the selection, a moment before the
	// database's SelectedAt: a minute apart is the same timer, timers of other dates are hours apart.
	near := func(t time.Time, tolerance time.Duration) bool { return !due.IsZero() && due.Sub(t).Abs() < tolerance }
	switch {
	case near(c.PublishAt, 2*time.Second):
		return "Date de publication de l'appel atteinte.", true
	case near(c.CloseAt, 2*time.Second):
		return "Date de clôture de l'appel atteinte : les dépôts sont fermés.", true
	case c.SelectedAt != nil && near(c.SelectedAt.Add(time.Duration(c.Policy.Convention.LapseAfter)), time.Minute):
		return "Délai de signature des conventions écoulé : l'appel ne peut plus être annulé.", true
	}
	return "", false
}

func lowerFirst(s string) string {
	r, size := utf8.DecodeRuneInString(s)
	return string(unicode.ToLower(r)) + s[size:]
}
