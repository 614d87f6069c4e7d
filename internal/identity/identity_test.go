package identity

import "testing"

func TestTitleKeyFoldsTheSameProject(t *testing.T) {
	plain := "Ateliers sociolinguistiques à Lyon"
	same := map[string]string{
		"NFD":                 "Ateliers sociolinguistiques a\u0300 Lyon",
		"zero-width space":    "Ateliers socio\u200blinguistiques à Lyon",
		"fullwidth":           "Ａｔｅｌｉｅｒｓ sociolinguistiques à Lyon",
		"case and spaces":     "  ATELIERS\u00a0 sociolinguistiques\tà   lyon ",
		"BOM and soft hyphen": "\ufeffAteliers socio\u00adlinguistiques à Lyon",
	}
	want := TitleKey(plain)
	if want != "ateliers sociolinguistiques à lyon" {
		t.Fatalf("TitleKey(%q) = %q", plain, want)
	}
	for name, s := range same {
		if got := TitleKey(s); got != want {
			t.Errorf("%s: TitleKey(%q) = %q, want %q", name, s, got, want)
		}
	}
	// Different projects stay different: a letter, an accent, a word.
	for _, s := range []string{"Ateliers sociolinguistiques a Lyon", "Ateliers sociolinguistiques à Lyon 2", "Atelier sociolinguistique à Lyon"} {
		if got := TitleKey(s); got == want {
			t.Errorf("TitleKey(%q) = %q, the same as %q", s, got, plain)
		}
	}
}

func TestKeys(t *testing.T) {
	cases := []struct{ siret, rna, want string }{
		{"73282932000074", "", "siren:732829320"},
		{"73282932000074", "W691234567", "siren:732829320"},
		{"73282932000082", "", "siren:732829320"}, // another establishment, the same legal person
		{"", "w691234567", "rna:W691234567"},
		{"", "", ""},
	}
	for _, c := range cases {
		if got := Key(c.siret, c.rna); got != c.want {
			t.Errorf("Key(%q, %q) = %q, want %q", c.siret, c.rna, got, c.want)
		}
	}
	if got := LegacyKey("siret:73282932000074"); got != "siren:732829320" {
		t.Errorf("LegacyKey = %q", got)
	}
	if got := LegacyKey("rna:W691234567"); got != "rna:W691234567" {
		t.Errorf("LegacyKey(rna) = %q", got)
	}
}

// A CTAI's bilan identifies an association by a SIREN, a SIRET or an RNA number;
// one character more or less, or another letter than W, is refused.
func TestNumberKey(t *testing.T) {
	for in, want := range map[string]string{
		"123456789":      "siren:123456789",
		"123 456 789":    "siren:123456789",
		"12345678900012": "siren:123456789",
		"W691234567":     "rna:W691234567",
		"w751234567":     "rna:W751234567",
	} {
		if got, ok := NumberKey(in); !ok || got != want {
			t.Errorf("NumberKey(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, in := range []string{"", "12345678", "1234567890", "1234567890001", "123456789000123", "X691234567", "W69123456", "W6912345678", "W69123456A", "12345678A"} {
		if got, ok := NumberKey(in); ok {
			t.Errorf("NumberKey(%q) = %q, accepted", in, got)
		}
	}
}
