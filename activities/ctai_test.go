package activities_test

import (
	"log/slog"
	"sort"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/testsuite"

	"github.com/dian-p104/aap/activities"
	"github.com/dian-p104/aap/internal/platform/mailcatcher"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/rules/policy"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
	"github.com/dian-p104/aap/policies"
)

func TestCTAIEvaluatedRecordedAndSentOnceToEachRecipient(t *testing.T) {
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)
	requests := store.NewCTAIRequests(db)
	id := uuid.NewString()
	row := &models.CTAIRequest{ID: id, WorkflowID: "aap/ctai/2027/" + id, Year: 2027, Kind: ctai.KindRenewal,
		CollectiviteCode: "69266", CollectiviteName: "Ville de Villeurbanne", CollectiviteEmail: "ctai@villeurbanne.example",
		Territory: "69", CorrespondentEmail: "ddets@rhone.gouv.fr", HousingCompetent: true,
		Actions:        []ctai.Action{{Title: "Logement", Domain: "logement", BudgetCents: 5_000_000}, {Title: "Français", Domain: "langue", BudgetCents: 5_000_000}},
		RequestedCents: 10_000_000, PreviousDelegatedCents: 10_000_000, State: models.CTAIFiled, FiledAt: time.Now().UTC()}
	_, _, err := requests.Create(t.Context(), row)
	require.NoError(t, err)

	set, err := policy.Load(policies.FS)
	require.NoError(t, err)
	pol, err := set.ForYear(2027)
	require.NoError(t, err)
	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{CTAI: requests, Outbox: outbox, DIANEmail: "dian@interieur.example", Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)
	ref := activities.CTAIRef{RequestID: id, WorkflowID: row.WorkflowID}

	v, err := env.ExecuteActivity(a.ProposeCTAI, activities.CTAIEvaluation{CTAIRef: ref, Rules: pol.CTAI})
	require.NoError(t, err)
	var op ctai.Proposal
	require.NoError(t, v.Get(&op))
	assert.Equal(t, ctai.OpinionUnfavourable, op.Opinion, "a renewal without bilan")
	assert.Equal(t, 1, op.Failed())
	assert.EqualValues(t, 10_000_000, op.Coherence.StateFundingCents)
	stored, err := requests.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, models.CTAIProposed, stored.State, "proposed, not decided: DIAN decides")
	assert.Empty(t, stored.Opinion)
	require.Len(t, stored.Outcomes, 6)

	// DIAN overrides the proposal: recorded with the agent, then emailed.
	agent := models.Actor{Name: "Agent DIAN"}
	decision := ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: "Bilan absent au 30 juin."}
	for range 2 { // a retried activity records once
		_, err = env.ExecuteActivity(a.RecordCTAIOpinion, activities.CTAIDecisionRecord{CTAIRef: ref, Decision: decision, Actor: agent, At: time.Now()})
		require.NoError(t, err)
	}
	_, err = env.ExecuteActivity(a.RecordCTAIOpinion, activities.CTAIDecisionRecord{CTAIRef: ref,
		Decision: ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: 1}, Actor: models.Actor{Name: "Autre agent"}, At: time.Now()})
	require.Error(t, err, "another opinion after the first: one winner")
	stored, err = requests.Get(t.Context(), id)
	require.NoError(t, err)
	assert.Equal(t, models.CTAIReviewed, stored.State)
	assert.Equal(t, "Agent DIAN", stored.DecidedBy)

	for range 2 { // a retried activity sends nothing twice
		_, err = env.ExecuteActivity(a.NotifyCTAIOpinion, ref)
		require.NoError(t, err)
	}
	got, err := catcher.WaitFor(t.Context(), 3)
	require.NoError(t, err)
	require.Equal(t, 3, catcher.Count())
	var to []string
	for _, m := range got {
		to = append(to, m.To...)
		assert.Contains(t, m.Subject, "avis défavorable")
	}
	sort.Strings(to)
	assert.Equal(t, []string{"ctai@villeurbanne.example", "ddets@rhone.gouv.fr", "dian@interieur.example"}, to)
	msg, err := catcher.Get(got[0].ID)
	require.NoError(t, err)
	assert.Contains(t, msg.TextBody, "Bilan du contrat précédent : NON RESPECTÉ")
	assert.Contains(t, msg.TextBody, "Motivation : Bilan absent au 30 juin.")
}

// The list step sends DIAN the whole list and each correspondent its territory's, as XLSX.
func TestBuildPNEListEmailsTheListToDIANAndCorrespondents(t *testing.T) {
	db := storetest.SQLite(t)
	outbox, catcher := withCatcher(t, db)
	seed := func(territory, contact string, dossiers ...[3]string) {
		id := uuid.NewString()
		require.NoError(t, db.Create(&models.Campaign{ID: id, WorkflowID: "aap/" + id, Year: 2026, Level: models.LevelDepartmental,
			Territory: territory, Title: "Appel " + territory, Phase: models.PhaseSelected, ContactEmail: contact}).Error)
		for i, d := range dossiers {
			app := &models.Application{ID: uuid.NewString(), CampaignID: id, WorkflowID: "aap/" + id + "/" + strconv.Itoa(i), Year: 2026,
				AssociationKey: d[0], AssociationName: d[1], AssociationEmail: d[2], Title: "t" + strconv.Itoa(i), TitleKey: "t" + strconv.Itoa(i),
				Theme: "langue", State: models.ApplicationRetained, Decision: "retenu"}
			require.NoError(t, db.Create(app).Error)
			// §8.4: the list holds the structures whose convention was signed.
			require.NoError(t, db.Create(&models.Convention{ID: uuid.NewString(), ApplicationID: app.ID, CampaignID: id,
				Reference: "CONV-" + app.ID, State: models.ConventionSigned}).Error)
		}
	}
	seed("69", "ddets@rhone.gouv.fr", [3]string{"siret:1", "Accueil Rhône", "a@example.org"}, [3]string{"siret:2", "Lire ensemble", ""})
	seed("35", "ddets@ille.gouv.fr", [3]string{"siret:3", "Parole", "p@example.org"})
	seed("22", "", [3]string{"siret:4", "Sans correspondant", "s@example.org"})

	var suite testsuite.WorkflowTestSuite
	env := suite.NewTestActivityEnvironment()
	env.RegisterActivity(&activities.Activities{PNE: store.NewPNEStructures(db), Outbox: outbox, DIANEmail: "dian@interieur.example", Logger: slog.New(slog.DiscardHandler)})
	a := (*activities.Activities)(nil)
	ref := activities.PNERef{Year: 2027, WorkflowID: "aap/pne/2027"}
	for range 2 {
		v, err := env.ExecuteActivity(a.BuildPNEList, ref)
		require.NoError(t, err)
		var sum activities.PNEListSummary
		require.NoError(t, v.Get(&sum))
		assert.Equal(t, activities.PNEListSummary{Structures: 4, MissingEmail: 1}, sum)
	}
	got, err := catcher.WaitFor(t.Context(), 3)
	require.NoError(t, err)
	require.Equal(t, 3, catcher.Count(), "DIAN, the Rhône and Ille-et-Vilaine, once each")
	byTo := map[string]mailcatcher.Summary{}
	for _, m := range got {
		byTo[m.To[0]] = m
	}
	rhone, err := catcher.Get(byTo["ddets@rhone.gouv.fr"].ID)
	require.NoError(t, err)
	require.Len(t, rhone.Attachments, 1)
	assert.Equal(t, "pne-2027-structures.xlsx", rhone.Attachments[0].Filename)
	rows, err := workbook.Read(rhone.Attachments[0].Content, workbook.PNEStructuresSheet)
	require.NoError(t, err)
	require.Len(t, rows, 3, "header and the Rhône's two structures")
	assert.Contains(t, rhone.TextBody, "Lire ensemble : Aucune adresse électronique")
	dian, err := catcher.Get(byTo["dian@interieur.example"].ID)
	require.NoError(t, err)
	rows, err = workbook.Read(dian.Attachments[0].Content, workbook.PNEStructuresSheet)
	require.NoError(t, err)
	assert.Len(t, rows, 5, "DIAN gets every structure")
}
