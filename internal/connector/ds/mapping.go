package ds

import (
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// Mapping says which champ of the démarche fills each field of a dossier: dossier
// field (its JSON path in POST /api/v1/campaigns/{id}/applications) → champ ID.
type Mapping map[string]string

// valueKind is how a champ's value becomes a dossier field's.
type valueKind int

const (
	kindText valueKind = iota
	kindBool
	kindInteger
	kindEuros
)

// target is a dossier field a champ may fill, with the champ types that fit it.
type target struct {
	kind     valueKind
	required bool
	types    []string
}

var (
	textTypes  = []string{"TextChampDescriptor", "TextareaChampDescriptor"}
	boolTypes  = []string{"CheckboxChampDescriptor", "YesNoChampDescriptor"}
	euroTypes  = []string{"DecimalNumberChampDescriptor", "IntegerNumberChampDescriptor"}
	countTypes = []string{"IntegerNumberChampDescriptor"}
)

// targets are the dossier fields a mapping may name. Either association.siret or
// association.rna is required; association.email defaults to the usager's email.
var targets = map[string]target{
	"association.siret":             {kindText, false, []string{"SiretChampDescriptor", "TextChampDescriptor"}},
	"association.rna":               {kindText, false, []string{"RNAChampDescriptor", "TextChampDescriptor"}},
	"association.name":              {kindText, true, textTypes},
	"association.email":             {kindText, false, []string{"EmailChampDescriptor", "TextChampDescriptor"}},
	"association.cer_signed":        {kindBool, true, boolTypes},
	"project.title":                 {kindText, true, textTypes},
	"project.theme":                 {kindText, true, []string{"DropDownListChampDescriptor", "TextChampDescriptor"}},
	"project.description":           {kindText, true, textTypes},
	"project.requested_eur":         {kindEuros, true, euroTypes},
	"project.total_budget_eur":      {kindEuros, true, euroTypes},
	"project.beneficiaries.bpi":     {kindInteger, true, countTypes},
	"project.beneficiaries.non_bpi": {kindInteger, true, countTypes},
	"project.agir_redundant":        {kindBool, false, boolTypes},
}

// Problem is one reason a mapping or a dossier is refused, in French, naming the field.
type Problem struct {
	Field   string `json:"field"`
	Rule    string `json:"rule"`
	Message string `json:"message"`
	// ChampID and Label name the DS champ, when one is concerned.
	ChampID string `json:"champ_id,omitempty"`
	Label   string `json:"label,omitempty"`
}

// Fields lists the dossier fields a mapping may name, sorted.
func Fields() []string {
	out := make([]string, 0, len(targets))
	for f := range targets {
		out = append(out, f)
	}
	sort.Strings(out)
	return out
}

// Check checks a mapping against the démarche's champs: every field known, every champ
// the démarche's and of a type that fits, every required field mapped. prefix is the
// mapping's path in the request ("demarches_simplifiees.mapping").
func (m Mapping) Check(prefix string, descriptors []ChampDescriptor) []Problem {
	byID := make(map[string]ChampDescriptor, len(descriptors))
	for _, d := range descriptors {
		byID[d.ID] = d
	}
	var out []Problem
	add := func(field, rule, format string, args ...any) {
		out = append(out, Problem{Field: prefix + "." + field, Rule: rule, Message: fmt.Sprintf(format, args...)})
	}
	for _, field := range sortedKeys(m) {
		t, known := targets[field]
		champ, exists := byID[m[field]]
		switch {
		case !known:
			add(field, "unknown_field", "champ du dossier inconnu « %s » (champs possibles : %s)", field, strings.Join(Fields(), ", "))
		case !exists:
			add(field, "unknown_champ", "la démarche n'a pas de champ d'identifiant « %s »", m[field])
		case !contains(t.types, champ.Typename):
			add(field, "champ_type", "le champ « %s » est de type %s ; attendu : %s", champ.Label,
				strings.TrimSuffix(champ.Typename, "ChampDescriptor"), typeNames(t.types))
		}
	}
	for _, field := range Fields() {
		if targets[field].required && m[field] == "" {
			add(field, "required", "champ obligatoire du dossier : indiquez le champ de la démarche qui le remplit")
		}
	}
	if m["association.siret"] == "" && m["association.rna"] == "" {
		add("association.siret", "required", "indiquez le champ de la démarche qui donne le SIRET ou le numéro RNA de l'association")
	}
	return out
}

func typeNames(types []string) string {
	names := make([]string, len(types))
	for i, t := range types {
		names[i] = strings.TrimSuffix(t, "ChampDescriptor")
	}
	return strings.Join(names, " ou ")
}

// Apply builds, from a DS dossier, the body of a dossier as POST
// /api/v1/campaigns/{id}/applications takes it, for the same validation. themeCodes
// turns a drop-down's label into the theme's code. A champ that is mapped but absent
// or unreadable is a problem; the rules of the call are the filing's to check.
func (m Mapping) Apply(d Dossier, themeCodes map[string]string) (map[string]any, []Problem) {
	byID := make(map[string]Champ, len(d.Champs))
	for _, c := range d.Champs {
		id := c.ChampDescriptorID
		if id == "" {
			id = c.ID
		}
		byID[id] = c
	}
	body := map[string]any{}
	var problems []Problem
	for _, field := range sortedKeys(m) {
		t, known := targets[field]
		if !known {
			continue
		}
		champ, ok := byID[m[field]]
		if !ok {
			if t.required {
				problems = append(problems, Problem{Field: field, Rule: "champ_absent", ChampID: m[field],
					Message: "le dossier DS n'a pas le champ qui remplit ce champ"})
			}
			continue
		}
		v, err := t.value(champ)
		if err != nil {
			problems = append(problems, Problem{Field: field, Rule: "format", ChampID: champ.ChampDescriptorID, Label: champ.Label, Message: err.Error()})
			continue
		}
		if field == "project.theme" {
			if code, ok := themeCodes[strings.TrimSpace(v.(string))]; ok {
				v = code
			}
		}
		setPath(body, field, v)
	}
	if m["association.email"] == "" {
		setPath(body, "association.email", d.Usager.Email)
	}
	return body, problems
}

// value reads a champ's value as its field needs it.
func (t target) value(c Champ) (any, error) {
	text := ""
	if c.StringValue != nil {
		text = strings.TrimSpace(*c.StringValue)
	}
	switch t.kind {
	case kindBool:
		if c.Checked != nil {
			return *c.Checked, nil
		}
		if c.Yes != nil {
			return *c.Yes, nil
		}
		return text == "true" || strings.EqualFold(text, "oui"), nil
	case kindInteger:
		if raw := strings.Trim(string(c.IntegerValue), `"`); raw != "" && raw != "null" {
			text = raw
		}
		if text == "" {
			return nil, nil
		}
		n, err := strconv.Atoi(text)
		if err != nil {
			return nil, fmt.Errorf("nombre entier attendu, reçu « %s »", text)
		}
		return n, nil
	case kindEuros:
		return euros(c, text)
	}
	return text, nil
}

// euros returns an amount as the API reads it (a JSON number in euros).
func euros(c Champ, text string) (any, error) {
	if c.DecimalValue != nil {
		return jsonNumber(strconv.FormatFloat(*c.DecimalValue, 'f', -1, 64)), nil
	}
	if raw := strings.Trim(string(c.IntegerValue), `"`); raw != "" && raw != "null" {
		text = raw
	}
	if text == "" {
		return nil, nil
	}
	text = strings.ReplaceAll(strings.ReplaceAll(text, " ", ""), ",", ".")
	if _, err := strconv.ParseFloat(text, 64); err != nil {
		return nil, fmt.Errorf("montant en euros attendu, reçu « %s »", text)
	}
	return jsonNumber(text), nil
}

// jsonNumber marshals as a bare JSON number.
type jsonNumber string

// MarshalJSON writes the number as it is.
func (n jsonNumber) MarshalJSON() ([]byte, error) { return []byte(n), nil }

// setPath sets body["a"]["b"] for "a.b".
func setPath(body map[string]any, path string, v any) {
	parts := strings.Split(path, ".")
	for _, p := range parts[:len(parts)-1] {
		next, ok := body[p].(map[string]any)
		if !ok {
			next = map[string]any{}
			body[p] = next
		}
		body = next
	}
	if v != nil {
		body[parts[len(parts)-1]] = v
	}
}

func sortedKeys(m Mapping) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
