package timeline

import (
	"context"
	"encoding/json"
	"slices"
	"time"

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
	if more, err = emailEvents(ctx, db, c.ID); err != nil {
		return nil, err
	}
	events = append(events, more...)
	if tc != nil {
		if more, err := workflowEvents(ctx, tc, c.WorkflowID); err != nil {
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
	out := []Event{event(c.CreatedAt, "created", "Appel à projets « "+c.Title+" » créé.")}
	if c.PublishedAt != nil {
		out = append(out, event(*c.PublishedAt, "published", "Appel à projets publié."))
	}
	if c.ClosedAt != nil {
		out = append(out, event(*c.ClosedAt, "closed", "Appel à projets clos : les dossiers passent en instruction."))
	}
	if c.SelectedAt != nil {
		out = append(out, event(*c.SelectedAt, "selected", "Sélection du comité enregistrée."))
	}
	if c.Phase == models.PhaseCancelled {
		out = append(out, event(c.UpdatedAt, "cancelled", "Appel à projets annulé : "+c.CancelReason))
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

func emailEvents(ctx context.Context, db *gorm.DB, campaignID string) ([]Event, error) {
	var rows []models.Email
	err := db.WithContext(ctx).Where("campaign_id = ? AND state IN ?", campaignID, []string{models.EmailSent, models.EmailFailed}).
		Order("id").Find(&rows).Error
	if err != nil {
		return nil, err
	}
	var out []Event
	for _, e := range rows {
		// The recipient is left out: the timeline is read more widely than the outbox.
		if e.State == models.EmailSent && e.SentAt != nil {
			out = append(out, event(*e.SentAt, "email_sent", "Courriel envoyé : « "+e.Subject+" »."))
		} else if e.State == models.EmailFailed {
			out = append(out, event(e.UpdatedAt, "email_failed", "Courriel non remis : « "+e.Subject+" »."))
		}
	}
	return out, nil
}

// workflowEvents keeps the steps of the history a person cares about: start,
// signals, commands (updates), deadlines reached, the end.
func workflowEvents(ctx context.Context, tc client.Client, workflowID string) ([]Event, error) {
	it := tc.GetWorkflowHistory(ctx, workflowID, "", false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	var out []Event
	for it.HasNext() {
		e, err := it.Next()
		if err != nil {
			return nil, err
		}
		if ev, ok := historyEvent(e); ok {
			out = append(out, ev)
		}
	}
	return out, nil
}

// updateLabels say in French what a workflow's Updates are.
var updateLabels = map[string]string{
	workflows.UpdateSelection:      "sélection du comité",
	workflows.UpdateCancelCampaign: "annulation de l'appel",
	workflows.UpdateSignConvention: "signature de la convention",
}

func historyEvent(e *historypb.HistoryEvent) (Event, bool) {
	at := e.GetEventTime().AsTime()
	mk := func(kind, label string) (Event, bool) {
		return Event{At: at.UTC(), Kind: kind, Label: label, Source: FromWorkflow}, true
	}
	switch e.GetEventType() {
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED:
		return mk("workflow_started", "Workflow de l'appel démarré.")
	case enumspb.EVENT_TYPE_UPSERT_WORKFLOW_SEARCH_ATTRIBUTES:
		p := e.GetUpsertWorkflowSearchAttributesEventAttributes().GetSearchAttributes().GetIndexedFields()["AapPhase"]
		var phase string
		if p == nil || json.Unmarshal(p.GetData(), &phase) != nil || phase == "" {
			return Event{}, false
		}
		return mk("phase", "Phase du workflow : "+models.PhaseLabel(phase)+".")
	case enumspb.EVENT_TYPE_TIMER_FIRED:
		return mk("timer_fired", "Échéance atteinte.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
		return mk("signal", "Signal reçu : "+e.GetWorkflowExecutionSignaledEventAttributes().GetSignalName()+".")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
		name := e.GetWorkflowExecutionUpdateAcceptedEventAttributes().GetAcceptedRequest().GetInput().GetName()
		if label, ok := updateLabels[name]; ok {
			name = label
		}
		return mk("update", "Commande acceptée : "+name+".")
	case enumspb.EVENT_TYPE_ACTIVITY_TASK_FAILED:
		return mk("activity_failed", "Une tâche a échoué et sera réessayée si possible.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW:
		return mk("continued_as_new", "Workflow poursuivi dans une nouvelle exécution.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED:
		return mk("workflow_completed", "Workflow de l'appel terminé.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_FAILED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TIMED_OUT:
		return mk("workflow_failed", "Workflow de l'appel en échec.")
	case enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_TERMINATED, enumspb.EVENT_TYPE_WORKFLOW_EXECUTION_CANCELED:
		return mk("workflow_terminated", "Workflow de l'appel arrêté.")
	}
	return Event{}, false
}
