package api

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/dian-p104/aap/internal/french"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/textinput"
)

// PNEImportResult answers POST /api/v1/pne/{year}/responses.
type PNEImportResult struct {
	Year int `json:"year"`
	// Lines is the number of answers in the file; Recorded those new (a structure already answered keeps its date).
	Lines    int `json:"lines"`
	Recorded int `json:"recorded"`
}

// ImportAnswers reads a CSV export of the questionnaire's answers (LimeSurvey:
// comma or semicolon separated, a header line) naming each structure by a
// "token" or an "email" column, with an optional "submitdate" or "answered_at"
// column (RFC 3339, or "2006-01-02 15:04:05" in Paris time; default now). It is
// all or nothing: one unknown line and nothing is recorded, every such line reported.
// The workflow is not signalled: its reminders read the answers from the database.
func (s *PNEService) ImportAnswers(ctx context.Context, year int, body []byte) (PNEImportResult, error) {
	rows, fieldErrs := parseAnswersCSV(body, s.Now())
	if fieldErrs != nil {
		return PNEImportResult{}, ValidationProblem(fieldErrs)
	}
	recorded, problems, err := s.Structures.ImportAnswersFrom(ctx, year, rows, store.AnswerByImport, s.closure(year))
	if err != nil {
		return PNEImportResult{}, err
	}
	if len(problems) > 0 {
		fields := make([]FieldError, len(problems))
		for i, p := range problems {
			fields[i] = FieldError{Field: fmt.Sprintf("line %d", p.Line), Rule: p.Rule, Message: p.Message}
		}
		return PNEImportResult{}, &Problem{Status: http.StatusUnprocessableEntity, Code: "import_refused",
			Message: "Des lignes ne désignent aucune structure de l'année : rien n'a été enregistré.", Fields: fields}
	}
	return PNEImportResult{Year: year, Lines: len(rows), Recorded: recorded}, nil
}

func parseAnswersCSV(body []byte, now time.Time) ([]store.PNEImportRow, []FieldError) {
	lines, readErr := readCSVTable(body)
	if len(lines) == 0 {
		return nil, []FieldError{{Field: "line 1", Rule: "header", Message: "en-tête CSV attendu, avec une colonne token ou email"}}
	}
	header := lines[0].Cells
	col := map[string]int{}
	for i, h := range header {
		col[strings.ToLower(strings.TrimSpace(h))] = i
	}
	tokenCol, hasToken := col["token"]
	emailCol, hasEmail := col["email"]
	dateCol, hasDate := col["answered_at"]
	if !hasDate {
		dateCol, hasDate = col["submitdate"]
	}
	if !hasToken && !hasEmail {
		return nil, []FieldError{{Field: "line 1", Rule: "header", Message: "une colonne token ou email est obligatoire"}}
	}
	cell := func(rec []string, i int, ok bool) string {
		if !ok || i >= len(rec) {
			return ""
		}
		return strings.TrimSpace(rec[i])
	}
	var rows []store.PNEImportRow
	var errs []FieldError
	for _, l := range lines[1:] {
		rec, line := l.Cells, l.Number
		if refused := refusedCells(header, rec, line); len(refused) > 0 {
			errs = append(errs, refused...)
			continue
		}
		row := store.PNEImportRow{Line: line, Token: cell(rec, tokenCol, hasToken), Email: cell(rec, emailCol, hasEmail), AnsweredAt: now}
		if row.Token == "" && row.Email == "" {
			if strings.TrimSpace(strings.Join(rec, "")) == "" {
				continue // a blank line
			}
			errs = append(errs, FieldError{Field: "line " + strconv.Itoa(line), Rule: "required", Message: "ni jeton ni adresse"})
			continue
		}
		if d := cell(rec, dateCol, hasDate); d != "" {
			at, err := parseAnswerDate(d)
			if err != nil || at.After(now) {
				errs = append(errs, FieldError{Field: "line " + strconv.Itoa(line), Rule: "date",
					Message: fmt.Sprintf("date de réponse %q invalide ou future (RFC 3339 ou AAAA-MM-JJ HH:MM:SS)", d)})
				continue
			}
			row.AnsweredAt = at
		}
		rows = append(rows, row)
	}
	if readErr != nil {
		errs = append(errs, FieldError{Field: "line " + strconv.Itoa(tableErrorLine(readErr)), Rule: "csv", Message: "ligne CSV illisible"})
	}
	if len(errs) == 0 && len(rows) == 0 {
		errs = append(errs, FieldError{Field: "line 2", Rule: "required", Message: "aucune réponse dans le fichier"})
	}
	return rows, errs
}

// refusedCells refuses the cells of one CSV line holding a control character or
// invalid UTF-8 (textinput's rule, as every text the API takes): a file saved
// in Latin-1 is named, line by line, rather than looked up with broken text.
func refusedCells(header, rec []string, line int) []FieldError {
	var out []FieldError
	for i, v := range rec {
		name := "colonne " + strconv.Itoa(i+1)
		if i < len(header) && textinput.Check("", header[i]) == nil {
			name = "colonne " + strings.TrimSpace(header[i])
		}
		if r := textinput.Check(name, v); r != nil {
			out = append(out, FieldError{Field: "line " + strconv.Itoa(line), Rule: r.Rule, Message: name + " : " + r.Message})
		}
	}
	return out
}

func parseAnswerDate(s string) (time.Time, error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02 15:04:05", s, french.Paris)
}

// importAnswers answers POST /api/v1/pne/{year}/responses (a CSV body).
func (h pneHandlers) importAnswers(c *gin.Context) { importYearTable(c, h.svc.ImportAnswers) }

// importYearTable answers a POST of a year's table (its body) with what import made of it.
func importYearTable[R any](c *gin.Context, imp func(ctx context.Context, year int, body []byte) (R, error)) {
	year, ok := yearParam(c)
	if !ok {
		return
	}
	body, err := readBody(c)
	if err != nil {
		respondError(c, err)
		return
	}
	res, err := imp(c.Request.Context(), year, body)
	if err != nil {
		respondError(c, err)
		return
	}
	c.JSON(http.StatusOK, res)
}
