package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// PNEService reads a year's PNE (§8.4) from the database and records answers.
type PNEService struct {
	Structures *store.PNEStructures
	Policies   *policy.Set
	Now        func() time.Time
	Logger     *slog.Logger
	// LimeSurvey: the questionnaire is on LimeSurvey (AAP_LIMESURVEY_URL); the summary then
	// shows the connector's state, asked of the year's PNE workflow through Temporal.
	LimeSurvey bool
	Temporal   client.Client
}

// PNERate is a response rate; Percent is rounded down to one decimal.
type PNERate struct {
	Code       string  `json:"code,omitempty"`
	Name       string  `json:"name,omitempty"`
	Structures int     `json:"structures"`
	Answered   int     `json:"answered"`
	Percent    float64 `json:"response_percent"`
}

// PNESummary answers GET /api/v1/pne/{year}.
type PNESummary struct {
	Year          int       `json:"year"`
	TargetPercent int       `json:"target_percent"`
	Overall       PNERate   `json:"overall"`
	ByRegion      []PNERate `json:"by_region"`
	ByDepartment  []PNERate `json:"by_department"`
	// LimeSurvey is the connector's state (participants added, answers read, last read and
	// error), when LimeSurvey is configured and the year's workflow answers.
	LimeSurvey *workflows.LimeSurveyState `json:"limesurvey,omitempty"`
}

// PNEList answers GET /api/v1/pne/{year}/structures.
type PNEList struct {
	Year     int                   `json:"year"`
	Items    []models.PNEStructure `json:"items"`
	Total    int                   `json:"total"`
	Problems []store.PNEProblem    `json:"problems"`
}

// Summary counts the answers of a year overall, by region and by department,
// among the structures inside scope (a correspondent's territory).
func (s *PNEService) Summary(ctx context.Context, year int, scope store.Scope) (PNESummary, error) {
	pol, err := s.Policies.ForYear(year)
	if err != nil {
		return PNESummary{}, errNotFound
	}
	rates, err := s.Structures.RatesIn(ctx, year, scope)
	if err != nil {
		return PNESummary{}, err
	}
	out := PNESummary{Year: year, TargetPercent: pol.PNE.TargetResponsePercent, Overall: rateOf(rates.Overall, ""),
		ByRegion: []PNERate{}, ByDepartment: []PNERate{}}
	for _, r := range rates.ByRegion {
		reg, _ := territory.LookupRegion(r.Code)
		out.ByRegion = append(out.ByRegion, rateOf(r, reg.Name))
	}
	for _, r := range rates.ByDepartment {
		dep, _ := territory.LookupDepartment(r.Code)
		out.ByDepartment = append(out.ByDepartment, rateOf(r, dep.Name))
	}
	out.LimeSurvey = s.limeSurveyState(ctx, year)
	return out, nil
}

// limeSurveyState asks the year's PNE workflow how its LimeSurvey connector goes; nil
// when LimeSurvey is not configured or the workflow cannot be asked (logged).
func (s *PNEService) limeSurveyState(ctx context.Context, year int) *workflows.LimeSurveyState {
	if !s.LimeSurvey || s.Temporal == nil {
		return nil
	}
	st, err := queryState[workflows.PNEState](ctx, s.Temporal, workflows.PNEWorkflowID(year), workflows.QueryPNEState)
	if err != nil {
		s.Logger.Warn("PNE state query failed; LimeSurvey's state not shown", "year", year, "error", err)
		return nil
	}
	return &st.LimeSurvey
}

func rateOf(r store.PNERate, name string) PNERate {
	out := PNERate{Code: r.Code, Name: name, Structures: r.Structures, Answered: r.Answered}
	if r.Structures > 0 {
		out.Percent = float64(r.Answered*1000/r.Structures) / 10
	}
	return out
}

// List returns the year's structures and the problems a correspondent must fix.
func (s *PNEService) List(ctx context.Context, year int, scope store.Scope) (PNEList, error) {
	rows, err := s.Structures.ListIn(ctx, year, scope)
	if err != nil {
		return PNEList{}, err
	}
	problems := store.PNEProblems(rows)
	refused, err := s.Structures.RefusedMailings(ctx, year, rows)
	if err != nil {
		return PNEList{}, err
	}
	problems = append(problems, refused...)
	if problems == nil {
		problems = []store.PNEProblem{}
	}
	if rows == nil {
		rows = []models.PNEStructure{}
	}
	return PNEList{Year: year, Items: rows, Total: len(rows), Problems: problems}, nil
}

// PNEAnswerRequest is the body of PUT /api/v1/pne/{year}/structures/{id}.
type PNEAnswerRequest struct {
	Answered *bool `json:"answered"`
	// AnsweredAt defaults to now; RFC 3339.
	AnsweredAt string `json:"answered_at"`
}

// RecordAnswer records (or withdraws) a structure's answer, as a correspondent's
// confirmation (§8.4: the correspondent's « suivi actif »); an answer dated after the
// closure is kept as late. The database is the truth: the year's workflow reads who
// has not answered when reminders leave.
func (s *PNEService) RecordAnswer(ctx context.Context, year int, id uint64, req *PNEAnswerRequest) (*models.PNEStructure, error) {
	v := &validation{}
	if req.Answered == nil {
		v.add("answered", "required", "obligatoire : true si la structure a répondu, false sinon")
	}
	var at *time.Time
	if req.AnsweredAt != "" {
		t, err := time.Parse(time.RFC3339, req.AnsweredAt)
		switch {
		case err != nil:
			v.add("answered_at", "format", "date et heure RFC 3339 attendues, par exemple 2027-04-02T10:00:00+02:00")
		case t.After(s.Now()):
			v.add("answered_at", "not_future", "la date de réponse ne peut pas être dans le futur")
		case req.Answered != nil && !*req.Answered:
			v.add("answered_at", "without_answer", "une date de réponse n'a de sens que si answered vaut true")
		default:
			at = &t
		}
	}
	if v.failed() {
		return nil, ValidationProblem(v.errs)
	}
	undated := *req.Answered && at == nil
	if undated {
		now := s.Now()
		at = &now
	}
	row, err := s.Structures.ConfirmAnswer(ctx, year, id, at, store.AnswerByCorrespondent, s.closure(year))
	if errors.Is(err, store.ErrConflict) {
		// « It has answered », without a date, is true of an answer recorded meanwhile.
		if row, getErr := s.Structures.Get(ctx, year, id); undated && getErr == nil && row.AnsweredAt != nil {
			return row, nil
		}
		return nil, errPNEAnswerRecorded
	}
	if err != nil {
		return nil, storeError(err)
	}
	return row, nil
}

// closure is when the year's questionnaire closes and whether an answer after it counts
// (the year's policy); the zero value when no policy or calendar covers the year.
func (s *PNEService) closure(year int) store.PNEClosure {
	pol, err := s.Policies.ForYear(year)
	if err != nil {
		return store.PNEClosure{}
	}
	_, _, closeAt, _, ok := workflows.PNESchedule(year, pol)
	if !ok {
		return store.PNEClosure{}
	}
	return store.PNEClosure{At: closeAt, LateAnswersCount: pol.PNE.LateAnswersCount}
}

// Declare records the association's own « j'ai répondu » (its link): a declaration,
// shown as such, that the questionnaire's export or a correspondent confirms.
func (s *PNEService) Declare(ctx context.Context, year int, id uint64) (*models.PNEStructure, error) {
	row, err := s.Structures.Declare(ctx, year, id, s.Now())
	if err != nil {
		return nil, storeError(err)
	}
	return row, nil
}

// errPNEAnswerRecorded: one answer wins; another is recorded after a withdrawal ({"answered": false}).
var errPNEAnswerRecorded = &Problem{Status: http.StatusConflict, Code: "pne_answer_already_recorded",
	Message: "Une autre réponse au questionnaire PNE est déjà enregistrée pour cette structure ; pour la corriger, retirez-la d'abord (answered: false)."}

type pneHandlers struct{ svc *PNEService }

// yearParam reads {year}; a year that is not a number is an unknown resource.
func yearParam(c *gin.Context) (int, bool) {
	year, err := strconv.Atoi(c.Param("year"))
	if err != nil || year < 2000 || year > 9999 {
		respondError(c, errNotFound)
		return 0, false
	}
	return year, true
}

// structureParams reads the year and the structure's ID of /pne/{year}/structures/{id}; 404 if either is malformed.
func structureParams(c *gin.Context) (year int, id uint64, ok bool) {
	if year, ok = yearParam(c); !ok {
		return 0, 0, false
	}
	id, err := strconv.ParseUint(c.Param("id"), 10, 64)
	if err != nil {
		respondError(c, errNotFound)
		return 0, 0, false
	}
	return year, id, true
}

// summary answers GET /api/v1/pne/{year}.
func (h pneHandlers) summary(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	res, err := h.svc.Summary(c.Request.Context(), year, *readScope(c))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// structures answers GET /api/v1/pne/{year}/structures.
func (h pneHandlers) structures(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	res, err := h.svc.List(c.Request.Context(), year, *readScope(c))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}

// answer answers PUT /api/v1/pne/{year}/structures/{id}.
func (h pneHandlers) answer(c *gin.Context) {
	year, id, ok := structureParams(c)
	if !ok {
		return
	}
	var req PNEAnswerRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	row, err := h.svc.RecordAnswer(c.Request.Context(), year, id, &req)
	if err != nil {
		respondError(c, fmt.Errorf("PNE answer: %w", err))
		return
	}
	c.JSON(http.StatusOK, row)
}

// ListXLSX is the year's list as the instruction asks for it (§8.4): each
// structure's name, number of funded actions and one unique email, the rows to
// fix flagged and listed on a second sheet.
func (s *PNEService) ListXLSX(ctx context.Context, year int, scope store.Scope) ([]byte, error) {
	list, err := s.List(ctx, year, scope)
	if err != nil {
		return nil, err
	}
	return workbook.PNEList(list.Items, list.Problems)
}

// PNEEmailRequest is the body of PATCH /api/v1/pne/{year}/structures/{id}.
type PNEEmailRequest struct {
	Email string `json:"email"`
}

// What can no longer be done once the year's questionnaire left.
const (
	closedToCorrections = "l'adresse d'une structure ne peut plus être corrigée"
	closedToAdditions   = "la liste est close, une structure ne peut plus y être ajoutée"
)

// checkListOpen answers 409 pne_invitations_sent, saying what is closed, once the
// year's invitations are due by its policy's calendar or recorded as sent.
func (s *PNEService) checkListOpen(ctx context.Context, year int, closed string) error {
	if pol, err := s.Policies.ForYear(year); err == nil {
		if _, sendAt, _, _, ok := workflows.PNESchedule(year, pol); ok && !s.Now().Before(sendAt) {
			return errPNEInvitationsSent(year, sendAt, closed)
		}
	}
	sent, err := s.Structures.InvitationsSent(ctx, year)
	if err == nil && sent {
		return errPNEInvitationsSent(year, time.Time{}, closed)
	}
	return err
}

// checkEmailUnique refuses an address another structure of the year (not except) has
// (§8.4: « une adresse mail unique »).
func (s *PNEService) checkEmailUnique(ctx context.Context, year int, email string, except uint64) error {
	rows, err := s.Structures.List(ctx, year)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if r.ID != except && strings.EqualFold(r.Email, email) {
			return ValidationProblem([]FieldError{{Field: "email", Rule: "unique",
				Message: fmt.Sprintf("adresse déjà celle de %s : une adresse unique par structure est attendue", r.AssociationName)}})
		}
	}
	return nil
}

// errPNEInvitationsSent: the questionnaire left (at, when known), so what closed is closed.
func errPNEInvitationsSent(year int, at time.Time, closed string) *Problem {
	when := "déjà"
	if !at.IsZero() {
		when = "le " + french.DateTime(at)
	}
	return &Problem{Status: http.StatusConflict, Code: "pne_invitations_sent",
		Message: fmt.Sprintf("Les invitations au questionnaire %s sont parties %s : %s.", selection.PNEName(year), when, closed)}
}

// CorrectEmail corrects a structure's address before the invitations leave
// (§8.4: one unique address per structure). An address another structure of
// the year uses is refused.
func (s *PNEService) CorrectEmail(ctx context.Context, year int, id uint64, req *PNEEmailRequest) (*models.PNEStructure, error) {
	email := strings.TrimSpace(req.Email)
	v := &validation{}
	checkEmail(v, "email", email)
	if v.failed() {
		return nil, ValidationProblem(v.errs)
	}
	if _, err := s.Structures.Get(ctx, year, id); err != nil {
		return nil, storeError(err)
	}
	if err := s.checkListOpen(ctx, year, closedToCorrections); err != nil {
		return nil, err
	}
	if err := s.checkEmailUnique(ctx, year, email, id); err != nil {
		return nil, err
	}
	row, err := s.Structures.UpdateEmail(ctx, year, id, email)
	if err != nil {
		return nil, storeError(err)
	}
	return row, nil
}

// structuresXLSX answers GET /api/v1/pne/{year}/structures.xlsx.
func (h pneHandlers) structuresXLSX(c *gin.Context) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	data, err := h.svc.ListXLSX(c.Request.Context(), year, *readScope(c))
	if err != nil {
		respondError(c, err)
		return
	}
	sendXLSX(c, fmt.Sprintf("pne-%d-structures.xlsx", year), data)
}

// correctEmail answers PATCH /api/v1/pne/{year}/structures/{id}.
func (h pneHandlers) correctEmail(c *gin.Context) {
	year, id, ok := structureParams(c)
	if !ok {
		return
	}
	var req PNEEmailRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	row, err := h.svc.CorrectEmail(c.Request.Context(), year, id, &req)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, row)
}

func registerPNE(v1 *gin.RouterGroup, svc *PNEService) {
	h := pneHandlers{svc: svc}
	v1.GET("/pne/:year", h.summary)
	v1.GET("/pne/:year/structures", h.structures)
	v1.POST("/pne/:year/structures", h.addStructure)
	v1.PUT("/pne/:year/structures/:id", h.answer)
	v1.POST("/pne/:year/responses", h.importAnswers)
	v1.POST("/pne/:year/results", h.importHistory)
	v1.GET("/pne/:year/structures.xlsx", h.structuresXLSX)
	v1.PATCH("/pne/:year/structures/:id", h.correctEmail)
}

// pneDeclaredMessage thanks an association for its declaration, and says what confirms it.
const pneDeclaredMessage = "Merci : votre déclaration de réponse au questionnaire PNE est enregistrée. Elle sera confirmée par l'export du questionnaire ou par votre correspondant."
