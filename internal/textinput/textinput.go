// Package textinput keeps poison text out at the door: control characters and
// invalid UTF-8 in any JSON body, form body, query parameter or path parameter
// are refused before a handler sees them, so nothing downstream (PostgreSQL
// refuses NUL with SQLSTATE 22021; a workflow's activity would retry it for
// ever) ever gets them. The API answers the refusals as its 422, the pages as
// a French page with the error next to the field; both come from this one check.
package textinput

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Rules a refused text breaks.
const (
	RuleControlCharacter = "control_character"
	RuleInvalidUTF8      = "invalid_utf8"
)

// LongTexts are the free texts that may run over several lines: in them (and
// only in them) a tab, a line feed and the carriage return of a CRLF are
// accepted. A field is named by its last JSON key (or form/query name), so
// "description" covers project.description wherever it appears. This is the
// one declaration; the README's validation paragraph lists the same names.
var LongTexts = map[string]bool{
	"agir_articulation":            true, // the call's articulation with AGIR (§8.2)
	"calendar_justification":       true, // the difficulty reported to DIAN for a late call (§8.3)
	"description":                  true, // a project's description
	"double_funding_justification": true, // the committee's justification of a double funding
	"ds_mapping":                   true, // the call form's Démarches Simplifiées mapping, a line per field
	"findings":                     true, // a control's findings (§8.5)
	"motivation":                   true, // DIAN's motivation of a CTAI opinion (§3.4, §3.5)
	"note":                         true, // a doubt, a correspondent's AGIR assessment (§8.5, §8.2)
	"objectives_justification":     true, // a selection's justification of a deviation (§8.1)
	"public":                       true, // the public a project serves (§2.1)
	"public_check":                 true, // how the project checks its public's eligibility
	"qualitative":                  true, // a CTAI bilan's qualitative objectives (§3.3)
	"quantitative":                 true, // a CTAI bilan's quantitative objectives (§3.3)
	"reason":                       true, // a cancellation's reason, a dossier not retained's
	// The call form's lists, one item a line (form names only: the API takes JSON arrays).
	"indicateurs": true, // the call's indicators (§8.4)
	"criteres":    true, // the call's evaluation criteria (§8.4)
}

// Refusal is one refused text: the field (its JSON path, e.g. "decisions[2].motivation",
// or the parameter's name), the rule it breaks and a French message.
type Refusal struct {
	Field   string
	Rule    string
	Message string
}

// IsLong reports whether field (a JSON path or a parameter name) is a long free text.
func IsLong(field string) bool {
	leaf := field
	if i := strings.LastIndexByte(leaf, '.'); i >= 0 {
		leaf = leaf[i+1:]
	}
	if i := strings.IndexByte(leaf, '['); i >= 0 {
		leaf = leaf[:i]
	}
	return LongTexts[leaf]
}

// Check refuses s when it is not valid UTF-8 or holds a control character
// (C0 U+0000–U+001F, DEL, C1 U+0080–U+009F), except a tab, a line feed and the
// CR of a CRLF in a long text (IsLong). It returns nil when s is clean.
func Check(field, s string) *Refusal {
	if !utf8.ValidString(s) {
		return invalidUTF8(field)
	}
	long := IsLong(field)
	for i, r := range s {
		if !isControl(r) {
			continue
		}
		if long && (r == '\t' || r == '\n' || (r == '\r' && strings.HasPrefix(s[i+1:], "\n"))) {
			continue
		}
		return controlCharacter(field, r, utf8.RuneCountInString(s[:i])+1, long)
	}
	return nil
}

// isControl reports a C0 or C1 control character or DEL.
func isControl(r rune) bool {
	return r < 0x20 || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}

func controlCharacter(field string, r rune, position int, long bool) *Refusal {
	msg := fmt.Sprintf("caractère de contrôle interdit (U+%04X, %de caractère)", r, position)
	if position == 1 {
		msg = fmt.Sprintf("caractère de contrôle interdit (U+%04X, 1er caractère)", r)
	}
	if long {
		msg += " ; seuls la tabulation et le retour à la ligne sont admis dans ce texte"
	}
	return &Refusal{Field: field, Rule: RuleControlCharacter, Message: msg}
}

func invalidUTF8(field string) *Refusal {
	return &Refusal{Field: field, Rule: RuleInvalidUTF8,
		Message: "texte mal encodé : ce n'est pas de l'UTF-8 valide ; enregistrez-le en UTF-8 et renvoyez-le"}
}

// sortRefusals orders refusals by field, so that an answer is the same from one run to the next.
func sortRefusals(rs []Refusal) {
	slices.SortStableFunc(rs, func(a, b Refusal) int { return strings.Compare(a.Field, b.Field) })
}
