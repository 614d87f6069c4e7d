package api_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/dian-p104/aap/models"
)

// identityDossier is a dossier of the association identified by siret and/or rna, for the project title.
func identityDossier(siret, rna, title string) body {
	return body{
		"association": map[string]any{"siret": siret, "rna": rna, "name": "Accueil Rhône",
			"email": "contact@accueil-rhone.example.org", "cer_signed": true},
		"project": map[string]any{"title": title, "theme": "langue", "description": "Ateliers de français pour des signataires du CIR.",
			"requested_eur": 5000, "total_budget_eur": 30000, "beneficiaries": map[string]any{"bpi": 20, "non_bpi": 40}},
	}
}

// The same project written four ways — plain, in NFD, with a zero-width space, in
// fullwidth letters — is one dossier in its call (201 then the same dossier, Idempotent-Replayed), and in
// another call of the year the double-funding flag; another title is another dossier.
func TestTheSameProjectWrittenFourWaysIsOneDossier(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	open := seed{year: 2027, territory: "69", phase: models.PhasePublished,
		publishAt: fixedNow.Add(-24 * time.Hour), closeAt: fixedNow.Add(30 * 24 * time.Hour)}
	call, other := e.seedCampaign(t, open), e.seedCampaign(t, open)
	spellings := []string{
		"Ateliers sociolinguistiques à Lyon",
		"Ateliers sociolinguistiques a\u0300 Lyon", // NFD
		"Ateliers socio\u200blinguistiques à Lyon", // zero-width space
		"Ａｔｅｌｉｅｒｓ ＳＯＣＩＯＬＩＮＧＵＩＳＴＩＱＵＥＳ à Lyon",       // fullwidth, upper case
	}
	var first string
	for i, title := range spellings {
		rec := e.do(t, http.MethodPost, "/api/v1/campaigns/"+call.ID+"/applications", identityDossier("73282932000074", "", title).json(t))
		require.Equal(t, http.StatusCreated, rec.Code, "spelling %d: %s", i, rec.Body.String())
		assert.Equal(t, i > 0, rec.Header().Get("Idempotent-Replayed") == "true", "spelling %d", i)
		id := decodeObject(t, rec)["id"].(string)
		if i == 0 {
			first = id
		}
		assert.Equal(t, first, id, "spelling %d is the same dossier", i)
	}
	var n int64
	require.NoError(t, e.db.Model(&models.Application{}).Where("campaign_id = ?", call.ID).Count(&n).Error)
	assert.EqualValues(t, 1, n)

	// Another project of the same association is another dossier.
	rec := e.do(t, http.MethodPost, "/api/v1/campaigns/"+call.ID+"/applications", identityDossier("73282932000074", "", "Ateliers sociolinguistiques à Lyon 2").json(t))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())

	// In another call of the year, the fullwidth spelling is flagged as the same project.
	rec = e.do(t, http.MethodPost, "/api/v1/campaigns/"+other.ID+"/applications", identityDossier("73282932000074", "", spellings[3]).json(t))
	require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
	var twin models.Application
	require.NoError(t, e.db.Where("campaign_id = ?", other.ID).Take(&twin).Error)
	assert.Equal(t, []string{first}, twin.DoubleFundingWith)
}

// An association files with its SIRET, then with its SIRET and RNA, then with its RNA
// alone: it is one association (its SIREN's key), and the RNA-only dossier of the
// same project in the same call is the dossier it filed first.
func TestSIRETThenRNAIsOneAssociation(t *testing.T) {
	e := newEnv(t)
	e.acceptStarts()
	open := seed{year: 2027, territory: "69", phase: models.PhasePublished,
		publishAt: fixedNow.Add(-24 * time.Hour), closeAt: fixedNow.Add(30 * 24 * time.Hour)}
	call := e.seedCampaign(t, open)
	post := func(siret, rna, title string) (replayed bool, id string) {
		rec := e.do(t, http.MethodPost, "/api/v1/campaigns/"+call.ID+"/applications", identityDossier(siret, rna, title).json(t))
		require.Equal(t, http.StatusCreated, rec.Code, rec.Body.String())
		return rec.Header().Get("Idempotent-Replayed") == "true", decodeObject(t, rec)["id"].(string)
	}
	_, bySIRET := post("73282932000074", "", "Ateliers sociolinguistiques")
	replayed, rnaAlone := post("", "W691234567", "Ateliers sociolinguistiques")
	assert.False(t, replayed, "an RNA never linked is not yet known to be the SIRET's")
	assert.NotEqual(t, bySIRET, rnaAlone)

	// A dossier giving both links them: the RNA's dossier moves to the SIREN.
	_, both := post("73282932000074", "W691234567", "Cours de français langue étrangère")
	var keys []string
	require.NoError(t, e.db.Model(&models.Application{}).Where("id IN ?", []string{bySIRET, rnaAlone, both}).
		Distinct("association_key").Pluck("association_key", &keys).Error)
	assert.Equal(t, []string{"siren:732829320"}, keys)

	// From now on the RNA alone is the SIREN's association.
	replayed, again := post("", "W691234567", "Cours de français langue étrangère")
	assert.True(t, replayed)
	assert.Equal(t, both, again)
}
