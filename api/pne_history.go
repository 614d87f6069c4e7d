package api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/rules/selection"
	"github.com/dian-p104/aap/internal/store"
)

// PNEHistoryResult answers POST /api/v1/pne/{year}/results.
type PNEHistoryResult struct {
	Year     int    `json:"year"`
	Name     string `json:"name"`
	Recorded int    `json:"recorded"`
}

// ImportHistory records the results of a PNE the engine did not run (§8.4: the 2024
// rule looks at the questionnaires of 2023 and 2024), from a CSV or XLSX file with a
// header line: "siret" and/or "rna" identify each structure, "repondu" (or
// "answered") says oui/non, "nom" (or "name") is kept in the audit. All or nothing:
// one bad line and nothing is recorded, every bad line named.
func (s *PNEService) ImportHistory(ctx context.Context, year int, body []byte) (PNEHistoryResult, error) {
	if year > s.Now().Year() {
		return PNEHistoryResult{}, ValidationProblem([]FieldError{{Field: "year", Rule: "not_future",
			Message: fmt.Sprintf("le questionnaire envoyé en %d n'a pas encore eu lieu", year)}})
	}
	lines, err := readTable(body)
	if err != nil {
		return PNEHistoryResult{}, ValidationProblem([]FieldError{{Field: "file", Rule: "format", Message: err.Error()}})
	}
	rows, fieldErrs := parseHistory(lines)
	if fieldErrs != nil {
		return PNEHistoryResult{}, &Problem{Status: http.StatusUnprocessableEntity, Code: "import_refused",
			Message: "Des lignes du fichier sont invalides : rien n'a été enregistré.", Fields: fieldErrs}
	}
	n, err := s.Structures.ImportHistory(ctx, year, rows)
	if errors.Is(err, store.ErrPNEYearRunHere) {
		return PNEHistoryResult{}, &Problem{Status: http.StatusConflict, Code: "pne_year_run_here",
			Message: fmt.Sprintf("Le questionnaire %s (envoyé en %d) a été conduit par l'application : ses résultats sont les siens et ne s'importent pas.", selection.PNEName(year), year)}
	}
	if err != nil {
		return PNEHistoryResult{}, err
	}
	return PNEHistoryResult{Year: year, Name: selection.PNEName(year), Recorded: n}, nil
}

// historyColumns are the accepted names of each column, lower case.
var historyColumns = map[string][]string{
	"siret": {"siret"}, "rna": {"rna"}, "name": {"nom", "name", "structure"},
	"answered": {"repondu", "répondu", "answered", "reponse", "réponse"},
}

// parseHistory reads the header and each line; line numbers are the file's (header = 1).
func parseHistory(lines []tableLine) ([]store.PNEHistoryRow, []FieldError) {
	if len(lines) == 0 {
		return nil, []FieldError{{Field: "line 1", Rule: "header", Message: "en-tête attendu : siret ou rna, et repondu"}}
	}
	col := map[string]int{}
	header := lines[0].Cells
	for i, h := range header {
		h = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		for name, aliases := range historyColumns {
			for _, a := range aliases {
				if h == a {
					col[name] = i
				}
			}
		}
	}
	_, hasSIRET := col["siret"]
	_, hasRNA := col["rna"]
	if _, ok := col["answered"]; !ok || (!hasSIRET && !hasRNA) {
		return nil, []FieldError{{Field: "line 1", Rule: "header", Message: "colonnes siret ou rna, et repondu obligatoires"}}
	}
	cell := func(rec []string, name string) string {
		i, ok := col[name]
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []store.PNEHistoryRow
	var errs []FieldError
	for _, l := range lines[1:] {
		rec, line := l.Cells, l.Number
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue
		}
		if refused := refusedCells(header, rec, line); len(refused) > 0 {
			errs = append(errs, refused...)
			continue
		}
		row, lineErrs := historyRow(line, cell(rec, "siret"), strings.ToUpper(cell(rec, "rna")), cell(rec, "name"), cell(rec, "answered"))
		errs = append(errs, lineErrs...)
		rows = append(rows, row)
	}
	if len(errs) == 0 && len(rows) == 0 {
		errs = append(errs, FieldError{Field: "line 2", Rule: "required", Message: "aucune structure dans le fichier"})
	}
	return rows, errs
}

// historyRow checks one line: a SIRET (with its key) or an RNA number, and a yes or no.
func historyRow(line int, siret, rna, name, answered string) (store.PNEHistoryRow, []FieldError) {
	field := "line " + strconv.Itoa(line)
	v := &validation{}
	checkAssociationID(v, siret, rna)
	var errs []FieldError
	for _, e := range v.errs {
		errs = append(errs, FieldError{Field: field, Rule: e.Rule, Message: e.Field + " : " + e.Message})
	}
	row := store.PNEHistoryRow{Line: line, SIRET: siret, RNA: rna, Name: name}
	switch strings.ToLower(answered) {
	case "oui", "o", "yes", "true", "1", "x":
		row.Answered = true
	case "non", "n", "no", "false", "0":
	default:
		errs = append(errs, FieldError{Field: field, Rule: "answered",
			Message: fmt.Sprintf("repondu : %q n'est ni oui ni non", answered)})
	}
	return row, errs
}

// importHistory answers POST /api/v1/pne/{year}/results (a CSV or XLSX body).
func (h pneHandlers) importHistory(c *gin.Context) { importYearTable(c, h.svc.ImportHistory) }
