package models

// Theme is a field of integration a call for projects may fund.
type Theme struct {
	Code  string // what the API takes: "langue"
	Label string // what people read: "Apprentissage du français"
}

// Themes is the fixed list of themes, in the instruction's order of priority
// (§8.1: employment and language first).
var Themes = []Theme{
	{"langue", "Apprentissage du français"},
	{"emploi", "Insertion professionnelle"},
	{"acces_aux_droits", "Accès aux droits"},
	{"sante", "Santé"},
	{"logement", "Logement"},
	{"mobilite", "Mobilité"},
	{"parentalite", "Parentalité"},
	{"culture_sport", "Culture et sport"},
	{"valeurs_republique", "Valeurs de la République"},
	{"egalite_femmes_hommes", "Égalité entre les femmes et les hommes"},
	{"inclusion_numerique", "Inclusion numérique"},
	{"professionnalisation", "Professionnalisation des acteurs"},
}

// ThemeLabel returns the French label of a theme code, or the code itself if unknown.
func ThemeLabel(code string) string {
	for _, t := range Themes {
		if t.Code == code {
			return t.Label
		}
	}
	return code
}

// IsTheme reports whether code is in the fixed list.
func IsTheme(code string) bool { return ThemeLabel(code) != code }
