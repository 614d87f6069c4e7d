package convention

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"

	"github.com/dian-p104/aap/internal/french"
)

// Page geometry, in millimetres (A4 portrait).
const (
	marginLeft   = 20.0
	marginTop    = 18.0
	marginRight  = 20.0
	marginBottom = 20.0
	columnGap    = 10.0
	lineH        = 5.0
	bodySize     = 10.0
)

// PDF renders the convention (A4: masthead, title, parties, visas, the articles, a signature block
// "Pour l'État" / "Pour l'association" with place and date blanks) and returns its bytes. It
// refuses data that Validate refuses. The output is deterministic for the same Data: creation
// and modification dates are IssuedAt, catalogs are sorted.
func (d Data) PDF() ([]byte, error) {
	return d.render(true)
}

func (d Data) render(compress bool) ([]byte, error) {
	if err := d.Validate(); err != nil {
		return nil, err
	}
	w := newPDFWriter(d, compress)
	for _, bl := range d.blocks() {
		w.block(bl)
	}
	var buf bytes.Buffer
	if err := w.pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("convention %s : rendu PDF : %w", d.Reference, err)
	}
	return buf.Bytes(), nil
}

// pdfWriter lays the convention's blocks out, one after the other, on an A4 document.
type pdfWriter struct {
	pdf          *fpdf.Fpdf
	tr           func(string) string // cp1252: accents, «», –, €
	textW, pageH float64
	// The mastheads seen so far, and where the first one started and the lowest one ended.
	mastheads           int
	mastTop, mastBottom float64
}

// newPDFWriter opens the document: its metadata (deterministic for the same Data), margins,
// page footer and first page.
func newPDFWriter(d Data, compress bool) *pdfWriter {
	pdf := fpdf.New("P", "mm", "A4", "")
	pdf.SetCompression(compress)
	pdf.SetCatalogSort(true)
	// fpdf writes these dates without a UTC offset, which readers take as UTC: give them UTC.
	issued := d.IssuedAt.UTC()
	pdf.SetCreationDate(issued)
	pdf.SetModificationDate(issued)
	pdf.SetTitle("Convention attributive de subvention "+d.Reference, true)
	pdf.SetSubject(d.ProjectTitle+" – "+d.AssociationName, true)
	pdf.SetAuthor(d.ServiceName, true)
	pdf.SetCreator("aap", false)
	pdf.SetProducer("aap", false)
	pdf.SetLang("fr-FR")
	pdf.SetMargins(marginLeft, marginTop, marginRight)
	pdf.SetAutoPageBreak(true, marginBottom)
	pdf.AliasNbPages("{nb}")

	w := &pdfWriter{pdf: pdf, tr: pdf.UnicodeTranslatorFromDescriptor("")}
	pdf.SetFooterFunc(func() {
		pdf.SetY(-marginBottom + 6)
		pdf.SetFont("Helvetica", "", 8)
		pdf.SetTextColor(90, 90, 90)
		pdf.CellFormat(0, 4, w.enc(footer(d.Reference, pdf.PageNo())), "", 0, "C", false, 0, "")
		pdf.SetTextColor(0, 0, 0)
	})
	pdf.AddPage()

	pageW, pageH := pdf.GetPageSize()
	w.textW, w.pageH = pageW-marginLeft-marginRight, pageH
	return w
}

// enc typesets s and encodes it for the core fonts.
func (w *pdfWriter) enc(s string) string { return w.tr(typeset(s)) }

// ensure starts a new page when fewer than h millimetres remain above the bottom margin.
func (w *pdfWriter) ensure(h float64) {
	if w.pdf.GetY()+h > w.pageH-marginBottom {
		w.pdf.AddPage()
	}
}

// block writes one block in the style of its kind.
func (w *pdfWriter) block(bl block) {
	pdf, enc := w.pdf, w.enc
	switch bl.kind {
	case blockMasthead:
		w.masthead(bl)
	case blockTitle:
		pdf.Ln(12)
		pdf.SetFont("Helvetica", "B", 15)
		pdf.MultiCell(0, 8, enc(bl.text), "", "C", false)
		pdf.Ln(1)
	case blockSubtitle:
		pdf.SetFont("Helvetica", "", 11)
		pdf.MultiCell(0, 5.5, enc(bl.text), "", "C", false)
		pdf.Ln(2)
	case blockCentered:
		pdf.Ln(2)
		pdf.SetFont("Helvetica", "I", bodySize)
		pdf.MultiCell(0, lineH, enc(bl.text), "", "C", false)
		pdf.Ln(2)
	case blockPara:
		pdf.SetFont("Helvetica", "", bodySize)
		pdf.MultiCell(0, lineH, enc(bl.text), "", "J", false)
		pdf.Ln(1)
	case blockHeading:
		pdf.Ln(3)
		w.ensure(4 * lineH) // keep the heading with the first lines of its article
		pdf.SetFont("Helvetica", "B", 10.5)
		pdf.MultiCell(0, 6, enc(bl.text), "", "L", false)
		pdf.Ln(0.5)
	case blockBody:
		w.body(bl)
	case blockSignatures:
		w.signatures(bl)
	}
}

// masthead writes two mastheads side by side: the service on the left, the reference on the right.
func (w *pdfWriter) masthead(bl block) {
	pdf := w.pdf
	pdf.SetFont("Helvetica", "B", 9)
	colW := (w.textW - columnGap) / 2
	if w.mastheads == 0 {
		w.mastTop = pdf.GetY()
		pdf.MultiCell(colW, 4.5, w.enc(bl.text), "", "L", false)
	} else {
		pdf.SetFont("Helvetica", "", 9)
		pdf.SetXY(marginLeft+colW+columnGap, w.mastTop)
		pdf.MultiCell(colW, 4.5, w.enc(bl.text), "", "R", false)
	}
	w.mastBottom = max(w.mastBottom, pdf.GetY())
	pdf.SetY(w.mastBottom)
	w.mastheads++
}

// body writes an article's text, line by line; a line starting with "– " is an indented item.
func (w *pdfWriter) body(bl block) {
	pdf := w.pdf
	pdf.SetFont("Helvetica", "", bodySize)
	for i, line := range strings.Split(bl.text, "\n") {
		if i > 0 {
			pdf.Ln(1)
		}
		if item, ok := strings.CutPrefix(line, "– "); ok {
			w.ensure(lineH)
			pdf.SetX(marginLeft + 4)
			pdf.CellFormat(4, lineH, w.enc("–"), "", 0, "L", false, 0, "")
			pdf.MultiCell(w.textW-8, lineH, w.enc(item), "", "J", false)
			continue
		}
		pdf.MultiCell(0, lineH, w.enc(line), "", "J", false)
	}
}

// signatures writes the closing line and the two signature columns, with room to sign below.
func (w *pdfWriter) signatures(bl block) {
	pdf := w.pdf
	pdf.Ln(4)
	w.ensure(70) // the closing line and both columns stay together
	pdf.SetFont("Helvetica", "", bodySize)
	pdf.MultiCell(0, lineH, w.enc(bl.text), "", "L", false)
	pdf.Ln(5)
	colW := (w.textW - columnGap) / 2
	top := pdf.GetY()
	column := func(x float64, lines []string) float64 {
		pdf.SetY(top)
		for i, line := range lines {
			pdf.SetX(x)
			if i == 0 {
				pdf.SetFont("Helvetica", "B", bodySize)
			} else {
				pdf.SetFont("Helvetica", "", bodySize)
			}
			pdf.MultiCell(colW, 6, w.enc(line), "", "L", false)
		}
		return pdf.GetY()
	}
	bottom := max(column(marginLeft, bl.left), column(marginLeft+colW+columnGap, bl.right))
	pdf.SetY(bottom + 25) // room for the signatures
}

// footer is the text at the bottom of each page ({nb}: the page count, filled in by fpdf).
func footer(reference string, page int) string {
	return fmt.Sprintf("Convention n° %s – page %d/{nb}", reference, page)
}

var (
	digitGroups = regexp.MustCompile(`\d+(?: \d+)+`)
	frenchDate  = regexp.MustCompile(`\b(1er|\d{1,2}) (` + monthAlternatives() + `) (\d{4})`)
	// French typography for print: no line break inside a number, a date, before a high
	// punctuation sign or a closing guillemet, after an opening one.
	nbspFixes = strings.NewReplacer(
		" €", "\u00a0€", " %", "\u00a0%", " :", "\u00a0:", " ;", "\u00a0;",
		"« ", "«\u00a0", " »", "\u00a0»", "n° ", "n°\u00a0", "Article ", "Article\u00a0",
	)
)

// monthAlternatives is the regular-expression alternation of the French month names:
// "janvier|février|…|décembre".
func monthAlternatives() string {
	names := make([]string, 12)
	for m := time.January; m <= time.December; m++ {
		names[m-1] = french.Month(m)
	}
	return strings.Join(names, "|")
}

// typeset prepares text for print: typographic folding into Windows-1252 and non-breaking spaces
// where French typography wants them. It changes spaces only, so the printed words are Text()'s.
func typeset(s string) string {
	s = typoFold.Replace(s)
	nb := func(m string) string { return strings.ReplaceAll(m, " ", "\u00a0") }
	s = digitGroups.ReplaceAllStringFunc(s, nb)
	s = frenchDate.ReplaceAllStringFunc(s, nb)
	return nbspFixes.Replace(s)
}
