package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// ApplicationService files dossiers, starts their workflows and reads their state.
type ApplicationService struct {
	Temporal     client.Client
	Campaigns    *store.Campaigns
	Applications *store.Applications
	// Reports holds the renewal blocks a dossier shows (§8.4).
	Reports      *store.FinancialReports
	MailRetryFor time.Duration
	Now          func() time.Time
	Logger       *slog.Logger
	// intents clears the start intents of the dossiers filed at the same moment in one write.
	intents intentBatcher
}

// openCampaign returns the call if it accepts dossiers now, else 404 or 409.
// It runs before the dossier is even read: a late dossier is refused whatever it holds.
func (s *ApplicationService) openCampaign(ctx context.Context, campaignID string) (*models.Campaign, error) {
	c, err := s.campaign(ctx, campaignID)
	if err != nil {
		return nil, err
	}
	if c.WorkflowPending {
		// Its workflow is still to be started (the reconciler does it): the call is not open yet.
		return nil, &Problem{Status: http.StatusConflict, Code: "campaign_not_started",
			Message: "Cet appel à projets n'est pas encore ouvert : son enregistrement s'achève. Réessayez dans quelques minutes."}
	}
	if c.Phase == models.PhaseCancelled {
		return nil, &Problem{Status: http.StatusConflict, Code: "campaign_cancelled",
			Message: "Cet appel à projets est annulé : il n'accepte plus de dossier. Motif : " + c.CancelReason}
	}
	now := s.Now()
	if !acceptsDossiers(c, now) {
		verb := "était"
		if now.Before(c.PublishAt) {
			verb = "sera"
		}
		return nil, &Problem{Status: http.StatusConflict, Code: "hors_delais",
			Message: fmt.Sprintf("Dossier déposé hors délais : l'appel à projets %s ouvert du %s au %s (heure de Paris).",
				verb, french.DateTime(c.PublishAt), french.DateTime(c.CloseAt))}
	}
	return c, nil
}

func (s *ApplicationService) campaign(ctx context.Context, id string) (*models.Campaign, error) {
	return lookupCampaign(ctx, s.Campaigns, id)
}

// ApplicationResult is a filed or replayed dossier.
type ApplicationResult struct {
	Application *models.Application
	Replayed    bool
}

// File validates and stores a dossier, then starts its workflow. The same
// dossier filed twice is one dossier.
func (s *ApplicationService) File(ctx context.Context, c *models.Campaign, req *ApplicationRequest, rawBody []byte, idempotencyKey string) (ApplicationResult, error) {
	a, fieldErrs := req.validate(c)
	if fieldErrs != nil {
		return ApplicationResult{}, ValidationProblem(fieldErrs)
	}
	// §2.2.1: the deposit time is the submission's, on the clock that found the call open
	// (the online form's: when its request arrived, before its files were read).
	a.CreatedAt = req.submittedAt
	if a.CreatedAt.IsZero() {
		a.CreatedAt = s.Now()
	}
	a.CreatedAt = a.CreatedAt.UTC()
	a.RequestHash = hashBody(rawBody)
	if idempotencyKey != "" {
		a.IdempotencyKey = &idempotencyKey
	}
	stored, created, err := s.store(ctx, c, &a, req.attachments...)
	if err != nil {
		return ApplicationResult{}, err
	}
	if !created && idempotencyKey != "" && stored.IdempotencyKey != nil && *stored.IdempotencyKey == idempotencyKey &&
		stored.RequestHash != a.RequestHash {
		return ApplicationResult{}, errIdempotencyReuse
	}
	if err := s.start(ctx, c, stored, created); err != nil {
		return ApplicationResult{}, err
	}
	return ApplicationResult{Application: stored, Replayed: !created}, nil
}

// store writes a valid dossier, or finds the same one already filed.
// The online form's attachments are stored with it, in its transaction.
func (s *ApplicationService) store(ctx context.Context, c *models.Campaign, a *models.Application, attachments ...models.Attachment) (*models.Application, bool, error) {
	a.ID = uuid.NewString()
	a.WorkflowID = workflows.ApplicationWorkflowID(c.WorkflowID, a.ID)
	a.State = models.ApplicationDeposited
	// The start intent is written with the row, in its transaction: whatever dies after
	// this, the reconciler (StartPending) starts the workflow, and until then the dossier
	// counts nowhere. See README "No dossier without its workflow".
	a.WorkflowPending = true
	// So is the accusé de réception, which the worker's sender sends once the workflow
	// exists (worker/acknowledgements.go).
	a.Acknowledgement, a.AcknowledgementDueAt = models.AcknowledgementPending, &a.CreatedAt
	return s.Applications.Create(ctx, a, attachments...)
}

// start starts a stored dossier's workflow (a replay's too, if the first request died
// before), and clears the start intent.
func (s *ApplicationService) start(ctx context.Context, c *models.Campaign, stored *models.Application, created bool) error {
	start := func() error { return s.startWorkflow(ctx, c, stored) }
	if err := startOrUndo(ctx, s.Logger, "application", stored.ID, created, start, s.Applications.Delete); err != nil {
		return err
	}
	clearIntent(ctx, s.Logger, "application", stored.ID, &stored.WorkflowPending, func(ctx context.Context, id string) error {
		return s.intents.clear(ctx, id, s.Applications.WorkflowsStarted)
	})
	return nil
}

// StartPending starts the workflow of every dossier stored before storedBefore whose start
// intent is still pending, then clears the intent (see PendingStarts).
func (s *ApplicationService) StartPending(ctx context.Context, storedBefore time.Time) (int, error) {
	rows, err := s.Applications.StartPending(ctx, storedBefore)
	if err != nil {
		return 0, err
	}
	start := func(a *models.Application) error {
		c, err := s.Campaigns.Get(ctx, a.CampaignID)
		if err != nil {
			return fmt.Errorf("campaign of pending dossier %s: %w", a.ID, err)
		}
		return s.startWorkflow(ctx, c, a)
	}
	return startEach(ctx, s.Logger, "application", rows, func(a *models.Application) string { return a.ID }, start, s.Applications.WorkflowStarted)
}

func (s *ApplicationService) startWorkflow(ctx context.Context, c *models.Campaign, a *models.Application) error {
	in := workflows.ApplicationInput{ApplicationID: a.ID, CampaignID: c.ID, CloseAt: c.CloseAt, MailRetryFor: s.MailRetryFor}
	if a.DSNumber != nil {
		in.DSNumber = *a.DSNumber
	}
	// The workflow's first task is the closure (ApplicationWorkflow): until then it is one
	// row on the server and nothing to run, whatever the number of dossiers a call receives.
	opts := startOptions(a.WorkflowID, campaignAttributes(c, models.ApplicationDeposited))
	opts.StartDelay = max(c.CloseAt.Sub(s.Now()), 0)
	return startWith(ctx, s.Temporal, opts, workflows.ApplicationWorkflow, in)
}

// ApplicationView is a dossier as the API shows it.
type ApplicationView struct {
	*models.Application
	RequestedEUR   string `json:"requested_eur"`
	TotalBudgetEUR string `json:"total_budget_eur"`
	// DoubleFundingFlag: the same association and project stand in another call of the same year.
	DoubleFundingFlag bool `json:"double_funding_flag"`
	// State is the state recorded in the database (StateSource "database", recorded at
	// StateRecordedAt), or with ?live=1 the workflow's own, with the fields below that only
	// the workflow holds (StateSource "workflow"; see live_state.go).
	State           string     `json:"state"`
	StateSource     string     `json:"state_source"`
	StateRecordedAt *time.Time `json:"state_recorded_at,omitempty"`
	// StateFallback says why a live read fell back to the database (timeout, busy, unavailable).
	StateFallback string `json:"state_fallback,omitempty"`
	// ConventionID and ConventionState once the retained dossier's convention is drawn up.
	ConventionID    string `json:"convention_id,omitempty"`
	ConventionState string `json:"convention_state,omitempty"`
	// Blocked: a renewal block is in force (§8.4): the selection refuses to retain the dossier.
	// BlockedProvisionally: a PNE block resting on a questionnaire not closed yet is in
	// force; its closure confirms or lifts it. RenewalBlocks lists every block with its
	// rule, source, reason, lifting and, for a provisional one, its review date.
	Blocked              bool                  `json:"blocked"`
	BlockedProvisionally bool                  `json:"renewal_blocked_provisionally"`
	RenewalBlocks        []models.RenewalBlock `json:"renewal_blocks"`
	// FinancialReport (awaited, received, missing) of the signed convention, and its due date.
	FinancialReport    string     `json:"financial_report,omitempty"`
	FinancialReportDue *time.Time `json:"financial_report_due,omitempty"`
	// DSSyncFailed: DS could not be told the closure or the decision within a week of retries.
	DSSyncFailed bool `json:"ds_sync_failed,omitempty"`
}

func applicationView(a *models.Application) ApplicationView {
	return ApplicationView{
		Application: a, RequestedEUR: formatEuros(a.RequestedCents), TotalBudgetEUR: formatEuros(a.TotalBudgetCents),
		DoubleFundingFlag: len(a.DoubleFundingWith) > 0, State: a.State, StateSource: stateFromDatabase,
		StateRecordedAt: recordedAt(a.StateRecordedAt, a.CreatedAt), RenewalBlocks: []models.RenewalBlock{},
	}
}

// Get returns one dossier with its state as recorded; live asks its workflow instead.
func (s *ApplicationService) Get(ctx context.Context, id string, live bool) (ApplicationView, error) {
	a, err := lookupApplication(ctx, s.Applications, id)
	if err != nil {
		return ApplicationView{}, err
	}
	view := applicationView(a)
	if view.RenewalBlocks, err = s.Reports.Blocks(ctx, a.ID); err != nil {
		return ApplicationView{}, err
	}
	view.Blocked, view.BlockedProvisionally = models.BlocksInForce(view.RenewalBlocks)
	if !live {
		return view, nil
	}
	st, err := queryState[workflows.ApplicationState](ctx, s.Temporal, a.WorkflowID, workflows.QueryApplicationState)
	if err != nil {
		if view.StateFallback = fallbackReason(err); view.StateFallback != fallbackNotStarted {
			s.Logger.Warn("application state query failed; showing the recorded state", "application", id, "reason", view.StateFallback, "error", err)
		}
		return view, nil
	}
	view.State, view.StateSource = st.State, stateFromWorkflow
	view.StateRecordedAt = nil
	view.ConventionID, view.ConventionState = st.ConventionID, st.Convention
	view.FinancialReport, view.FinancialReportDue = st.FinancialReport, st.FinancialReportDue
	view.DSSyncFailed = st.DSSyncFailed
	return view, nil
}

// List reads one page of a call's dossiers from the database; more says whether
// dossiers follow it (one row past the page is read to know). total (-1: not asked)
// is the call's dossier count kept with the call when nothing filters the list, and a
// count of the matching dossiers otherwise: the first page of a call, what most
// readers ask, counts nothing.
func (s *ApplicationService) List(ctx context.Context, f store.ApplicationFilter, withTotal bool) (items []ApplicationListItem, more bool, total int64, err error) {
	c, err := s.campaign(ctx, f.CampaignID)
	if err != nil {
		return nil, false, 0, err
	}
	total = -1
	if withTotal && f.State == "" && f.Theme == "" {
		total = c.DossierCount
	} else if withTotal {
		if total, err = s.Applications.CountApplications(ctx, f); err != nil {
			return nil, false, 0, err
		}
	}
	limit := f.Limit
	f.Limit++
	page, err := s.Applications.Summaries(ctx, f)
	if err != nil {
		return nil, false, 0, err
	}
	if more = len(page) > limit; more {
		page = page[:limit]
	}
	items = make([]ApplicationListItem, len(page))
	for i := range page {
		items[i] = applicationListItem(&page[i])
	}
	return items, more, total, nil
}
