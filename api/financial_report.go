package api

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
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
	// FiscalYear is the year the report accounts for: a CPO's tranche (required), an
	// annual convention's year (optional).
	FiscalYear *int `json:"fiscal_year"`
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
	AmountEUR      string `json:"amount_eur"`
	SpentEUR       string `json:"spent_eur"`
	SubsidyUsedEUR string `json:"subsidy_used_eur"`
	DueDate        string `json:"due_date"`
	// State is awaited, received or missing (overdue past the last reminder, blocking renewal).
	State string `json:"state"`
}

// Report states as FinancialReportView shows them.
const (
	reportAwaited  = "awaited"
	reportReceived = "received"
	reportMissing  = "missing"
)

func financialReportView(r *models.FinancialReport) FinancialReportView {
	state := reportAwaited
	switch {
	case r.ReceivedAt != nil:
		state = reportReceived
	case r.Overdue:
		state = reportMissing
	}
	return FinancialReportView{FinancialReport: r, AmountEUR: formatEuros(r.AmountCents), SpentEUR: formatEuros(r.SpentCents),
		SubsidyUsedEUR: formatEuros(r.SubsidyUsedCents), DueDate: r.DueAt.In(french.Paris).Format("2006-01-02"), State: state}
}

// expectedReport is the report of the year the request names among those the
// convention owes (a CPO: its tranches, §8.2, §8.4); it adds the field's error otherwise.
func expectedReport(v *validation, conv *models.Convention, expected []*models.FinancialReport, year *int) *models.FinancialReport {
	if year == nil {
		if conv.Kind == convention.CPO {
			v.add("fiscal_year", "required", "obligatoire pour une convention pluriannuelle : l'année de la tranche dont le compte-rendu financier est envoyé (%s)", reportYears(expected))
			return nil
		}
		return expected[0]
	}
	for _, r := range expected {
		if r.FiscalYear == *year {
			return r
		}
	}
	if conv.Kind == convention.CPO {
		v.add("fiscal_year", "one_of", "la convention pluriannuelle n'a pas de tranche %d : ses tranches portent sur %s", *year, reportYears(expected))
	} else {
		v.add("fiscal_year", "one_of", "la convention porte sur l'exercice %d, pas %d", expected[0].FiscalYear, *year)
	}
	return nil
}

// reportYears lists the reports' years in French: « 2027, 2028 ou 2029 ».
func reportYears(reports []*models.FinancialReport) string {
	years := make([]string, len(reports))
	for i, r := range reports {
		years[i] = strconv.Itoa(r.FiscalYear)
	}
	if len(years) < 2 {
		return strings.Join(years, "")
	}
	return strings.Join(years[:len(years)-1], ", ") + " ou " + years[len(years)-1]
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
	expected := expectedReport(v, conv, convention.ExpectedReports(app, c, conv), req.FiscalYear)
	spent := checkEuros(v, "spent_eur", req.SpentEUR)
	used := checkEurosAllowZero(v, "subsidy_used_eur", req.SubsidyUsedEUR)
	if !v.failed() && used > spent {
		v.add("subsidy_used_eur", "max", "la part de la subvention employée (%s) ne peut dépasser les dépenses réalisées (%s)", french.Euros(used), french.Euros(spent))
	}
	if !v.failed() && used > expected.AmountCents {
		granted := "la subvention accordée"
		if expected.Tranche > 0 {
			granted = fmt.Sprintf("la tranche %d", expected.FiscalYear)
		}
		v.add("subsidy_used_eur", "max", "la part de la subvention employée (%s) ne peut dépasser %s (%s)", french.Euros(used), granted, french.Euros(expected.AmountCents))
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
	report, first, err := s.Reports.Receive(ctx, expected, store.Receipt{
		At: s.Now(), SpentCents: spent, SubsidyUsedCents: used, DocumentReference: ref,
	})
	if errors.Is(err, store.ErrReportDiffers) {
		return FinancialReportView{}, false, &Problem{Status: http.StatusConflict, Code: "financial_report_already_received",
			Message: "Un compte-rendu financier différent a déjà été reçu pour " + reportTarget(report) + " le " + report.ReceivedAt.In(french.Paris).Format("02/01/2006") + " ; il fait foi."}
	}
	if err != nil {
		return FinancialReportView{}, false, err
	}
	// The database is the truth the reminders and the missing record read; the
	// signal only stops the timers sooner. A workflow that has ended has nothing to stop.
	if err := s.Temporal.SignalWorkflow(ctx, app.WorkflowID, "", workflows.SignalFinancialReport, report.FiscalYear); err != nil {
		if !workflowEnded(err) {
			s.Logger.Warn("financial report recorded; dossier workflow not signalled", "convention", conv.ID, "error", err)
		}
	}
	return financialReportView(report), !first, nil
}

// reportTarget says which report: « cette convention », or « la tranche 2028 de cette convention ».
func reportTarget(r *models.FinancialReport) string {
	if r.Tranche == 0 {
		return "cette convention"
	}
	return fmt.Sprintf("la tranche %d de cette convention", r.FiscalYear)
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
