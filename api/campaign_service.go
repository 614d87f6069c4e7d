package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/google/uuid"
	"go.temporal.io/sdk/client"

	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// CampaignService is the only holder of the Temporal client for campaigns:
// it stores a campaign, starts its workflow, and reads its live state.
type CampaignService struct {
	Temporal  client.Client
	Campaigns *store.Campaigns
	Policies  *policy.Set
	DevMode   bool
	// MailRetryFor is passed to each campaign workflow (AAP_MAIL_RETRY_FOR).
	MailRetryFor time.Duration
	Now          func() time.Time
	Logger       *slog.Logger
	// DS reads a démarche's champs to check a call's mapping; DSConnectors holds the connectors' state.
	DS           DSDescriptors
	DSConnectors *store.DSConnectors
	// DSPullEvery is how often an open call's démarche is pulled (AAP_DS_PULL_EVERY); the
	// demo policy pulls every 20 s. DSWebhookSecret signs each call's webhook URL, which
	// starts with PublicURL.
	DSPullEvery     time.Duration
	DSWebhookSecret string
	PublicURL       string
}

// demoDSPullEvery is the demo policy's schedule of pulls (its call is open 3 minutes).
const demoDSPullEvery = 20 * time.Second

// CreateResult is a created or replayed campaign.
type CreateResult struct {
	Campaign *models.Campaign
	Replayed bool
}

// Create validates the request, stores the campaign and starts its workflow.
// A refused request writes nothing; a request repeated with the same
// idempotency key returns the first campaign.
func (s *CampaignService) Create(ctx context.Context, req *CampaignRequest, rawBody []byte, idempotencyKey string) (CreateResult, error) {
	valid, fieldErrs := req.validate(campaignRules{now: s.Now(), policies: s.Policies, devMode: s.DevMode, ds: s.DS})
	if fieldErrs != nil {
		return CreateResult{}, ValidationProblem(fieldErrs)
	}
	c := valid.campaign
	if src := req.DemarchesSimplifiees; src != nil {
		conn, err := src.connector(ctx, s.DS)
		if err != nil {
			return CreateResult{}, err
		}
		c.DS, c.DSDemarche = conn, conn.Demarche
	}
	c.ID = uuid.NewString()
	c.WorkflowID = workflows.CampaignWorkflowID(c.Year, c.Level, c.Territory, c.ID)
	c.Phase = models.PhaseScheduled
	c.Policy = valid.policy
	c.RequestHash = hashBody(rawBody)
	if idempotencyKey != "" {
		c.IdempotencyKey = &idempotencyKey
	}
	// The start intent is written with the row, in its transaction: whatever dies after
	// this, the reconciler (PendingStarts) starts the workflow, and until then the call
	// accepts no dossier and counts nowhere.
	c.WorkflowPending = true
	stored, created, err := s.Campaigns.Create(ctx, &c)
	if err != nil {
		return CreateResult{}, err
	}
	if !created && stored.RequestHash != c.RequestHash {
		return CreateResult{}, errIdempotencyReuse
	}
	pol := valid.policy
	if !created {
		// A replay: start the workflow if the first request died before it did.
		if pol, err = s.policyOf(stored); err != nil {
			return CreateResult{}, err
		}
	}
	start := func() error { return s.startWorkflow(ctx, stored, pol) }
	if err := startOrUndo(ctx, s.Logger, "campaign", stored.ID, created, start, s.Campaigns.Delete); err != nil {
		return CreateResult{}, err
	}
	clearIntent(ctx, s.Logger, "campaign", stored.ID, &stored.WorkflowPending, s.Campaigns.WorkflowStarted)
	return CreateResult{Campaign: stored, Replayed: !created}, nil
}

// StartPending starts the workflow of every call stored before storedBefore whose start
// intent is still pending, then clears the intent (see PendingStarts).
func (s *CampaignService) StartPending(ctx context.Context, storedBefore time.Time) (int, error) {
	rows, err := s.Campaigns.StartPending(ctx, storedBefore)
	if err != nil {
		return 0, err
	}
	start := func(c *models.Campaign) error {
		pol, err := s.policyOf(c)
		if err != nil {
			return err
		}
		return s.startWorkflow(ctx, c, pol)
	}
	return startEach(ctx, s.Logger, "campaign", rows, func(c *models.Campaign) string { return c.ID }, start, s.Campaigns.WorkflowStarted)
}

// policyOf returns the policy the campaign was started with: the copy stored
// with it, so that an edit of the files since changes nothing. Campaigns stored
// before the copy existed fall back to the files.
func (s *CampaignService) policyOf(c *models.Campaign) (policy.Policy, error) {
	if c.Policy.Name != "" {
		return c.Policy, nil
	}
	if c.PolicyName == policy.DemoName {
		if p, ok := s.Policies.Demo(); ok {
			return p, nil
		}
		return policy.Policy{}, errors.New("demo policy not loaded")
	}
	return s.Policies.ForYear(c.Year)
}

// startWorkflow starts the campaign's workflow once: the ID is derived from the
// campaign, and a second start finds the first workflow, running or ended.
func (s *CampaignService) startWorkflow(ctx context.Context, c *models.Campaign, pol policy.Policy) error {
	in := workflows.CampaignInput{
		CampaignID: c.ID, Year: c.Year, Level: c.Level, Territory: c.Territory,
		PublishAt: c.PublishAt, CloseAt: c.CloseAt, Policy: pol, MailRetryFor: s.MailRetryFor, BudgetCents: c.BudgetCents,
		DSDemarche: c.DSDemarche, DSPullEvery: s.DSPullEvery, CalendarLate: c.PublishLate || c.CloseLate,
	}
	if pol.IsDemo() {
		in.DSPullEvery = demoDSPullEvery
	}
	return startOnce(ctx, s.Temporal, c.WorkflowID, campaignAttributes(c, models.PhaseScheduled), workflows.CampaignWorkflow, in)
}

// CampaignView is a campaign as the API shows it.
type CampaignView struct {
	*models.Campaign
	BudgetEUR      string `json:"budget_eur"`
	TerritoryLabel string `json:"territory_label"`
	// State is the phase recorded in the database (StateSource "database", recorded at
	// StateRecordedAt), or with ?live=1 the workflow's own (StateSource "workflow"; see live_state.go).
	State           string     `json:"state"`
	StateSource     string     `json:"state_source"`
	StateRecordedAt *time.Time `json:"state_recorded_at,omitempty"`
	// StateFallback says why a live read fell back to the database (timeout, busy, unavailable).
	StateFallback string `json:"state_fallback,omitempty"`
	// NotificationFailed is set when the publication notice could not be delivered (live answers only).
	NotificationFailed bool `json:"notification_failed,omitempty"`
	// PolicyFallback is set when the call's year has no instruction of its own yet.
	PolicyFallback *PolicyFallback `json:"policy_fallback,omitempty"`
}

// PolicyFallback says a call follows an earlier year's rules, its year having none yet.
type PolicyFallback struct {
	Year      int    `json:"year"`
	RulesYear int    `json:"rules_year"`
	Message   string `json:"message"`
}

func policyFallbackOf(c *models.Campaign) *PolicyFallback {
	rules, fallback := c.RulesYear()
	if !fallback {
		return nil
	}
	return &PolicyFallback{Year: c.Year, RulesYear: rules, Message: fmt.Sprintf(
		"Aucune instruction %d n'est encore transcrite : l'appel suit les règles de l'instruction %d (seuils, calendrier, PNE), jusqu'à la publication de celle de %d.",
		c.Year, rules, c.Year)}
}

// Get returns one campaign with its phase as recorded; live asks its workflow instead.
func (s *CampaignService) Get(ctx context.Context, id string, live bool) (CampaignView, error) {
	c, err := s.campaign(ctx, id)
	if err != nil {
		return CampaignView{}, err
	}
	view := viewOf(c)
	if !live {
		return view, nil
	}
	st, err := queryState[workflows.CampaignState](ctx, s.Temporal, c.WorkflowID, workflows.QueryCampaignState)
	if err != nil {
		view.StateFallback = fallbackReason(err)
		s.Logger.Warn("campaign state query failed; showing the recorded phase", "campaign", id, "reason", view.StateFallback, "error", err)
		return view, nil
	}
	view.State, view.StateSource, view.NotificationFailed = st.Phase, stateFromWorkflow, st.NotificationFailed
	view.StateRecordedAt = nil
	return view, nil
}

// List reads one page of campaigns from the database (never by scanning workflows).
func (s *CampaignService) List(ctx context.Context, f store.CampaignFilter) ([]CampaignView, int64, error) {
	page, total, err := s.Campaigns.List(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	views := make([]CampaignView, len(page))
	for i := range page {
		views[i] = viewOf(&page[i])
	}
	return views, total, nil
}

func viewOf(c *models.Campaign) CampaignView {
	return CampaignView{
		Campaign:        c,
		BudgetEUR:       formatEuros(c.BudgetCents),
		TerritoryLabel:  territoryLabel(c),
		State:           c.Phase,
		StateSource:     stateFromDatabase,
		StateRecordedAt: recordedAt(c.StateRecordedAt, c.CreatedAt),
		PolicyFallback:  policyFallbackOf(c),
	}
}

func (s *CampaignService) campaign(ctx context.Context, id string) (*models.Campaign, error) {
	return lookupCampaign(ctx, s.Campaigns, id)
}
