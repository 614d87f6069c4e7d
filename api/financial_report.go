package api

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/sdk/client"

	"github.com/dian-p104/aap/internal/convention"
	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/workflows"
)

// FinancialReportRequest is the body of POST /api/v1/conventions/{id}/financial-report:
// the compte-rendu financier (Cerfa n° 15059*02) of a signed convention (§8.4).
type FinancialReportRequest struct {
	// SpentEUR is what the action actually cost; SubsidyUsedEUR the part of the subsidy spent on it.
	SpentEUR       json.Number `json:"spent_eur"`
	SubsidyUsedEUR json.Number `json:"subsidy_used_eur"`
	// DocumentReference identifies the Cerfa received (a file name, a registered mail number).
	DocumentReference string `json:"document_reference"`
}

// FinancialReportService records comptes-rendus financiers.
type FinancialReportService struct {
	Temporal    client.Client
	Conventions *ConventionService
	Reports     *store.FinancialReports
	Now         func() time.Time
	Logger      *slog.Logger
}

// FinancialReportView is a compte-rendu financier as the API shows it.
type FinancialReportView struct {
	*models.FinancialReport
	SpentEUR       string `json:"spent_eur"`
	SubsidyUsedEUR string `json:"subsidy_used_eur"`
	DueDate        string `json:"due_date"`
}

func financialReportView(r *models.FinancialReport) FinancialReportView {
	return FinancialReportView{FinancialReport: r, SpentEUR: formatEuros(r.SpentCents), SubsidyUsedEUR: formatEuros(r.SubsidyUsedCents),
		DueDate: r.DueAt.In(french.Paris).Format("2006-01-02")}
}

// Record validates and records the report, lifts the renewal blocks it was the
// source of, and tells the dossier's workflow so that its reminders stop. The
// same report sent again answers the recorded one (replayed=true).
func (s *FinancialReportService) Record(ctx context.Context, conventionID string, req *FinancialReportRequest) (FinancialReportView, bool, error) {
	conv, app, c, err := s.Conventions.records(ctx, conventionID)
	if err != nil {
		return FinancialReportView{}, false, err
	}
	v := &validation{}
	spent := checkEuros(v, "spent_eur", req.SpentEUR)
	used := checkEurosAllowZero(v, "subsidy_used_eur", req.SubsidyUsedEUR)
	if !v.failed() && used > spent {
		v.add("subsidy_used_eur", "max", "la part de la subvention employée (%s) ne peut dépasser les dépenses réalisées (%s)", french.Euros(used), french.Euros(spent))
	}
	if !v.failed() && used > conv.GrantedCents {
		v.add("subsidy_used_eur", "max", "la part de la subvention employée (%s) ne peut dépasser la subvention accordée (%s)", french.Euros(used), french.Euros(conv.GrantedCents))
	}
	ref := strings.TrimSpace(req.DocumentReference)
	checkText(v, "document_reference", ref, 2, 200)
	if v.failed() {
		return FinancialReportView{}, false, ValidationProblem(v.errs)
	}
	if conv.State != models.ConventionSigned {
		return FinancialReportView{}, false, &Problem{Status: http.StatusConflict, Code: "convention_not_signed",
			Message: "Le compte-rendu financier suit une convention signée ; cette convention est " + models.ConventionLabel(conv.State) + "."}
	}
	report, first, err := s.Reports.Receive(ctx, convention.ExpectedReport(app, c, conv), store.Receipt{
		At: s.Now(), SpentCents: spent, SubsidyUsedCents: used, DocumentReference: ref,
	})
	if errors.Is(err, store.ErrReportDiffers) {
		return FinancialReportView{}, false, &Problem{Status: http.StatusConflict, Code: "financial_report_already_received",
			Message: "Un compte-rendu financier différent a déjà été reçu pour cette convention le " + report.ReceivedAt.In(french.Paris).Format("02/01/2006") + " ; il fait foi."}
	}
	if err != nil {
		return FinancialReportView{}, false, err
	}
	// The database is the truth the reminders and the missing record read; the
	// signal only stops the timers sooner. A workflow that has ended has nothing to stop.
	if err := s.Temporal.SignalWorkflow(ctx, app.WorkflowID, "", workflows.SignalFinancialReport, nil); err != nil {
		if !workflowEnded(err) {
			s.Logger.Warn("financial report recorded; dossier workflow not signalled", "convention", conv.ID, "error", err)
		}
	}
	return financialReportView(report), !first, nil
}

type financialReportHandlers struct{ svc *FinancialReportService }

// record answers POST /api/v1/conventions/{id}/financial-report.
func (h financialReportHandlers) record(c *gin.Context) {
	var req FinancialReportRequest
	if _, ok := bindJSON(c, &req); !ok {
		return
	}
	view, replayed, err := h.svc.Record(c.Request.Context(), c.Param("id"), &req)
	if err != nil {
		respondError(c, err)
		return
	}
	respondCreated(c, replayed, "/api/v1/conventions/"+view.ConventionID, view)
}
