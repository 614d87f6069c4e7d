package mail

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The golden files of the recheck say what each reader must learn: confirmed or
// lifted, the questionnaire and its closure, and, to the correspondent only, what
// a dossier retained before the closure now asks of it.
func TestRenderRenewalBlockRechecked(t *testing.T) {
	confirmed, err := Render(TemplateRenewalBlockRechecked, renewalRecheckExample(true, false, false))
	require.NoError(t, err)
	assert.Equal(t, "Blocage confirmé à la clôture du PNE 2026 : dossier AAP-2027-69-0078, Ateliers de français à visée professionnelle (appel « Langue & emploi dans le Rhône »)", confirmed.Subject)
	for _, body := range []string{confirmed.Text, confirmed.HTML} {
		assert.Contains(t, body, "clos depuis le 31 mai 2027 sans réponse de votre association")
		assert.Contains(t, body, "Pour lever ce blocage : répondre au prochain questionnaire PNE")
		assert.Contains(t, body, "§8.4")
		assert.NotContains(t, body, "avait retenu")
	}
	toCorrespondent, err := Render(TemplateRenewalBlockRechecked, renewalRecheckExample(true, true, true))
	require.NoError(t, err)
	for _, body := range []string{toCorrespondent.Text, toCorrespondent.HTML} {
		assert.Contains(t, body, "sans réponse de l'association Association Accueil")
		assert.Contains(t, body, "il vous revient d'en tirer les conséquences pour la convention")
		assert.NotContains(t, body, "Mon dossier", "the association's personal link is not the correspondent's")
	}
	lifted, err := Render(TemplateRenewalBlockRechecked, renewalRecheckExample(false, false, false))
	require.NoError(t, err)
	assert.Equal(t, "Blocage levé à la clôture du PNE 2026 : dossier AAP-2027-69-0078, Ateliers de français à visée professionnelle (appel « Langue & emploi dans le Rhône »)", lifted.Subject)
	for _, body := range []string{lifted.Text, lifted.HTML} {
		assert.Contains(t, body, "Votre association a répondu au questionnaire du Plan national d'évaluation (PNE 2026) avant sa clôture, le 31 mai 2027")
		assert.NotContains(t, body, "confirmé")
	}

	provisional, err := Render(TemplateRenewalBlocked, templateExamples[TemplateRenewalBlocked][1].data)
	require.NoError(t, err)
	assert.Contains(t, provisional.Subject, "bloqué à titre provisoire")
	for _, body := range []string{provisional.Text, provisional.HTML} {
		assert.Contains(t, body, "revu à la clôture du PNE le 31 mai 2027")
		assert.Contains(t, body, "le blocage est confirmé ou levé")
		assert.NotContains(t, body, "ne peut pas être retenu")
	}
}
