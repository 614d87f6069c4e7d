package api

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"

	"github.com/dian-p104/aap/internal/workbook"
)

// tableLine is one line of a file DIAN or a correspondent sends (the PNE's
// answers, earlier years' results), with its number in the file (header = 1).
type tableLine struct {
	Number int
	Cells  []string
}

// readTable reads an uploaded table: an XLSX file's first sheet, or else a
// CSV as readCSVTable does.
func readTable(body []byte) ([]tableLine, error) {
	if !workbook.IsXLSX(body) {
		return readCSVTable(body)
	}
	rows, err := workbook.ReadRows(body)
	if err != nil {
		return nil, errors.New("fichier XLSX illisible")
	}
	lines := make([]tableLine, len(rows))
	for i, cells := range rows {
		lines[i] = tableLine{Number: i + 1, Cells: cells}
	}
	return lines, nil
}

// readCSVTable reads a CSV body as a spreadsheet saves it: its byte-order mark
// dropped, comma or semicolon separated (whichever the first line holds more
// of), lines of any length, each numbered as the file's line where it starts
// (encoding/csv skips empty lines). A malformed line stops the reading: the
// lines before it are returned with an error wrapping its *csv.ParseError.
func readCSVTable(body []byte) ([]tableLine, error) {
	body = bytes.TrimPrefix(body, []byte("\ufeff"))
	r := csv.NewReader(bytes.NewReader(body))
	firstLine, _, _ := bytes.Cut(body, []byte("\n"))
	if bytes.Count(firstLine, []byte(";")) > bytes.Count(firstLine, []byte(",")) {
		r.Comma = ';'
	}
	r.FieldsPerRecord = -1
	var lines []tableLine
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			return lines, nil
		}
		if err != nil {
			// FieldPos panics after a failed Read: the parse error knows the line.
			return lines, fmt.Errorf("fichier CSV illisible : %w", err)
		}
		n, _ := r.FieldPos(0)
		lines = append(lines, tableLine{Number: n, Cells: rec})
	}
}

// tableErrorLine is the file's line a reading error names, 0 when unknown.
func tableErrorLine(err error) int {
	var parseErr *csv.ParseError
	if errors.As(err, &parseErr) {
		return parseErr.StartLine
	}
	return 0
}
