package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

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
func (s *ControlService) today() string { return s.Now().In(policy.Paris).Format(time.DateOnly) }

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

// DoubtRequest is the body of POST /api/v1/conventions/{id}/doubts.
type DoubtRequest struct {
	Kind string `json:"kind"`
	Note string `json:"note"`
}

// FlagDoubt records a doubt on a signed convention: it puts the convention
// first among those to control. A kind is flagged once; again, it answers the first.
func (s *ControlService) FlagDoubt(ctx context.Context, conventionID string, req DoubtRequest) (*models.ConventionDoubt, bool, error) {
	v := &validation{}
	kind, note := strings.TrimSpace(req.Kind), strings.TrimSpace(req.Note)
	if kind == "" {
		v.add("kind", "required", "champ obligatoire : %s", strings.Join(control.DoubtKinds, " ou "))
	} else if kind != control.DoubtDelivery && kind != control.DoubtFunds {
		v.add("kind", "enum", "valeurs possibles : %s (doute sur la réalisation des actions ou sur l'utilisation des fonds)", strings.Join(control.DoubtKinds, ", "))
	}
	checkText(v, "note", note, 2, 2000)
	if v.failed() {
		return nil, false, ValidationProblem(v.errs)
	}
	conv, _, err := s.convention(ctx, conventionID)
	if err != nil {
		return nil, false, err
	}
	if conv.State != models.ConventionSigned {
		return nil, false, errNotSigned(conv)
	}
	d, created, err := s.Controls.AddDoubt(ctx, &models.ConventionDoubt{ConventionID: conv.ID, Kind: kind, Note: note})
	return d, !created, err
}

// Candidate is one convention of the ranking, as the API shows it.
type Candidate struct {
	Rank            int              `json:"rank"`
	ConventionID    string           `json:"convention_id"`
	Reference       string           `json:"reference"`
	AssociationName string           `json:"association_name"`
	ProjectTitle    string           `json:"project_title"`
	Department      string           `json:"department,omitempty"`
	GrantedCents    int64            `json:"granted_cents"`
	GrantedEUR      string           `json:"granted_eur"`
	Doubts          []string         `json:"doubts"`
	Reasons         []control.Reason `json:"reasons"`
	// ControlID and ControlState are set once the convention's control is planned.
	ControlID    string `json:"control_id,omitempty"`
	ControlState string `json:"control_state,omitempty"`
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
	byConvention := map[string]models.Control{}
	for _, c := range planned {
		byConvention[c.ConventionID] = c
	}
	out := Candidates{Year: year, Region: reg.Code, RegionName: reg.Name, Items: []Candidate{}}
	for _, r := range control.Rank(region, cands) {
		item := Candidate{Rank: r.Rank, ConventionID: r.ConventionID, Reference: r.Reference, AssociationName: r.AssociationName,
			ProjectTitle: r.ProjectTitle, Department: r.Department, GrantedCents: r.GrantedCents, GrantedEUR: formatEuros(r.GrantedCents),
			Doubts: append([]string{}, r.Doubts...), Reasons: r.Reasons}
		if c, ok := byConvention[r.ConventionID]; ok {
			item.ControlID, item.ControlState = c.ID, c.State
		}
		out.Items = append(out.Items, item)
	}
	return out, nil
}

// PlanRequest is the body of POST /api/v1/controls.
type PlanRequest struct {
	ConventionID string `json:"convention_id"`
	// PlannedOn is the visit's Paris calendar date, "2027-06-15".
	PlannedOn  string `json:"planned_on"`
	Controller string `json:"controller"`
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

// Plan records a control of a signed convention and starts (or signals) the
// region's control workflow, which tells the association the date. Planning the
// same control again answers the first and announces it again only if needed.
func (s *ControlService) Plan(ctx context.Context, req PlanRequest) (ControlView, bool, error) {
	v := &validation{}
	id, controller := strings.TrimSpace(req.ConventionID), strings.TrimSpace(req.Controller)
	if id == "" {
		v.add("convention_id", "required", "champ obligatoire")
	} else if _, err := uuid.Parse(id); err != nil {
		v.add("convention_id", "format", "identifiant de convention (UUID) attendu")
	}
	if checkDate(v, "planned_on", req.PlannedOn); !v.has("planned_on") && req.PlannedOn < s.today() {
		v.add("planned_on", "not_past", "la date du contrôle ne peut pas être passée (aujourd'hui : %s)", s.today())
	}
	checkText(v, "controller", controller, 2, 300)
	if v.failed() {
		return ControlView{}, false, ValidationProblem(v.errs)
	}
	conv, c, err := s.convention(ctx, id)
	if errors.Is(err, errNotFound) {
		return ControlView{}, false, ValidationProblem([]FieldError{{Field: "convention_id", Rule: "exists", Message: "convention inconnue"}})
	} else if err != nil {
		return ControlView{}, false, err
	}
	if conv.State != models.ConventionSigned {
		return ControlView{}, false, ValidationProblem([]FieldError{{Field: "convention_id", Rule: "signed",
			Message: "seule une convention signée peut être contrôlée (convention " + models.ConventionLabel(conv.State) + ")"}})
	}
	region, department := regionOf(c)
	if _, err := s.Controls.Synthesis(ctx, c.Year, region); err == nil {
		return ControlView{}, false, errSynthesisSent(c.Year)
	} else if !errors.Is(err, store.ErrNotFound) {
		return ControlView{}, false, err
	}
	stored, created, err := s.Controls.Plan(ctx, &models.Control{
		ID: uuid.NewString(), ConventionID: conv.ID, Year: c.Year, Region: region, Department: department,
		PlannedOn: req.PlannedOn, Controller: controller, State: models.ControlPlanned, FollowUpState: models.FollowUpStateNone,
	})
	if err != nil {
		return ControlView{}, false, err
	}
	if !created && (stored.PlannedOn != req.PlannedOn || stored.Controller != controller) {
		return ControlView{}, false, &Problem{Status: http.StatusConflict, Code: "control_already_planned",
			Message: fmt.Sprintf("Cette convention a déjà un contrôle prévu le %s par %s.", frenchDay(stored.PlannedOn), stored.Controller)}
	}
	// Signalled on every request: a first attempt that stored the control but
	// could not reach Temporal is completed by its resubmission; the outbox
	// sends the announcement of a date once.
	if err := s.signal(ctx, stored); err != nil {
		return ControlView{}, false, err
	}
	return controlView(stored), !created, nil
}

func errSynthesisSent(year int) *Problem {
	return &Problem{Status: http.StatusConflict, Code: "synthesis_sent",
		Message: fmt.Sprintf("La synthèse régionale des contrôles %d a déjà été envoyée à la DIAN : plus aucun contrôle ne peut y être ajouté.", year)}
}

// signal starts the region's control workflow if needed and tells it the control was planned.
func (s *ControlService) signal(ctx context.Context, c *models.Control) error {
	pol, err := s.policy(c.Year)
	if err != nil {
		return err
	}
	opts := client.StartWorkflowOptions{
		ID:        workflows.ControlWorkflowID(c.Year, c.Region),
		TaskQueue: workflows.TaskQueue,
		// One run per region and year: once the synthesis has gone, the workflow is not started again.
		WorkflowIDReusePolicy: enumspb.WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE,
		TypedSearchAttributes: temporal.NewSearchAttributes(
			workflows.YearKey.ValueSet(int64(c.Year)),
			workflows.TerritoryKey.ValueSet(c.Region),
			workflows.LevelKey.ValueSet(models.LevelRegional),
			workflows.PhaseKey.ValueSet(workflows.ControlPhaseScheduled),
		),
	}
	in := workflows.ControlInput{Year: c.Year, Region: c.Region, Policy: pol, MailRetryFor: s.MailRetryFor}
	_, err = s.Temporal.SignalWithStartWorkflow(ctx, opts.ID, workflows.SignalControlPlanned,
		workflows.ControlPlanned{ControlID: c.ID, PlannedOn: c.PlannedOn}, opts, workflows.ControlWorkflow, in)
	if alreadyStarted(err) {
		return errSynthesisSent(c.Year) // the region's workflow of the year has ended
	}
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

// regionOf is the region and department (empty for a regional call) of a call.
func regionOf(c *models.Campaign) (region, department string) {
	if c.Level == models.LevelRegional {
		return c.Territory, ""
	}
	dep, _ := territory.LookupDepartment(c.Territory)
	return dep.RegionCode, c.Territory
}

// checkDate checks a "2006-01-02" calendar date.
func checkDate(v *validation, field, value string) {
	if value == "" {
		v.add(field, "required", "champ obligatoire (date AAAA-MM-JJ)")
		return
	}
	if _, err := time.Parse(time.DateOnly, value); err != nil {
		v.add(field, "format", "date AAAA-MM-JJ attendue, par exemple 2027-06-15")
	}
}

// frenchDay writes a stored "2006-01-02" as "15 juin 2027".
func frenchDay(s string) string {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return s
	}
	return policy.Date{Year: t.Year(), Month: t.Month(), Day: t.Day()}.French()
}

// Get returns one control.
func (s *ControlService) Get(ctx context.Context, id string) (*models.Control, error) {
	return findByID(ctx, id, s.Controls.Get)
}

// FollowUpInput is the follow-up decided after a control.
type FollowUpInput struct {
	// Kind is aucune, reversement or mesures_correctives.
	Kind string `json:"kind"`
	// AmountEUR is the repayment asked (reversement only).
	AmountEUR json.Number `json:"amount_eur"`
}

// ResultRequest is the body of POST /api/v1/controls/{id}/result.
type ResultRequest struct {
	Outcome  string `json:"outcome"`
	Findings string `json:"findings"`
	// DoneOn defaults to today; the control cannot be held before its planned date nor in the future.
	DoneOn   string         `json:"done_on"`
	FollowUp *FollowUpInput `json:"follow_up"`
}

// RecordResult records a held control's outcome, findings and follow-up.
// Recording the same result again answers it; another one is refused.
func (s *ControlService) RecordResult(ctx context.Context, id string, req ResultRequest) (ControlView, error) {
	ctl, err := s.Get(ctx, id)
	if err != nil {
		return ControlView{}, err
	}
	conv, err := s.Conventions.Get(ctx, ctl.ConventionID)
	if err != nil {
		return ControlView{}, err
	}
	r, fields := s.checkResult(req, ctl, conv)
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
	return controlView(done), nil
}

func (s *ControlService) checkResult(req ResultRequest, ctl *models.Control, conv *models.Convention) (*models.Control, []FieldError) {
	v := &validation{}
	r := &models.Control{Outcome: strings.TrimSpace(req.Outcome), Findings: strings.TrimSpace(req.Findings), DoneOn: req.DoneOn}
	switch r.Outcome {
	case models.OutcomeCompliant, models.OutcomeNonCompliant:
	case "":
		v.add("outcome", "required", "champ obligatoire : conforme ou non_conforme")
	default:
		v.add("outcome", "enum", "valeurs possibles : conforme, non_conforme")
	}
	checkText(v, "findings", r.Findings, 2, 5000)
	if r.DoneOn == "" {
		r.DoneOn = s.today()
	}
	if checkDate(v, "done_on", r.DoneOn); !v.has("done_on") {
		switch {
		case r.DoneOn > s.today():
			v.add("done_on", "not_future", "un contrôle ne peut pas être enregistré avant d'avoir eu lieu (aujourd'hui : %s)", s.today())
		case r.DoneOn < ctl.PlannedOn:
			v.add("done_on", "before_planned", "le contrôle était prévu le %s : il ne peut pas avoir eu lieu avant", frenchDay(ctl.PlannedOn))
		}
	}
	f := FollowUpInput{Kind: models.FollowUpNone}
	if req.FollowUp != nil {
		f = *req.FollowUp
		f.Kind = strings.TrimSpace(f.Kind)
	}
	r.FollowUpKind, r.FollowUpState = f.Kind, models.FollowUpStateOpen
	switch f.Kind {
	case models.FollowUpNone:
		r.FollowUpState = models.FollowUpStateNone
		if r.Outcome == models.OutcomeNonCompliant {
			v.add("follow_up.kind", "required_if_non_conforme", "un contrôle non conforme appelle une suite : reversement ou mesures_correctives")
		}
	case models.FollowUpRepayment:
		if f.AmountEUR == "" {
			v.add("follow_up.amount_eur", "required", "montant du reversement demandé, en euros")
		} else if cents := checkEuros(v, "follow_up.amount_eur", f.AmountEUR); cents > conv.GrantedCents {
			v.add("follow_up.amount_eur", "max", "au plus le montant accordé par la convention (%s)", formatEuros(conv.GrantedCents))
		} else {
			r.FollowUpAmountCents = cents
		}
	case models.FollowUpCorrective:
	case "":
		v.add("follow_up.kind", "required", "champ obligatoire : aucune, reversement ou mesures_correctives")
	default:
		v.add("follow_up.kind", "enum", "valeurs possibles : aucune, reversement, mesures_correctives")
	}
	if f.Kind != models.FollowUpRepayment && f.AmountEUR != "" {
		v.add("follow_up.amount_eur", "forbidden", "un montant n'est attendu que pour un reversement")
	}
	return r, v.errs
}

// FollowUpRequest is the body of POST /api/v1/controls/{id}/follow-up.
type FollowUpRequest struct {
	// Status is in_progress or closed (soldée).
	Status string `json:"status"`
	Note   string `json:"note"`
	// RecoveredEUR is what the association repaid (reversement, when closed).
	RecoveredEUR json.Number `json:"recovered_eur"`
	// ClosedOn defaults to today when the status is closed.
	ClosedOn string `json:"closed_on"`
}

// TrackFollowUp moves a control's follow-up to in_progress or closed. Sending
// the state it is in again answers it; a closed follow-up does not reopen.
func (s *ControlService) TrackFollowUp(ctx context.Context, id string, req FollowUpRequest) (ControlView, error) {
	ctl, err := s.Get(ctx, id)
	if err != nil {
		return ControlView{}, err
	}
	v := &validation{}
	status, note := strings.TrimSpace(req.Status), strings.TrimSpace(req.Note)
	switch status {
	case models.FollowUpStateInProgress, models.FollowUpStateClosed:
	case "":
		v.add("status", "required", "champ obligatoire : in_progress ou closed")
	default:
		v.add("status", "enum", "valeurs possibles : in_progress (suite en cours), closed (suite soldée)")
	}
	if len([]rune(note)) > 2000 {
		v.add("note", "max_length", "au plus 2000 caractères")
	}
	updates := map[string]any{"follow_up_state": status}
	if note != "" {
		updates["follow_up_note"] = note
	}
	var recovered int64
	if req.RecoveredEUR != "" {
		switch {
		case status != models.FollowUpStateClosed:
			v.add("recovered_eur", "forbidden", "le montant recouvré s'indique quand la suite est soldée")
		case ctl.FollowUpKind != models.FollowUpRepayment:
			v.add("recovered_eur", "forbidden", "un montant recouvré n'a de sens que pour un reversement")
		default:
			if recovered = checkEurosAllowZero(v, "recovered_eur", req.RecoveredEUR); recovered > ctl.FollowUpAmountCents {
				v.add("recovered_eur", "max", "au plus le reversement demandé (%s)", formatEuros(ctl.FollowUpAmountCents))
			}
			updates["recovered_cents"] = recovered
		}
	}
	if req.ClosedOn != "" && status != models.FollowUpStateClosed {
		v.add("closed_on", "forbidden", "une date de clôture s'indique quand la suite est soldée")
	}
	if status == models.FollowUpStateClosed {
		closedOn := req.ClosedOn
		if closedOn == "" {
			closedOn = s.today()
		}
		if checkDate(v, "closed_on", closedOn); !v.has("closed_on") {
			if closedOn > s.today() {
				v.add("closed_on", "not_future", "la date de clôture ne peut pas être dans le futur")
			} else if closedOn < ctl.DoneOn {
				v.add("closed_on", "before_control", "la suite ne peut pas être soldée avant le contrôle (%s)", frenchDay(ctl.DoneOn))
			}
		}
		updates["follow_up_closed_on"] = closedOn
	}
	if v.failed() {
		return ControlView{}, ValidationProblem(v.errs)
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

type controlHandlers struct{ svc *ControlService }

func (h controlHandlers) flagDoubt(c *gin.Context) {
	var req DoubtRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	d, replayed, err := h.svc.FlagDoubt(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		respondError(c, err)
		return
	}
	respondCreated(c, replayed, "/api/v1/conventions/"+d.ConventionID, d)
}

// yearRegion reads /controls/{year}/{region}/….
func yearRegion(c *gin.Context) (int, string, bool) {
	year, ok := yearParam(c)
	return year, c.Param("region"), ok
}

func (h controlHandlers) candidates(c *gin.Context) {
	year, region, ok := yearRegion(c)
	if !ok {
		return
	}
	res, err := h.svc.Candidates(c.Request.Context(), year, region)
	if err != nil {
		respondError(c, err)
		return
	}
	if scope := readScope(c); !scope.Covers(models.LevelRegional, region) {
		// A department's correspondent sees its department's conventions, at their regional rank.
		items := []Candidate{}
		for _, it := range res.Items {
			if it.Department != "" && scope.Covers(models.LevelDepartmental, it.Department) {
				items = append(items, it)
			}
		}
		res.Items = items
	}
	c.JSON(http.StatusOK, res)
}

func (h controlHandlers) synthesis(c *gin.Context) {
	year, region, ok := yearRegion(c)
	if !ok {
		return
	}
	if !readScope(c).Covers(models.LevelRegional, region) {
		respondError(c, errNotFound) // the region's synthesis is its correspondent's and DIAN's
		return
	}
	data, err := h.svc.Synthesis(c.Request.Context(), year, region)
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="`+workbook.ControlSynthesisFileName(year, region)+`"`)
	c.Data(http.StatusOK, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", data)
}

func (h controlHandlers) plan(c *gin.Context) {
	var req PlanRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	if _, camp, err := h.svc.convention(c.Request.Context(), strings.TrimSpace(req.ConventionID)); err == nil &&
		!requireManage(c, camp.Level, camp.Territory) {
		return // a convention of another territory's call (an unknown one is a 422 below)
	}
	view, replayed, err := h.svc.Plan(c.Request.Context(), req)
	if err != nil {
		respondError(c, err)
		return
	}
	respondCreated(c, replayed, "/api/v1/controls/"+view.ID, view)
}

func (h controlHandlers) result(c *gin.Context) {
	var req ResultRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	view, err := h.svc.RecordResult(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

func (h controlHandlers) followUp(c *gin.Context) {
	var req FollowUpRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	view, err := h.svc.TrackFollowUp(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

// list answers GET /api/v1/controls?year=&region=.
func (h controlHandlers) list(c *gin.Context) {
	v := &validation{}
	f := store.ControlFilter{Year: positiveParam(c, v, "year"), Region: c.Query("region")}
	if _, ok := territory.LookupRegion(f.Region); f.Region != "" && !ok {
		v.add("region", "region", "code INSEE de région inconnu (par exemple 84 pour Auvergne-Rhône-Alpes)")
	}
	if v.failed() {
		respondError(c, ValidationProblem(v.errs))
		return
	}
	all, err := h.svc.List(c.Request.Context(), f)
	if err != nil {
		respondError(c, err)
		return
	}
	scope := readScope(c)
	items := []ControlView{}
	for _, v := range all {
		if scope.Covers(models.LevelRegional, v.Region) || (v.Department != "" && scope.Covers(models.LevelDepartmental, v.Department)) {
			items = append(items, v)
		}
	}
	c.JSON(http.StatusOK, gin.H{"items": items, "total": len(items)})
}
