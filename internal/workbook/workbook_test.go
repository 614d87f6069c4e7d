package workbook

import (
	"strings"
	"testing"
	"time"

	"github.com/dian-p104/aap/internal/french"
)

func TestWriteTypesCells(t *testing.T) {
	data, err := Write(Sheet{
		Name:   "Structures",
		Header: []string{"Structure", "Actions", "Montant", "Date", "Taux"},
		Rows: [][]any{
			{"Association A", 2, Euros(1250050), Date(time.Date(2025, 5, 31, 23, 30, 0, 0, french.Paris)), Percent(66.7)},
			{"Association B", int64(1), Euros(0), nil, Percent(100)},
		},
	}, Sheet{Name: "Second", Header: []string{"x"}})
	if err != nil {
		t.Fatal(err)
	}
	rows, err := Read(data, "Structures")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 3 || strings.Join(rows[0], "|") != "Structure|Actions|Montant|Date|Taux" {
		t.Fatalf("rows = %q", rows)
	}
	if rows[1][0] != "Association A" || rows[1][3] != "31/05/2025" {
		t.Errorf("row 1 = %q (the date is the Paris calendar date)", rows[1])
	}
	if v, _, _ := Value(data, "Structures", "C2"); v != "12500.50" {
		t.Errorf("amount stored as %q, want the number of euros 12500.50", v)
	}
	if v, _, _ := Value(data, "Structures", "D2"); v != "45808" {
		t.Errorf("date stored as %q, want Excel serial 45808", v)
	}
	if _, err := Read(data, "Second"); err != nil {
		t.Errorf("second sheet: %v", err)
	}
}

func TestWriteRefusesUnknownCellType(t *testing.T) {
	if _, err := Write(Sheet{Name: "S", Rows: [][]any{{3.14}}}); err == nil || !strings.Contains(err.Error(), "float64") {
		t.Fatalf("err = %v, want unsupported float64 (amounts are Euros, never floats)", err)
	}
	if _, err := Write(); err == nil {
		t.Fatal("no sheet accepted")
	}
}
