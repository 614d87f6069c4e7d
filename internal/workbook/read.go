package workbook

import (
	"bytes"
	"fmt"

	"github.com/xuri/excelize/v2"
)

// IsXLSX tells an XLSX file (a ZIP archive) from a CSV text by its first bytes.
func IsXLSX(data []byte) bool { return bytes.HasPrefix(data, []byte("PK\x03\x04")) }

// ReadRows returns the cells of an XLSX file's first sheet, as text, row by row.
func ReadRows(data []byte) ([][]string, error) {
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("read XLSX: %w", err)
	}
	defer func() { _ = f.Close() }()
	sheets := f.GetSheetList()
	if len(sheets) == 0 {
		return nil, fmt.Errorf("read XLSX: no sheet")
	}
	return f.GetRows(sheets[0])
}
