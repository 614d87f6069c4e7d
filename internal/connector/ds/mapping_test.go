package ds_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/internal/connector/ds"
	"github.com/dian-p104/aap/internal/connector/ds/dstest"
)

func TestMappingCheck(t *testing.T) {
	descs := dstest.Descriptors()
	assert.Empty(t, dstest.Mapping().Check("m", descs))

	rules := func(m ds.Mapping) map[string]string {
		out := map[string]string{}
		for _, p := range m.Check("m", descs) {
			out[p.Field] = p.Rule
		}
		return out
	}
	m := dstest.Mapping()
	m["project.title"] = "Q2hhbXAtOTk="         // no such champ
	m["project.requested_eur"] = "Q2hhbXAtMg==" // a text champ for an amount
	m["project.budget"] = "Q2hhbXAtOA=="        // no such field
	delete(m, "project.description")
	assert.Equal(t, map[string]string{
		"m.project.title": "unknown_champ", "m.project.requested_eur": "champ_type",
		"m.project.budget": "unknown_field", "m.project.description": "required",
	}, rules(m))

	m = dstest.Mapping()
	m["project.beneficiaries.bpi"] = "Q2hhbXAtNw==" // a decimal for a count
	assert.Equal(t, map[string]string{"m.project.beneficiaries.bpi": "champ_type"}, rules(m))
	m = dstest.Mapping()
	m["association.cer_signed"] = "Q2hhbXAtMTE=" // an attachment
	assert.Equal(t, map[string]string{"m.association.cer_signed": "champ_type"}, rules(m))
	m = dstest.Mapping()
	delete(m, "association.siret")
	assert.Equal(t, map[string]string{"m.association.siret": "required"}, rules(m), "a SIRET or an RNA")
}

func TestMappingApplyBuildsTheAPIsBody(t *testing.T) {
	d := dstest.ValidAnswers("Ateliers sociolinguistiques").Dossier(12, ds.StateEnConstruction, time.Now())
	var dossier ds.Dossier
	raw, err := json.Marshal(map[string]any{"champs": d.Champs, "usager": map[string]string{"email": d.Email}})
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(raw, &dossier))
	body, problems := dstest.Mapping().Apply(dossier, map[string]string{"Apprentissage du français": "langue"})
	require.Empty(t, problems)
	got, err := json.Marshal(body)
	require.NoError(t, err)
	assert.JSONEq(t, `{
	  "association": {"siret": "73282932000074", "name": "Accueil Rhône", "cer_signed": true, "email": "contact@accueil-rhone.example.org"},
	  "project": {"title": "Ateliers sociolinguistiques", "theme": "langue", "description": "Ateliers de français pour des signataires du CIR.",
	              "requested_eur": 15000, "total_budget_eur": 30000, "beneficiaries": {"bpi": 20, "non_bpi": 40}}}`, string(got))

	dossier.Champs = dossier.Champs[:3] // the title and what follows are missing
	_, problems = dstest.Mapping().Apply(dossier, nil)
	assert.Len(t, problems, 7)
	assert.Equal(t, "champ_absent", problems[0].Rule)
}
