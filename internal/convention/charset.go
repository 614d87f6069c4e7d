package convention

import (
	"strings"
	"unicode"
)

// cp1252High maps the runes Windows-1252 places in 0x80–0x9F (the rest of 0xA0–0xFF is Latin-1).
var cp1252High = map[rune]byte{
	'€': 0x80, '‚': 0x82, 'ƒ': 0x83, '„': 0x84, '…': 0x85, '†': 0x86, '‡': 0x87, 'ˆ': 0x88,
	'‰': 0x89, 'Š': 0x8A, '‹': 0x8B, 'Œ': 0x8C, 'Ž': 0x8E, '‘': 0x91, '’': 0x92, '“': 0x93,
	'”': 0x94, '•': 0x95, '–': 0x96, '—': 0x97, '˜': 0x98, '™': 0x99, 'š': 0x9A, '›': 0x9B,
	'œ': 0x9C, 'ž': 0x9E, 'Ÿ': 0x9F,
}

// typoFold replaces the typographic runes outside Windows-1252 that French text commonly carries
// by their nearest printable equivalent.
var typoFold = strings.NewReplacer(
	"\u202f", "\u00a0", // espace fine insécable → espace insécable
	"\u2007", "\u00a0", // espace tabulaire
	"\u2009", " ", "\u200a", " ", "\u2002", " ", "\u2003", " ",
	"\u2010", "-", "\u2011", "-", "\u2212", "-",
	"\u200b", "", "\u2060", "", "\ufeff", "",
)

// unprintable returns the first rune of s that the PDF cannot print with the core fonts
// (Windows-1252), after typographic folding, and whether there is one. Control characters
// (line breaks included) count as unprintable in these one-line fields.
func unprintable(s string) (rune, bool) {
	for _, r := range typoFold.Replace(s) {
		switch {
		case r < 0x80:
			if unicode.IsControl(r) {
				return r, true
			}
		case r >= 0xA0 && r <= 0xFF:
		default:
			if _, ok := cp1252High[r]; !ok {
				return r, true
			}
		}
	}
	return 0, false
}
