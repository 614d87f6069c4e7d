package api

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"github.com/google/uuid"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/rules/territory"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// CTAIService files the collectivités' CTAI requests (§3), starts the
// workflow that proposes an opinion on each, passes DIAN's opinion to it, and
// reads the requests from the database.
type CTAIService struct {
	Temporal client.Client
	Requests *store.CTAIRequests
	Policies *policy.Set
	// MailRetryFor is passed to each request's workflow (AAP_MAIL_RETRY_FOR).
	MailRetryFor time.Duration
	Now          func() time.Time
	Logger       *slog.Logger
}

// CTAIFiled is a filed or replayed request.
type CTAIFiled struct {
	Request  *models.CTAIRequest
	Replayed bool
}

// File validates the request, stores it and starts its workflow. A refused or
// late request writes nothing. The same collectivité, year and kind is one
// request: the same body again returns it, another body is a 409.
func (s *CTAIService) File(ctx context.Context, body *CTAIRequestBody) (CTAIFiled, error) {
	now := s.Now()
	r, pol, fieldErrs := body.validate(now, s.Policies)
	if fieldErrs != nil {
		return CTAIFiled{}, ValidationProblem(fieldErrs)
	}
	canonical, err := json.Marshal(body)
	if err != nil {
		return CTAIFiled{}, err
	}
	r.ID = uuid.NewString()
	r.WorkflowID = workflows.CTAIWorkflowID(r.Year, r.ID)
	r.State = models.CTAIFiled
	r.FiledAt = now.UTC()
	r.RequestHash = hashBody(canonical)
	// The start intent is written with the row (see PendingStarts).
	r.WorkflowPending = true
	stored, created, err := s.Requests.Create(ctx, &r)
	if err != nil {
		return CTAIFiled{}, err
	}
	if !created && stored.RequestHash != r.RequestHash {
		return CTAIFiled{}, &Problem{Status: http.StatusConflict, Code: "ctai_already_filed",
			Message: fmt.Sprintf("%s a déjà déposé une demande de %s pour %d (%s), différente de celle-ci.",
				stored.CollectiviteName, ctai.KindLabel(stored.Kind), stored.Year, stored.ID)}
	}
	start := func() error { return s.start(ctx, stored, pol) }
	if err := startOrUndo(ctx, s.Logger, "ctai", stored.ID, created, start, s.Requests.Delete); err != nil {
		return CTAIFiled{}, err
	}
	clearIntent(ctx, s.Logger, "ctai", stored.ID, &stored.WorkflowPending, s.Requests.WorkflowStarted)
	return CTAIFiled{Request: stored, Replayed: !created}, nil
}

// StartPending starts the workflow of every CTAI request stored before storedBefore whose
// start intent is still pending, then clears the intent (see PendingStarts).
func (s *CTAIService) StartPending(ctx context.Context, storedBefore time.Time) (int, error) {
	rows, err := s.Requests.StartPending(ctx, storedBefore)
	if err != nil {
		return 0, err
	}
	start := func(r *models.CTAIRequest) error {
		pol, err := s.Policies.ForYear(r.Year)
		if err != nil {
			return err
		}
		return s.start(ctx, r, pol)
	}
	return startEach(ctx, s.Logger, "ctai", rows, func(r *models.CTAIRequest) string { return r.ID }, start, s.Requests.WorkflowStarted)
}

// start runs the request's workflow once; its search attributes carry no personal data.
func (s *CTAIService) start(ctx context.Context, r *models.CTAIRequest, pol policy.Policy) error {
	attrs := temporal.NewSearchAttributes(
		workflows.YearKey.ValueSet(int64(r.Year)),
		workflows.TerritoryKey.ValueSet(r.Territory),
		workflows.PhaseKey.ValueSet(workflows.CTAIPhaseFiled),
	)
	in := workflows.CTAIInput{RequestID: r.ID, Year: r.Year, Rules: pol.CTAI, MailRetryFor: s.MailRetryFor}
	return startOnce(ctx, s.Temporal, r.WorkflowID, attrs, workflows.CTAIWorkflow, in)
}

// CTAIView is a request as the API shows it, with its deadline.
type CTAIView struct {
	*models.CTAIRequest
	RequestedEUR string `json:"requested_eur"`
	// Deadline is the last day to file this kind of request for the year (§3.4).
	Deadline string `json:"deadline,omitempty"`
}

func (s *CTAIService) view(r *models.CTAIRequest) CTAIView {
	v := CTAIView{CTAIRequest: r, RequestedEUR: formatEuros(r.RequestedCents)}
	if r.Outcomes == nil {
		r.Outcomes = []ctai.Outcome{}
	}
	if pol, err := s.Policies.ForYear(r.Year); err == nil {
		d := ctai.Deadline(r.Kind, r.Year, pol.Calendar)
		v.Deadline = fmt.Sprintf("%04d-%02d-%02d", d.Year, d.Month, d.Day)
	}
	return v
}

// Get returns one request.
func (s *CTAIService) Get(ctx context.Context, id string) (CTAIView, error) {
	r, err := findByID(ctx, id, s.Requests.Get)
	if err != nil {
		return CTAIView{}, err
	}
	return s.view(r), nil
}

// Summary is the monthly summary table of a year's requests (§3.4) as XLSX.
// A correspondent sees the requests of its department(s); DIAN every one.
func (s *CTAIService) Summary(ctx context.Context, year int, scope store.Scope) ([]byte, error) {
	all, err := s.Requests.ListYear(ctx, year)
	if err != nil {
		return nil, err
	}
	var rows []models.CTAIRequest
	for _, r := range all {
		if scope.Covers(models.LevelDepartmental, r.Territory) {
			rows = append(rows, r)
		}
	}
	return workbook.CTAISummary(rows)
}

type ctaiHandlers struct{ svc *CTAIService }

// file answers POST /api/v1/ctai.
func (h ctaiHandlers) file(c *gin.Context) {
	var body CTAIRequestBody
	if _, ok := bindJSON(c, &body); !ok {
		return
	}
	// A correspondent files for its own department (an unknown one is a 422 below).
	if _, known := territory.LookupDepartment(strings.TrimSpace(body.Territory)); known &&
		!requireManage(c, models.LevelDepartmental, strings.TrimSpace(body.Territory)) {
		return
	}
	res, err := h.svc.File(c.Request.Context(), &body)
	if err != nil {
		respondError(c, err)
		return
	}
	respondCreated(c, res.Replayed, "/api/v1/ctai/"+res.Request.ID, h.svc.view(res.Request))
}

// get answers GET /api/v1/ctai/{id}, and GET /api/v1/ctai/{year}.xlsx, the
// year's summary table (one route: gin cannot tell the two apart by pattern).
func (h ctaiHandlers) get(c *gin.Context) {
	id := c.Param("id")
	if yearText, ok := strings.CutSuffix(id, ".xlsx"); ok {
		year, err := strconv.Atoi(yearText)
		if err != nil || year < 2000 || year > 9999 {
			respondError(c, errNotFound)
			return
		}
		data, err := h.svc.Summary(c.Request.Context(), year, *readScope(c))
		if err != nil {
			respondError(c, err)
			return
		}
		sendXLSX(c, fmt.Sprintf("ctai-%d.xlsx", year), data)
		return
	}
	v, err := h.svc.Get(c.Request.Context(), id)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, v)
}

func registerCTAI(v1 *gin.RouterGroup, svc *CTAIService) {
	h := ctaiHandlers{svc: svc}
	v1.POST("/ctai", h.file)
	v1.GET("/ctai/:id", h.get)
	v1.POST("/ctai/:id/opinion", h.opinion)
}
