package api

import (
	"context"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// ConventionService reads conventions and records their signature.
type ConventionService struct {
	Temporal     client.Client
	Conventions  *store.Conventions
	Applications *store.Applications
	Campaigns    *store.Campaigns
	// Reports holds the convention's compte-rendu financier, once expected or received.
	Reports *store.FinancialReports
}

// ConventionView is a convention as the API shows it.
type ConventionView struct {
	*models.Convention
	GrantedEUR         string `json:"granted_eur"`
	FinancialReportDue string `json:"financial_report_due"`
	DocumentURL        string `json:"document_url"`
	// FinancialReport is the (first) compte-rendu financier, once the workflow awaits it or it is received.
	FinancialReport *FinancialReportView `json:"financial_report,omitempty"`
	// TotalEUR is the sum of a CPO's tranches (its GrantedEUR being the first's); an annual convention's amount.
	TotalEUR string `json:"total_eur"`
	// FinancialReports are every compte-rendu financier the convention owes, a CPO's one per
	// yearly tranche (§8.2, §8.4), with its due date and state, whether stored yet or not.
	FinancialReports []FinancialReportView `json:"financial_reports"`
}

func (s *ConventionService) records(ctx context.Context, id string) (*models.Convention, *models.Application, *models.Campaign, error) {
	conv, err := findByID(ctx, id, s.Conventions.Get)
	if err != nil {
		return nil, nil, nil, err
	}
	app, err := s.Applications.Get(ctx, conv.ApplicationID)
	if err != nil {
		return nil, nil, nil, err
	}
	c, err := s.Campaigns.Get(ctx, conv.CampaignID)
	return conv, app, c, err
}

// Get returns one convention.
func (s *ConventionService) Get(ctx context.Context, id string) (ConventionView, error) {
	conv, app, c, err := s.records(ctx, id)
	if err != nil {
		return ConventionView{}, err
	}
	total := conv.GrantedCents
	if len(conv.Tranches) > 0 {
		total = 0
		for _, t := range conv.Tranches {
			total += t.MaxCents
		}
	}
	view := ConventionView{
		Convention: conv, GrantedEUR: formatEuros(conv.GrantedCents), TotalEUR: formatEuros(total),
		FinancialReportDue: convention.FromRecords(app, c, conv).FinancialReportDue().Format("2006-01-02"),
		DocumentURL:        "/api/v1/conventions/" + conv.ID + "/document",
	}
	stored, err := s.Reports.OfConvention(ctx, conv.ID)
	if err != nil {
		return ConventionView{}, err
	}
	byYear := map[int]*models.FinancialReport{}
	for i := range stored {
		byYear[stored[i].FiscalYear] = &stored[i]
	}
	for i, expected := range convention.ExpectedReports(app, c, conv) {
		r, ok := byYear[expected.FiscalYear]
		if !ok {
			r = expected
		}
		view.FinancialReports = append(view.FinancialReports, financialReportView(r))
		if ok && i == 0 {
			rv := financialReportView(r)
			view.FinancialReport = &rv
			view.FinancialReportDue = rv.DueDate
		}
	}
	return view, nil
}

// Document returns the convention's PDF, the same as the one sent for signature.
func (s *ConventionService) Document(ctx context.Context, id string) (*models.Convention, []byte, error) {
	conv, app, c, err := s.records(ctx, id)
	if err != nil {
		return nil, nil, err
	}
	pdf, err := convention.FromRecords(app, c, conv).PDF()
	return conv, pdf, err
}

// SignatureRequest is the body of POST /api/v1/conventions/{id}/signature.
type SignatureRequest struct {
	SignedBy string `json:"signed_by"`
}

// Sign records the signature through the dossier workflow's Update.
func (s *ConventionService) Sign(ctx context.Context, id string, req SignatureRequest) (ConventionView, error) {
	signedBy := strings.TrimSpace(req.SignedBy)
	v := &validation{}
	checkText(v, "signed_by", signedBy, 2, 300)
	if v.failed() {
		return ConventionView{}, ValidationProblem(v.errs)
	}
	conv, app, _, err := s.records(ctx, id)
	if err != nil {
		return ConventionView{}, err
	}
	notAwaiting := &Problem{Status: http.StatusConflict, Code: "convention_not_awaiting_signature",
		Message: "Cette convention n'attend pas de signature (convention " + models.ConventionLabel(conv.State) + ")."}
	if err := runUpdate(ctx, s.Temporal, workflowUpdate{
		WorkflowID: app.WorkflowID, Name: workflows.UpdateSignConvention, Arg: workflows.Signature{SignedBy: signedBy, Actor: store.ActorOf(ctx)},
		Refusals: refusals{workflows.ErrTypeConventionNotAwaiting: refusedWith(notAwaiting)},
		Ended:    notAwaiting,
	}, nil); err != nil {
		return ConventionView{}, err
	}
	return s.Get(ctx, id)
}

type conventionHandlers struct {
	svc *ConventionService
}

func (h conventionHandlers) get(c *gin.Context) {
	view, err := h.svc.Get(c.Request.Context(), c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

func (h conventionHandlers) document(c *gin.Context) {
	conv, pdf, err := h.svc.Document(c.Request.Context(), c.Param("id"))
	if err != nil {
		respondError(c, err)
		return
	}
	c.Header("Content-Disposition", `attachment; filename="convention-`+conv.Reference+`.pdf"`)
	c.Data(http.StatusOK, "application/pdf", pdf)
}

func (h conventionHandlers) sign(c *gin.Context) {
	var req SignatureRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	view, err := h.svc.Sign(c.Request.Context(), c.Param("id"), req)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}

// registerConventions registers a convention's routes, its compte-rendu financier included (§8.4).
func registerConventions(v1 *gin.RouterGroup, svc *ConventionService, reports *FinancialReportService) {
	h := conventionHandlers{svc: svc}
	v1.GET("/conventions/:id", h.get)
	v1.GET("/conventions/:id/document", h.document)
	v1.POST("/conventions/:id/signature", h.sign)
	v1.POST("/conventions/:id/financial-report", financialReportHandlers{svc: reports}.record)
}
