// Package workbook writes the engine's spreadsheets (PNE lists, control syntheses,
// CTAI tables, DIAN's exports): one sheet per table, a bold header row, and typed
// cells, so that amounts are numbers in euros and dates are dates in Excel, not text.
package workbook

import (
	"bytes"
	"fmt"
	"time"

	"github.com/xuri/excelize/v2"
)

// Euros is an amount in integer cents, written as a number of euros with two decimals.
type Euros int64

// Date is a calendar date, written as an Excel date (dd/mm/yyyy).
type Date time.Time

// Percent is a share from 0 to 100, written as a number with one decimal.
type Percent float64

// Sheet is one table: a name (at most 31 characters), its header and its rows.
// Cells may be string, int, int64, bool, Euros, Date, Percent or nil (empty).
type Sheet struct {
	Name   string
	Header []string
	Rows   [][]any
}

// Write renders the sheets as an XLSX workbook.
func Write(sheets ...Sheet) ([]byte, error) {
	if len(sheets) == 0 {
		return nil, fmt.Errorf("xlsx: no sheet")
	}
	f := excelize.NewFile()
	defer f.Close()
	st, err := newStyles(f)
	if err != nil {
		return nil, err
	}
	for i, s := range sheets {
		if i == 0 {
			if err := f.SetSheetName("Sheet1", s.Name); err != nil {
				return nil, err
			}
		} else if _, err := f.NewSheet(s.Name); err != nil {
			return nil, err
		}
		if err := writeSheet(f, st, s); err != nil {
			return nil, fmt.Errorf("xlsx: sheet %q: %w", s.Name, err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

type styles struct{ header, euros, date, percent int }

func newStyles(f *excelize.File) (styles, error) {
	var st styles
	var err error
	if st.header, err = f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE4EE"}}}); err != nil {
		return st, err
	}
	euroFormat := `#,##0.00\ "€"`
	if st.euros, err = f.NewStyle(&excelize.Style{CustomNumFmt: &euroFormat}); err != nil {
		return st, err
	}
	dateFormat := "dd/mm/yyyy"
	if st.date, err = f.NewStyle(&excelize.Style{CustomNumFmt: &dateFormat}); err != nil {
		return st, err
	}
	percentFormat := "0.0"
	st.percent, err = f.NewStyle(&excelize.Style{CustomNumFmt: &percentFormat})
	return st, err
}

func writeSheet(f *excelize.File, st styles, s Sheet) error {
	for col, h := range s.Header {
		if err := setCell(f, st, s.Name, col, 1, h, st.header); err != nil {
			return err
		}
		name, _ := excelize.ColumnNumberToName(col + 1)
		if err := f.SetColWidth(s.Name, name, name, width(h)); err != nil {
			return err
		}
	}
	for r, row := range s.Rows {
		for col, v := range row {
			if err := setCell(f, st, s.Name, col, r+2, v, 0); err != nil {
				return err
			}
		}
	}
	if len(s.Header) > 0 {
		// Keep the header in view while scrolling.
		return f.SetPanes(s.Name, &excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"})
	}
	return nil
}

func setCell(f *excelize.File, st styles, sheet string, col, row int, v any, style int) error {
	cell, err := excelize.CoordinatesToCellName(col+1, row)
	if err != nil {
		return err
	}
	switch x := v.(type) {
	case nil:
		return nil
	case Euros:
		style = st.euros
		err = f.SetCellFloat(sheet, cell, float64(x)/100, 2, 64)
	case Date:
		style = st.date
		t := time.Time(x)
		err = f.SetCellValue(sheet, cell, time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, time.UTC))
	case Percent:
		style = st.percent
		err = f.SetCellFloat(sheet, cell, float64(x), 1, 64)
	case string, int, int64, bool:
		err = f.SetCellValue(sheet, cell, x)
	default:
		return fmt.Errorf("cell %s: unsupported type %T", cell, v)
	}
	if err != nil || style == 0 {
		return err
	}
	return f.SetCellStyle(sheet, cell, cell, style)
}

func width(header string) float64 {
	w := float64(len([]rune(header))) + 4
	if w < 12 {
		return 12
	}
	return w
}

// Read returns the rows of a workbook's sheet as text, header first: what the
// tests use to read an export back.
func Read(data []byte, sheet string) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return f.GetRows(sheet)
}

// Value returns one cell's raw stored value (a number as written, a date as its
// Excel serial), to check that a cell is typed and not text.
func Value(data []byte, sheet, cell string) (value string, typ excelize.CellType, err error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return "", 0, err
	}
	defer f.Close()
	if typ, err = f.GetCellType(sheet, cell); err != nil {
		return "", 0, err
	}
	value, err = f.GetCellValue(sheet, cell, excelize.Options{RawCellValue: true})
	return value, typ, err
}
