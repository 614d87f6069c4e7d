// Package identity says when two dossiers are the same association's, and the
// same project: an association is one legal person across calls and years
// (its SIREN, or its RNA number), and a project's title is compared folded.
package identity

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// Prefixes of an association key: "siren:…" (the legal person behind a SIRET, its first
// nine digits) or "rna:…" (an association known by its RNA number only).
const (
	SIRENPrefix = "siren:"
	RNAPrefix   = "rna:"
)

// SIRENKey is the key of the legal person a SIRET belongs to: two establishments
// of one association (same SIREN) are one association. "" for a malformed SIRET.
func SIRENKey(siret string) string {
	if len(siret) != 14 {
		return ""
	}
	return SIRENPrefix + siret[:9]
}

// RNAKey is the key of an association known by its RNA number.
func RNAKey(rna string) string {
	if rna == "" {
		return ""
	}
	return RNAPrefix + strings.ToUpper(rna)
}

// Key is a dossier's own association key before any link is resolved: the
// SIREN when a SIRET is given (INSEE's identity of the legal person), else the RNA.
func Key(siret, rna string) string {
	if k := SIRENKey(siret); k != "" {
		return k
	}
	return RNAKey(rna)
}

// LegacyKey maps a key written before association identity ("siret:…", a whole
// SIRET) to its key now ("siren:…"); other keys are returned unchanged.
func LegacyKey(key string) string {
	if siret, ok := strings.CutPrefix(key, "siret:"); ok {
		if k := SIRENKey(siret); k != "" {
			return k
		}
	}
	return key
}

var fold = cases.Fold()

// TitleKey folds a project title for comparison, so that the same project
// written differently is one: Unicode NFKC (fullwidth letters, ligatures,
// non-breaking spaces become their plain forms; NFD accents are composed),
// zero-width and other invisible format characters and control characters
// removed, case folded, runs of spaces made one and trimmed.
func TitleKey(title string) string {
	s := norm.NFKC.String(title)
	s = strings.Map(func(r rune) rune {
		if unicode.Is(unicode.Cf, r) || (unicode.IsControl(r) && !unicode.IsSpace(r)) {
			return -1 // U+200B zero-width space, U+200D joiner, U+FEFF, soft hyphen, NUL…
		}
		return r
	}, s)
	s = fold.String(s)
	// Folding may decompose (ß → ss is fine; some letters gain combining marks): recompose.
	s = norm.NFC.String(s)
	return strings.Join(strings.Fields(s), " ")
}

// NumberKey keys an association by the one number a third party gives for it (a
// CTAI's bilan, §8.5): a SIREN (9 digits), a SIRET (14 digits: its SIREN's legal
// person) or an RNA number (W then 9 characters, the last 8 digits). Spaces are
// ignored. ok is false for anything else: the caller says which form is expected.
func NumberKey(number string) (key string, ok bool) {
	n := strings.ToUpper(strings.ReplaceAll(number, " ", ""))
	switch {
	case len(n) == 9 && allDigits(n):
		return SIRENPrefix + n, true
	case len(n) == 14 && allDigits(n):
		return SIRENKey(n), true
	case len(n) == 10 && n[0] == 'W' && (n[1] >= 'A' && n[1] <= 'Z' || n[1] >= '0' && n[1] <= '9') && allDigits(n[2:]):
		return RNAKey(n), true
	}
	return "", false
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}
