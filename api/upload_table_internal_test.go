package api

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"
)

// One reader serves the PNE's answers and earlier years' results: the
// separator the first line uses most, the byte-order mark dropped, each line
// numbered as in the file (a blank line skipped, a quoted cell over two lines
// counted), an XLSX's first sheet read row by row, and a malformed CSV line
// stops the reading with its number.
func TestReadTable(t *testing.T) {
	lines, err := readCSVTable([]byte("\ufefftoken;email\nt1;a@example.org\n\n\"deux\nlignes\";b@example.org\nt3,x;c@example.org\n"))
	require.NoError(t, err)
	require.Equal(t, []tableLine{
		{1, []string{"token", "email"}}, {2, []string{"t1", "a@example.org"}},
		{4, []string{"deux\nlignes", "b@example.org"}}, {6, []string{"t3,x", "c@example.org"}},
	}, lines, "semicolons: the comma is a cell's text")

	lines, err = readCSVTable([]byte("token,email;x\nt1,a@example.org;x\n"))
	require.NoError(t, err)
	require.Equal(t, []string{"t1", "a@example.org;x"}, lines[1].Cells, "as many commas as semicolons: comma")

	lines, err = readCSVTable([]byte("token,email\nt1,a@example.org\nt2,\"unterminated\n"))
	require.ErrorContains(t, err, "fichier CSV illisible")
	require.Equal(t, 3, tableErrorLine(err))
	require.Len(t, lines, 2, "the lines before the malformed one")

	lines, err = readCSVTable(nil)
	require.NoError(t, err)
	require.Empty(t, lines)

	f := excelize.NewFile()
	require.NoError(t, f.SetSheetRow("Sheet1", "A1", &[]any{"siret", "repondu"}))
	require.NoError(t, f.SetSheetRow("Sheet1", "A2", &[]any{"73282932000074", "oui"}))
	var buf bytes.Buffer
	require.NoError(t, f.Write(&buf))
	lines, err = readTable(buf.Bytes())
	require.NoError(t, err)
	require.Equal(t, []tableLine{{1, []string{"siret", "repondu"}}, {2, []string{"73282932000074", "oui"}}}, lines)

	_, err = readTable([]byte("PK\x03\x04 not a zip"))
	require.EqualError(t, err, "fichier XLSX illisible")
	require.Zero(t, tableErrorLine(err))
}
