package control

import (
	"testing"

	"github.com/stretchr/testify/require"
)

func refs(rs []Ranked) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Reference
	}
	return out
}

func codes(r Ranked) []string {
	var out []string
	for _, x := range r.Reasons {
		out = append(out, x.Code)
	}
	return out
}

// Auvergne-Rhône-Alpes (84): Rhône (69), Isère (38), Ain (01).
func TestRankDoubtBeatsAmount(t *testing.T) {
	got := Rank("84", []Candidate{
		{Reference: "big", Department: "69", GrantedCents: 9_000_000},
		{Reference: "doubt", Department: "69", GrantedCents: 100_000, Doubts: []string{DoubtFunds}},
	})
	require.Equal(t, []string{"doubt", "big"}, refs(got))
	require.Equal(t, []string{ReasonDoubt, ReasonFunding}, codes(got[0]))
	require.Equal(t, []string{ReasonFunding}, codes(got[1]), "the Rhône is covered by the doubt: the big one is not its department's pick")
	require.Equal(t, 1, got[0].Rank)
	require.Equal(t, 2, got[1].Rank)
}

func TestRankWithoutDoubtLargestFirst(t *testing.T) {
	got := Rank("84", []Candidate{
		{Reference: "small", Department: "69", GrantedCents: 100_000},
		{Reference: "large", Department: "69", GrantedCents: 500_000},
	})
	require.Equal(t, []string{"large", "small"}, refs(got))
	require.Equal(t, []string{ReasonDepartment, ReasonFunding}, codes(got[0]))
}

func TestRankGuaranteesOnePerDepartment(t *testing.T) {
	got := Rank("84", []Candidate{
		{Reference: "rhone-1", Department: "69", GrantedCents: 9_000_000},
		{Reference: "rhone-2", Department: "69", GrantedCents: 8_000_000},
		{Reference: "ain", Department: "01", GrantedCents: 50_000},
		{Reference: "isere", Department: "38", GrantedCents: 70_000},
		{Reference: "regional", Department: "", GrantedCents: 7_000_000},
		{Reference: "elsewhere", Department: "75", GrantedCents: 10_000_000}, // Paris: not a department of the region
	})
	require.Equal(t, []string{"rhone-1", "isere", "ain", "elsewhere", "rhone-2", "regional"}, refs(got),
		"the Ain's and the Isère's small conventions come before the Rhône's second")
	for _, r := range got[:3] {
		require.Contains(t, codes(r), ReasonDepartment, r.Reference)
	}
	for _, r := range got[3:] {
		require.NotContains(t, codes(r), ReasonDepartment, r.Reference)
	}
}

func TestRankTiesKeepTheGivenOrder(t *testing.T) {
	in := []Candidate{
		{Reference: "a", Department: "69", GrantedCents: 100},
		{Reference: "b", Department: "69", GrantedCents: 100},
		{Reference: "c", Department: "69", GrantedCents: 100},
		{Reference: "d", Department: "01", GrantedCents: 100, Doubts: []string{DoubtDelivery}},
		{Reference: "e", Department: "01", GrantedCents: 100, Doubts: []string{DoubtFunds}},
	}
	for range 5 {
		require.Equal(t, []string{"d", "e", "a", "b", "c"}, refs(Rank("84", in)))
	}
	require.Empty(t, Rank("84", nil))
}

func TestReasonsSayTheAmountInEuros(t *testing.T) {
	got := Rank("84", []Candidate{{Reference: "a", Department: "69", GrantedCents: 1_250_050}})
	require.Equal(t, "Financement P104 de l'association dans l'année : 12\u00a0500,50\u00a0€ (cette seule convention).", got[0].Reasons[1].Message)
	require.Equal(t, "Association la plus financée du département Rhône (69) : au moins un contrôle par département.", got[0].Reasons[0].Message)
}

// §8.5 weighs the association's funding, not one convention's: a small
// convention of an association funded 90,000 € across the year's calls comes
// before a single 50,000 € convention, at the threshold and just past it.
func TestRankWeighsTheAssociationsWholeFunding(t *testing.T) {
	for _, tc := range []struct {
		name       string
		assocCents int64
		want       []string
	}{
		{"whole funding above the single convention", 5_000_001, []string{"small-of-big", "single"}},
		{"whole funding equal: the larger convention first", 5_000_000, []string{"single", "small-of-big"}},
		{"whole funding below", 4_999_999, []string{"single", "small-of-big"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Rank("84", []Candidate{
				{Reference: "small-of-big", Department: "", GrantedCents: 1_000_000, AssociationCents: tc.assocCents, AssociationConventions: 3},
				{Reference: "single", Department: "", GrantedCents: 5_000_000, AssociationCents: 5_000_000, AssociationConventions: 1},
			})
			require.Equal(t, tc.want, refs(got))
		})
	}
	got := Rank("84", []Candidate{
		{Reference: "single", Department: "69", GrantedCents: 5_000_000, AssociationCents: 5_000_000, AssociationConventions: 1},
		{Reference: "small-of-big", Department: "69", GrantedCents: 1_000_000, AssociationCents: 9_000_000, AssociationConventions: 3},
	})
	require.Equal(t, []string{"small-of-big", "single"}, refs(got), "the department's pick is its most funded association")
	require.Equal(t, []string{ReasonDepartment, ReasonFunding}, codes(got[0]))
	require.Equal(t, "Financement P104 de l'association dans l'année : 90\u00a0000,00\u00a0€ (3 conventions), dont 10\u00a0000,00\u00a0€ par cette convention.",
		got[0].Reasons[1].Message)
	require.Equal(t, []string{ReasonFunding}, codes(got[1]))
}

// A doubt still comes first, whatever the association's funding.
func TestRankDoubtBeatsTheAssociationsFunding(t *testing.T) {
	got := Rank("84", []Candidate{
		{Reference: "rich", Department: "69", GrantedCents: 100, AssociationCents: 90_000_000, AssociationConventions: 4},
		{Reference: "doubt", Department: "38", GrantedCents: 100, Doubts: []string{DoubtDelivery}},
	})
	require.Equal(t, []string{"doubt", "rich"}, refs(got))
	require.Equal(t, "Un correspondant a signalé un doute sur la réalisation des actions.", got[0].Reasons[0].Message)
}

func names(rs []Ranked) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.AssociationName
	}
	return out
}

// §8.5 also controls « les associations financées dans le cadre des CTAI »: an
// association a CTAI funded competes with the conventions on its whole P104
// funding of the year, its CTAI amount included, both ways and at the threshold.
func TestRankWeighsCTAIFundedAssociations(t *testing.T) {
	for _, tc := range []struct {
		name      string
		ctaiCents int64
		want      []string
	}{
		{"CTAI amount above the convention", 5_000_001, []string{"Toit commun", "Habitat"}},
		{"equal: the convention, given first, stays first", 5_000_000, []string{"Habitat", "Toit commun"}},
		{"CTAI amount below", 4_999_999, []string{"Habitat", "Toit commun"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := Rank("84", []Candidate{
				{Reference: "C-1", AssociationName: "Habitat", GrantedCents: 5_000_000},
				{Subject: SubjectCTAI, CTAIRequestID: "r1", CollectiviteName: "Ville de Villeurbanne", AssociationName: "Toit commun",
					GrantedCents: tc.ctaiCents},
			})
			require.Equal(t, tc.want, names(got))
		})
	}
	// An association also funded by a call adds up: its 20,000 € through the CTAI
	// and 40,000 € by a convention outweigh a single 50,000 € convention.
	got := Rank("84", []Candidate{
		{Reference: "single", AssociationName: "Habitat", Department: "38", GrantedCents: 5_000_000},
		{Subject: SubjectCTAI, CollectiviteName: "Ville de Villeurbanne", AssociationName: "Toit commun", Department: "69",
			GrantedCents: 2_000_000, AssociationCents: 6_000_000, AssociationConventions: 1, AssociationCTAIs: 1},
	})
	require.Equal(t, []string{"Toit commun", "Habitat"}, names(got))
	require.Equal(t, []string{ReasonDepartment, ReasonCTAI, ReasonFunding}, codes(got[0]))
	require.Equal(t, "Association la plus financée du département Rhône (69) : au moins un contrôle par département.", got[0].Reasons[0].Message)
	require.Equal(t, "Association financée via le CTAI de Ville de Villeurbanne (20\u00a0000,00\u00a0€).", got[0].Reasons[1].Message)
	require.Equal(t, "Financement P104 de l'association dans l'année : 60\u00a0000,00\u00a0€ (1 convention et 1 CTAI), dont 20\u00a0000,00\u00a0€ par ce CTAI.",
		got[0].Reasons[2].Message)
	got = Rank("84", []Candidate{
		{Reference: "single", AssociationName: "Habitat", Department: "69", GrantedCents: 5_000_000},
		{Subject: SubjectCTAI, CollectiviteName: "Ville de Villeurbanne", AssociationName: "Toit commun", Department: "69",
			GrantedCents: 2_000_000, AssociationCents: 4_999_999, AssociationConventions: 1, AssociationCTAIs: 1},
	})
	require.Equal(t, []string{"Habitat", "Toit commun"}, names(got), "just below the convention: the Rhône's pick is the convention")
	require.Equal(t, []string{ReasonCTAI, ReasonFunding}, codes(got[1]))
}

// A bilan naming an association without its amount still makes it a candidate, last of its tier.
func TestRankCTAIAssociationWithoutAmount(t *testing.T) {
	got := Rank("84", []Candidate{
		{Subject: SubjectCTAI, CollectiviteName: "Métropole de Lyon", AssociationName: "Sans montant", Department: "69"},
		{Subject: SubjectCTAI, CollectiviteName: "Métropole de Lyon", AssociationName: "Avec montant", Department: "69", GrantedCents: 1},
	})
	require.Equal(t, []string{"Avec montant", "Sans montant"}, names(got))
	require.Equal(t, "Association financée via le CTAI de Métropole de Lyon (montant non précisé par le bilan).", got[1].Reasons[0].Message)
	require.Equal(t, "Financement P104 de l'association dans l'année : 0,00\u00a0€ (ce seul CTAI).", got[1].Reasons[1].Message)
	require.Equal(t, "2 CTAI", fundings(Candidate{Subject: SubjectCTAI, AssociationCTAIs: 2}))
	require.Equal(t, "2 conventions et 1 CTAI", fundings(Candidate{AssociationConventions: 2, AssociationCTAIs: 1}))
}
