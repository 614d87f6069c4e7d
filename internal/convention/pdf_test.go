package convention

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/dian-p104/aap/internal/french"
)

// tj matches a string shown by the Tj operator in an uncompressed content stream.
var tj = regexp.MustCompile(`\(((?:\\.|[^\\)])*)\)\s?Tj`)

var cp1252Rune = func() map[byte]rune {
	m := map[byte]rune{}
	for r, b := range cp1252High {
		m[b] = r
	}
	return m
}()

// pdfLines returns, in content order, the lines an uncompressed PDF shows, decoded from
// Windows-1252.
func pdfLines(t *testing.T, pdf []byte) []string {
	t.Helper()
	var lines []string
	for _, m := range tj.FindAllSubmatch(pdf, -1) {
		var b strings.Builder
		raw := m[1]
		for i := 0; i < len(raw); i++ {
			c := raw[i]
			if c == '\\' && i+1 < len(raw) {
				i++
				c = raw[i]
				switch c {
				case 'n':
					c = '\n'
				case 'r':
					c = '\r'
				}
			}
			switch {
			case c < 0x80:
				b.WriteByte(c)
			case c >= 0xA0:
				b.WriteRune(rune(c))
			default:
				r, ok := cp1252Rune[c]
				if !ok {
					t.Fatalf("byte %#x outside Windows-1252 in %q", c, raw)
				}
				b.WriteRune(r)
			}
		}
		lines = append(lines, b.String())
	}
	return lines
}

// norm collapses every run of white space, no-break spaces included, into one space.
func norm(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\u00a0", " ")), " ")
}

func TestPDFDeterministic(t *testing.T) {
	for name, d := range map[string]Data{"annual": example(), "cpo": cpoExample()} {
		a, err := d.PDF()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		b, err := d.PDF()
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(a, []byte("%PDF-")) {
			t.Errorf("%s: starts with %q", name, a[:min(len(a), 8)])
		}
		if !bytes.Equal(a, b) {
			t.Errorf("%s: two renders differ (%d and %d bytes)", name, len(a), len(b))
		}
		// Creation and modification dates are IssuedAt (10:00 in Paris, in UTC), not the time of the render.
		for _, want := range []string{"/CreationDate (D:20270614080000)", "/ModDate (D:20270614080000)"} {
			if !bytes.Contains(a, []byte(want)) {
				t.Errorf("%s: no %s", name, want)
			}
		}
		if !bytes.HasSuffix(bytes.TrimSpace(a), []byte("%%EOF")) {
			t.Errorf("%s: no %%%%EOF", name)
		}
	}
}

func TestPDFText(t *testing.T) {
	typographic := example()
	typographic.AssociationName = "Lire\u202fensemble – « L'œuvre (Lyon) \\ Villeurbanne »"
	for name, d := range map[string]Data{"annual": example(), "cpo": cpoExample(), "typographic": typographic} {
		t.Run(name, func(t *testing.T) {
			raw, err := d.render(false)
			if err != nil {
				t.Fatal(err)
			}
			var body, footers []string
			for _, l := range pdfLines(t, raw) {
				if strings.HasPrefix(l, "Convention n°\u00a0"+d.Reference+" – page") {
					footers = append(footers, l)
					continue
				}
				body = append(body, l)
			}
			// Every word of the document model is printed, in order, and nothing else.
			got, want := norm(strings.Join(body, " ")), norm(d.Text())
			if got != want {
				i := 0
				for i < len(got) && i < len(want) && got[i] == want[i] {
					i++
				}
				t.Fatalf("PDF text differs from Text() at byte %d:\n pdf: …%s…\ntext: …%s…",
					i, got[max(0, i-60):min(len(got), i+60)], want[max(0, i-60):min(len(want), i+60)])
			}
			// The pieces an association checks first.
			printed := strings.Join(body, "\n")
			mustContain(t, "PDF", norm(printed), "CONVENTION ATTRIBUTIVE DE SUBVENTION", norm(d.AssociationName),
				d.AssociationID, norm(french.Euros(d.GrantedCents)), "Article 1 – Objet de la convention",
				"Cerfa n° 15059*02", "30 juin 2028", "Fait en deux exemplaires originaux.", "Pour l'État,", "Pour l'association,")
			// No line break inside an amount, a date or the Cerfa number.
			mustContain(t, "PDF lines", printed, "\u00a0€", "30\u00a0juin\u00a02028", "n°\u00a015059*02")
			// Accents and the euro sign are printed as Windows-1252 bytes, not replaced by dots.
			if !bytes.Contains(raw, []byte("\x80")) || !bytes.Contains(raw, []byte("R\xc9PUBLIQUE FRAN\xc7AISE")) {
				t.Errorf("cp1252 bytes missing")
			}
			if len(footers) < 2 {
				t.Fatalf("footers = %q, want one per page on several pages", footers)
			}
			n := len(footers)
			for i, f := range footers {
				if want := "Convention n°\u00a0" + d.Reference + " – page\u00a0" + strconv.Itoa(i+1) + "/" + strconv.Itoa(n); norm(f) != norm(want) {
					t.Errorf("footer %d = %q, want %q", i+1, f, want)
				}
			}
		})
	}
}

func TestPDFRefusesInvalid(t *testing.T) {
	d := example()
	d.GrantedCents = 0
	if b, err := d.PDF(); err == nil || b != nil {
		t.Fatalf("PDF() = %d bytes, %v", len(b), err)
	}
}

func TestTypeset(t *testing.T) {
	in := "soit 12 500,00 € au plus tard le 1er juin 2027 : « Réfugiés.info » ; 3 % ; SIRET 732 829 320 00074"
	want := "soit 12\u00a0500,00\u00a0€ au plus tard le 1er\u00a0juin\u00a02027\u00a0: «\u00a0Réfugiés.info\u00a0»\u00a0; 3\u00a0%\u00a0; SIRET 732\u00a0829\u00a0320\u00a000074"
	if got := typeset(in); got != want {
		t.Errorf("typeset:\n got %q\nwant %q", got, want)
	}
	if norm(typeset(in)) != norm(in) {
		t.Errorf("typeset changed more than spaces")
	}
}
