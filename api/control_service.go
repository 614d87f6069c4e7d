package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// ControlService plans and records on-site controls (§8.5). Controls, results
// and follow-ups are database records; the region's control workflow announces
// each planned control and sends the synthesis.
type ControlService struct {
	Temporal     client.Client
	Controls     *store.Controls
	Conventions  *store.Conventions
	Applications *store.Applications
	Campaigns    *store.Campaigns
	Policies     *policy.Set
	// DevMode runs the control workflows on the demo policy's compressed schedule.
	DevMode      bool
	MailRetryFor time.Duration
	Now          func() time.Time
}

// today is the Paris calendar date now, "2006-01-02".
func (s *ControlService) today() string { return s.Now().In(french.Paris).Format(time.DateOnly) }

// convention loads a convention with its call; it returns errNotFound when it does not exist.
func (s *ControlService) convention(ctx context.Context, id string) (*models.Convention, *models.Campaign, error) {
	conv, err := findByID(ctx, id, s.Conventions.Get)
	if err != nil {
		return nil, nil, err
	}
	c, err := s.Campaigns.Get(ctx, conv.CampaignID)
	return conv, c, err
}

func errNotSigned(conv *models.Convention) *Problem {
	return &Problem{Status: http.StatusConflict, Code: "convention_not_signed",
		Message: "Seule une convention signée peut être contrôlée (convention " + models.ConventionLabel(conv.State) + ")."}
}

// Candidate is one candidate of the ranking, as the API shows it: a signed
// convention (subject convention) or an association funded through a CTAI
// (subject ctai_association, §8.5).
type Candidate struct {
	Rank    int    `json:"rank"`
	Subject string `json:"subject"`
	// ConventionID, Reference and ProjectTitle: a convention's.
	ConventionID    string `json:"convention_id,omitempty"`
	Reference       string `json:"reference,omitempty"`
	AssociationName string `json:"association_name"`
	ProjectTitle    string `json:"project_title,omitempty"`
	// CTAIRequestID, CollectiviteName and AssociationKey: a CTAI-funded association's
	// (the key and the request plan its control).
	CTAIRequestID    string `json:"ctai_request_id,omitempty"`
	CollectiviteName string `json:"collectivite_name,omitempty"`
	AssociationKey   string `json:"association_key,omitempty"`
	Department       string `json:"department,omitempty"`
	// GrantedCents is the convention's amount, or what the CTAI's bilan gives the association.
	GrantedCents int64  `json:"granted_cents"`
	GrantedEUR   string `json:"granted_eur"`
	// AssociationCents is the association's whole P104 funding of the year (all its
	// signed conventions and CTAI amounts), AssociationConventions and
	// AssociationCTAIs how many: what the ranking weighs (§8.5).
	AssociationCents       int64            `json:"association_cents"`
	AssociationConventions int              `json:"association_conventions"`
	AssociationCTAIs       int              `json:"association_ctais"`
	Doubts                 []string         `json:"doubts"`
	Reasons                []control.Reason `json:"reasons"`
	// ControlID and ControlState are set once its control is planned.
	ControlID    string `json:"control_id,omitempty"`
	ControlState string `json:"control_state,omitempty"`
}

// subjectKey is the candidate's control subject (models.Control.SubjectKey).
func (c Candidate) subjectKey() string {
	if c.Subject == control.SubjectCTAI {
		return models.CTAISubjectKey(c.CTAIRequestID, c.AssociationKey)
	}
	return models.ConventionSubjectKey(c.ConventionID)
}

// Candidates answers GET /api/v1/controls/{year}/{region}/candidates.
type Candidates struct {
	Year       int         `json:"year"`
	Region     string      `json:"region"`
	RegionName string      `json:"region_name"`
	Items      []Candidate `json:"items"`
}

// Candidates ranks the region's signed conventions of the year to control first.
func (s *ControlService) Candidates(ctx context.Context, year int, region string) (Candidates, error) {
	reg, ok := territory.LookupRegion(region)
	if !ok {
		return Candidates{}, errNotFound
	}
	cands, err := s.Controls.Candidates(ctx, year, region)
	if err != nil {
		return Candidates{}, err
	}
	planned, err := s.Controls.List(ctx, store.ControlFilter{Year: year, Region: region})
	if err != nil {
		return Candidates{}, err
	}
	bySubject := map[string]models.Control{}
	for _, c := range planned {
		bySubject[c.SubjectKey] = c
	}
	out := Candidates{Year: year, Region: reg.Code, RegionName: reg.Name, Items: []Candidate{}}
	for _, r := range control.Rank(region, cands) {
		item := Candidate{Rank: r.Rank, Subject: control.SubjectConvention, ConventionID: r.ConventionID, Reference: r.Reference,
			AssociationName: r.AssociationName, ProjectTitle: r.ProjectTitle, Department: r.Department,
			GrantedCents: r.GrantedCents, GrantedEUR: formatEuros(r.GrantedCents), AssociationCents: max(r.AssociationCents, r.GrantedCents),
			AssociationConventions: r.AssociationConventions, AssociationCTAIs: r.AssociationCTAIs,
			Doubts: append([]string{}, r.Doubts...), Reasons: r.Reasons}
		if r.IsCTAI() {
			item.Subject, item.CTAIRequestID, item.CollectiviteName, item.AssociationKey = control.SubjectCTAI, r.CTAIRequestID, r.CollectiviteName, r.AssociationKey
			item.AssociationCTAIs = max(item.AssociationCTAIs, 1)
		} else {
			item.AssociationConventions = max(item.AssociationConventions, 1)
		}
		if c, ok := bySubject[item.subjectKey()]; ok {
			item.ControlID, item.ControlState = c.ID, c.State
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// ControlView is a control as the API shows it.
type ControlView struct {
	*models.Control
	FollowUpAmountEUR string `json:"follow_up_amount_eur"`
	RecoveredEUR      string `json:"recovered_eur"`
	WorkflowID        string `json:"workflow_id"`
}

func controlView(c *models.Control) ControlView {
	return ControlView{Control: c, FollowUpAmountEUR: formatEuros(c.FollowUpAmountCents), RecoveredEUR: formatEuros(c.RecoveredCents),
		WorkflowID: workflows.ControlWorkflowID(c.Year, c.Region)}
}

// Plan records a control of a signed convention, or of an association funded
// through a CTAI (§8.5), and starts (or signals) the region's control workflow,
// which announces the date. Planning the same control again answers the first
// and announces it again only if needed.
//
// A convention or CTAI outside scope (the caller's management scope) answers
// exactly as an unknown one: 404, after the body's own checks, so that neither
// the answer nor its order tells which exist elsewhere.
func (s *ControlService) Plan(ctx context.Context, req PlanRequest, scope store.Scope) (ControlView, bool, error) {
	subject, controller, fields := req.check(s.today())
	if len(fields) > 0 {
		return ControlView{}, false, ValidationProblem(fields)
	}
	planned := &models.Control{ID: uuid.NewString(), PlannedOn: req.PlannedOn, Controller: controller,
		State: models.ControlPlanned, FollowUpState: models.FollowUpStateNone}
	var err error
	if subject.isCTAI() {
		err = s.ctaiSubject(ctx, subject, scope, planned)
	} else {
		err = s.conventionSubject(ctx, subject.ConventionID, scope, planned)
	}
	if err != nil {
		return ControlView{}, false, err
	}
	// §8.5 wants controls « à compter de 2024 », their follow-up included: a
	// control planned after the region's synthesis left is accepted and goes into
	// a supplementary synthesis.
	stored, created, err := s.Controls.Plan(ctx, planned)
	if err != nil {
		return ControlView{}, false, err
	}
	if !created && (stored.PlannedOn != req.PlannedOn || stored.Controller != controller) {
		what := "Cette convention"
		if stored.IsCTAI() {
			what = "Cette association financée via le CTAI"
		}
		return ControlView{}, false, &Problem{Status: http.StatusConflict, Code: "control_already_planned",
			Message: fmt.Sprintf("%s a déjà un contrôle prévu le %s par %s.", what, frenchDay(stored.PlannedOn), stored.Controller)}
	}
	// Signalled on every request: a first attempt that stored the control but
	// could not reach Temporal is completed by its resubmission; the outbox
	// sends the announcement of a date once.
	if err := s.signal(ctx, stored); err != nil {
		return ControlView{}, false, err
	}
	return controlView(stored), !created, nil
}

// conventionSubject makes planned the control of a signed convention inside scope.
func (s *ControlService) conventionSubject(ctx context.Context, id string, scope store.Scope, planned *models.Control) error {
	conv, c, err := s.convention(ctx, id)
	if err != nil {
		return err
	}
	if !scope.Covers(c.Level, c.Territory) {
		return errNotFound
	}
	if conv.State != models.ConventionSigned {
		return ValidationProblem([]FieldError{{Field: "convention_id", Rule: "signed",
			Message: "seule une convention signée peut être contrôlée (convention " + models.ConventionLabel(conv.State) + ")"}})
	}
	app, err := s.Applications.Get(ctx, conv.ApplicationID)
	if err != nil {
		return err
	}
	planned.Subject, planned.ConventionID, planned.SubjectKey = models.ControlOfConvention, conv.ID, models.ConventionSubjectKey(conv.ID)
	planned.Year = c.Year
	planned.Region, planned.Department = regionOf(c, app.ActionDepartment)
	return nil
}

// signal starts the region's control workflow if needed and tells it the control was planned.
func (s *ControlService) signal(ctx context.Context, c *models.Control) error {
	return s.signalWithStart(ctx, c, workflows.SignalControlPlanned, workflows.ControlPlanned{ControlID: c.ID, PlannedOn: c.PlannedOn})
}

// signalUpdated tells the region's control workflow that a control's result or
// follow-up was recorded: after the synthesis it goes into a supplementary one
// (§8.5: « un focus spécifique devra être effectué sur les suites concrètes »).
func (s *ControlService) signalUpdated(ctx context.Context, c *models.Control) error {
	return s.signalWithStart(ctx, c, workflows.SignalControlUpdated, workflows.ControlUpdated{ControlID: c.ID})
}

// signalWithStart signals the region's control workflow of the year, starting
// it if none runs. A run ends once its synthesis has left and every control is
// held and every follow-up closed; a control planned or recorded after that
// starts a new run, which knows from the database that the synthesis was sent
// and how many supplements followed it, and so sends the next supplement.
func (s *ControlService) signalWithStart(ctx context.Context, c *models.Control, name string, arg any) error {
	pol, err := s.policy(c.Year)
	if err != nil {
		return err
	}
	in := workflows.ControlInput{Year: c.Year, Region: c.Region, Policy: pol, MailRetryFor: s.MailRetryFor}
	if syn, err := s.Controls.Synthesis(ctx, c.Year, c.Region); err == nil {
		in.SynthesisSent, in.Supplements = true, syn.Supplements
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	phase := workflows.ControlPhaseScheduled
	if in.SynthesisSent {
		phase = workflows.ControlPhaseSent
	}
	opts := client.StartWorkflowOptions{
		ID:        workflows.ControlWorkflowID(c.Year, c.Region),
		TaskQueue: workflows.TaskQueue,
		// A run that ended (its synthesis sent, nothing left open) is followed by a
		// new one when a control is planned or recorded afterwards.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.YearKey.ValueSet(int64(c.Year)),
			workflows.TerritoryKey.ValueSet(c.Region),
			workflows.LevelKey.ValueSet(models.LevelRegional),
			workflows.PhaseKey.ValueSet(phase),
		),
	}
	_, err = s.Temporal.SignalWithStartWorkflow(ctx, opts.ID, name, arg, opts, workflows.ControlWorkflow, in)
	return err
}

// policy is the one the region's workflow copies at start: the demo schedule in `aap dev`.
func (s *ControlService) policy(year int) (policy.Policy, error) {
	if s.DevMode {
		if p, ok := s.Policies.Demo(); ok {
			return p, nil
		}
	}
	return s.Policies.ForYear(year)
}

// regionOf is the region and department of a call's convention: a regional
// call's is where its action takes place (the decision's actionDepartment, §8.5),
// empty for an interdepartmental action.
func regionOf(c *models.Campaign, actionDepartment string) (region, department string) {
	if c.Level == models.LevelRegional {
		return c.Territory, actionDepartment
	}
	dep, _ := territory.LookupDepartment(c.Territory)
	return dep.RegionCode, c.Territory
}

// frenchDay writes a stored "2006-01-02" as "15 juin 2027".
func frenchDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return french.Day(t.Year(), t.Month(), t.Day())
}

// Get returns one control.
func (s *ControlService) Get(ctx context.Context, id string) (*models.Control, error) {
	return findByID(ctx, id, s.Controls.Get)
}

// RecordResult records a held control's outcome, findings and follow-up.
// Recording the same result again answers it; another one is refused.
func (s *ControlService) RecordResult(ctx context.Context, id string, req ResultRequest) (ControlView, error) {
	ctl, err := s.Get(ctx, id)
	if err != nil {
		return ControlView{}, err
	}
	funded, err := s.fundingOf(ctx, ctl)
	if err != nil {
		return ControlView{}, err
	}
	r, fields := req.check(s.today(), ctl, funded)
	if len(fields) > 0 {
		return ControlView{}, ValidationProblem(fields)
	}
	err = s.Controls.RecordResult(ctx, ctl.ID, r)
	if errors.Is(err, store.ErrConflict) {
		done, getErr := s.Controls.Get(ctx, ctl.ID)
		if getErr != nil {
			return ControlView{}, getErr
		}
		if done.Outcome == r.Outcome && done.Findings == r.Findings && done.FollowUpKind == r.FollowUpKind &&
			done.FollowUpAmountCents == r.FollowUpAmountCents {
			return controlView(done), nil // the same result, sent again
		}
		return ControlView{}, &Problem{Status: http.StatusConflict, Code: "control_already_done",
			Message: fmt.Sprintf("Le résultat de ce contrôle est déjà enregistré (%s le %s).", control.OutcomeLabel(done.Outcome), frenchDay(done.DoneOn))}
	}
	if err != nil {
		return ControlView{}, err
	}
	done, err := s.Controls.Get(ctx, ctl.ID)
	if err != nil {
		return ControlView{}, err
	}
	if err := s.signalUpdated(ctx, done); err != nil {
		return ControlView{}, err
	}
	return controlView(done), nil
}

// TrackFollowUp moves a control's follow-up to in_progress or closed. Sending
// the state it is in again answers it; a closed follow-up does not reopen.
func (s *ControlService) TrackFollowUp(ctx context.Context, id string, req FollowUpRequest) (ControlView, error) {
	ctl, err := s.Get(ctx, id)
	if err != nil {
		return ControlView{}, err
	}
	status, recovered, updates, fields := req.check(s.today(), ctl)
	if len(fields) > 0 {
		return ControlView{}, ValidationProblem(fields)
	}
	switch ctl.FollowUpState {
	case models.FollowUpStateNone:
		return ControlView{}, &Problem{Status: http.StatusConflict, Code: "no_follow_up",
			Message: "Ce contrôle n'appelle aucune suite (contrôle " + control.StateLabel(ctl.State) + ", suite : " + control.FollowUpLabel(ctl.FollowUpKind) + ")."}
	case models.FollowUpStateClosed:
		if status == models.FollowUpStateClosed && (req.RecoveredEUR == "" || recovered == ctl.RecoveredCents) {
			return controlView(ctl), nil // the same closure, sent again
		}
		return ControlView{}, &Problem{Status: http.StatusConflict, Code: "follow_up_closed",
			Message: "La suite de ce contrôle est soldée depuis le " + frenchDay(ctl.FollowUpClosedOn) + "."}
	}
	from := []string{models.FollowUpStateOpen, models.FollowUpStateInProgress}
	if err := s.Controls.UpdateFollowUp(ctx, ctl.ID, from, updates); errors.Is(err, store.ErrConflict) {
		return ControlView{}, &Problem{Status: http.StatusConflict, Code: "follow_up_closed", Message: "La suite de ce contrôle vient d'être soldée."}
	} else if err != nil {
		return ControlView{}, err
	}
	updated, err := s.Controls.Get(ctx, ctl.ID)
	if err != nil {
		return ControlView{}, err
	}
	if err := s.signalUpdated(ctx, updated); err != nil {
		return ControlView{}, err
	}
	return controlView(updated), nil
}

// List returns the controls of a year and region (either may be left out).
func (s *ControlService) List(ctx context.Context, f store.ControlFilter) ([]ControlView, error) {
	rows, err := s.Controls.List(ctx, f)
	if err != nil {
		return nil, err
	}
	out := make([]ControlView, len(rows))
	for i := range rows {
		out[i] = controlView(&rows[i])
	}
	return out, nil
}

// Synthesis returns the region's synthesis workbook of the year as it stands now.
func (s *ControlService) Synthesis(ctx context.Context, year int, region string) ([]byte, error) {
	if _, ok := territory.LookupRegion(region); !ok {
		return nil, errNotFound
	}
	lines, err := s.Controls.SynthesisLines(ctx, year, region)
	if err != nil {
		return nil, err
	}
	return workbook.ControlSynthesis(year, region, lines)
}
