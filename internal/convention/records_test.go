package convention

import (
	"strings"
	"testing"

	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/models"
)

// The stored decision and call decide the optional articles, both ways: the
// Carif-Oref listing for a formation linguistique « à visée professionnelle »
// under another theme (§4.1.2), the 3 % revaluation (§8.1); the policy's eligible
// public with its source (§8.5); the call's criteria in annex 1 (§8.4).
func TestFromRecordsFollowsTheDecisionAndThePolicy(t *testing.T) {
	c := &models.Campaign{Year: 2027, Level: models.LevelDepartmental, Territory: "69", Title: "Appel 2027",
		Indicators: []string{"taux d'assiduité"}, EvaluationCriteria: []string{"insertion dans l'emploi à 6 mois"}}
	c.Policy.Convention.EligiblePublic = policy.EligiblePublic{Definition: "Public de la politique.", MixedActions: "Prorata.",
		Check: "Registre.", Source: "Politique 2027, §8.5."}
	conv := &models.Convention{Reference: "CONV-2027-69-0001", Kind: Annual, GrantedCents: 100}
	for _, tc := range []struct {
		name          string
		theme         string
		language, pay bool
		carif, reval  bool
	}{
		{"employment, vocational French", "emploi", true, false, true, false},
		{"employment alone", "emploi", false, false, false, false},
		{"language theme", "langue", false, true, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			app := &models.Application{RNA: "W691234567", AssociationName: "Accueil", Title: "Français pour l'emploi",
				Theme: tc.theme, LanguageTraining: tc.language, PayRevaluation: tc.pay}
			d := FromRecords(app, c, conv)
			all := allText(d.Clauses())
			if has := strings.Contains(all, "Carif-Oref"); has != tc.carif {
				t.Errorf("Carif-Oref article: %v, want %v", has, tc.carif)
			}
			if has := strings.Contains(all, "revalorisation de 3 %"); has != tc.reval {
				t.Errorf("3 %% revaluation article: %v, want %v", has, tc.reval)
			}
			mustContain(t, "policy's public", all, "Public de la politique.", "Source : Politique 2027, §8.5.")
			mustContain(t, "annex 1", d.Text(), "– insertion dans l'emploi à 6 mois ;", "– taux d'assiduité.")
		})
	}
}
