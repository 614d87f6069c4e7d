package workbook_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/xuri/excelize/v2"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/workbook"
	"github.com/dian-p104/aap/models"
)

func TestPNEListFlagsTheRowsToFix(t *testing.T) {
	rows := []models.PNEStructure{
		{ID: 1, AssociationName: "Accueil Rhône", Email: "contact@accueil.example", Region: "84", Department: "69", FundedActions: 2},
		{ID: 2, AssociationName: "Lire ensemble", Region: "84", Department: "69", FundedActions: 1},
		{ID: 3, AssociationName: "Parole", Email: "CONTACT@accueil.example", Region: "53", FundedActions: 3},
		{ID: 4, AssociationName: "Sans souci", Email: "ok@example.org", Region: "53", FundedActions: 1},
	}
	data, err := workbook.PNEList(rows, store.PNEProblems(rows))
	require.NoError(t, err)
	got, err := workbook.Read(data, workbook.PNEStructuresSheet)
	require.NoError(t, err)
	require.Len(t, got, 5)
	assert.Equal(t, []string{"Identifiant", "Structure", "Nombre d'actions financées", "Adresse électronique", "Région", "Département", "À corriger"}, got[0])
	assert.Equal(t, []string{"1", "Accueil Rhône", "2", "contact@accueil.example", "84", "69", "adresse partagée"}, got[1])
	assert.Equal(t, []string{"2", "Lire ensemble", "1", "", "84", "69", "adresse manquante"}, got[2])
	assert.Equal(t, "adresse partagée", got[3][6])
	assert.Len(t, got[4], 5, "a structure with its own address is not flagged")
	v, typ, err := workbook.Value(data, workbook.PNEStructuresSheet, "C4")
	require.NoError(t, err)
	assert.Equal(t, "3", v)
	assert.NotEqual(t, excelize.CellTypeSharedString, typ, "the number of actions is a number")

	fix, err := workbook.Read(data, workbook.PNEProblemsSheet)
	require.NoError(t, err)
	require.Len(t, fix, 4, "header, two sharing an address, one without")
	assert.Equal(t, []string{"2", "Lire ensemble", "adresse manquante"}, fix[2][:3])

	clean, err := workbook.PNEList(rows[3:], store.PNEProblems(rows[3:]))
	require.NoError(t, err)
	fix, err = workbook.Read(clean, workbook.PNEProblemsSheet)
	require.NoError(t, err)
	assert.Len(t, fix, 1, "nothing to fix: the header only")
}

func TestCTAISummaryTable(t *testing.T) {
	opinionAt := time.Date(2027, 3, 2, 9, 0, 0, 0, time.UTC)
	rows := []models.CTAIRequest{
		{Territory: "69", CollectiviteName: "Villeurbanne", CollectiviteCode: "69266", Kind: ctai.KindRenewal,
			FiledAt: time.Date(2027, 2, 28, 23, 30, 0, 0, time.UTC), Inhabitants: 160000, CIRCount: 900, HousingCompetent: true,
			Actions: []ctai.Action{{Title: "Accès au logement", Domain: "logement", BudgetCents: 6_000_000},
				{Title: "Ateliers de français", Domain: "langue", BudgetCents: 4_000_050}},
			RequestedCents: 10_000_050, PreviousDelegatedCents: 12_000_000,
			Coordinator:     &ctai.Coordinator{CostCents: 5_000_000, LocalShareCents: 1_000_000},
			ProposedOpinion: ctai.OpinionUnfavourable, Coherence: &ctai.Coherence{CIRCount: 900, CentsPerCIR: 15_555},
			Opinion: ctai.OpinionFavourable, DelegatedCents: 9_000_000, Motivation: "Bilan reçu depuis", DecidedBy: "Agent DIAN", OpinionAt: &opinionAt,
			Outcomes: []ctai.Outcome{{Rule: ctai.RuleCeiling, Passed: true}, {Rule: ctai.RuleBilan, Passed: false}}},
		{Territory: "69", CollectiviteName: "Vénissieux", CollectiviteCode: "69259", Kind: ctai.KindNew,
			FiledAt: time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC), Actions: []ctai.Action{{Title: "Mobilité", Domain: "mobilite", BudgetCents: 100}}},
	}
	data, err := workbook.CTAISummary(rows)
	require.NoError(t, err)
	got, err := workbook.Read(data, workbook.CTAIRequestsSheet)
	require.NoError(t, err)
	require.Len(t, got, 3)
	assert.Equal(t, "Financement demandé", got[0][9])
	r := got[1]
	assert.Equal(t, []string{"69", "Villeurbanne", "69266", "renouvellement"}, r[:4])
	assert.Equal(t, "oui", r[7])
	assert.Equal(t, "Accès au logement, Apprentissage du français", r[8])
	assert.Equal(t, "absent", r[13], "a renewal without bilan")
	assert.Equal(t, "défavorable", r[14], "proposed")
	assert.Equal(t, "Bilan du contrat précédent", r[15])
	assert.Equal(t, []string{"155.55 €", "favorable", "90,000.00 €", "Bilan reçu depuis", "Agent DIAN"}, r[16:21], "DIAN overrode the proposal")
	assert.Equal(t, "en instruction", got[2][14])
	assert.Equal(t, "en instruction", got[2][17], "not decided")
	assert.Equal(t, "sans objet", got[2][13])

	for cell, want := range map[string]string{"J2": "100000.50", "K2": "120000.00", "L2": "20.0", "F2": "160000"} {
		v, typ, err := workbook.Value(data, workbook.CTAIRequestsSheet, cell)
		require.NoError(t, err)
		assert.Equal(t, want, v, cell)
		assert.NotEqual(t, excelize.CellTypeSharedString, typ, "%s is a number", cell)
	}
	v, _, err := workbook.Value(data, workbook.CTAIRequestsSheet, "E2")
	require.NoError(t, err)
	assert.Equal(t, "46447", v, "filed on 1 March 2027 in Paris (23:30 UTC on 28 February), an Excel date")
	acts, err := workbook.Read(data, workbook.CTAIActionsSheet)
	require.NoError(t, err)
	require.Len(t, acts, 4)
	assert.Equal(t, []string{"Villeurbanne", "renouvellement", "Ateliers de français", "Apprentissage du français"}, acts[2][:4])
}
