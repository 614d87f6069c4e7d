package store_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/control"
	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// seedFundedCTAI stores a CTAI request of year in the department dep with DIAN's
// opinion and a bilan of the given actions; it returns its ID.
func seedFundedCTAI(t *testing.T, db *gorm.DB, year int, code, dep, opinion string, bilan ...ctai.ActionBilan) string {
	t.Helper()
	id := uuid.NewString()
	now := time.Now().UTC()
	require.NoError(t, db.Create(&models.CTAIRequest{ID: id, WorkflowID: "aap/ctai/" + id, Year: year, Kind: ctai.KindRenewal,
		CollectiviteCode: code, CollectiviteName: "Ville " + code, Territory: dep, State: models.CTAIReviewed,
		Opinion: opinion, DelegatedCents: 10_000_000, OpinionAt: &now, Bilan: bilan, FiledAt: now}).Error)
	return id
}

// §8.5: the region's candidates include the associations funded through a CTAI
// of its departments that DIAN's favourable opinion funded that year, each with
// what the bilan says it received; an association's weight is its whole P104
// funding of the year, conventions and CTAI (in any territory) added up.
func TestControlCandidatesIncludeCTAIFundedAssociations(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		conv := seedConvention(t, db, 2027, models.LevelDepartmental, "69", models.PhaseSelected, models.ConventionSigned, "C-69", 500_000)
		villeurbanne := seedFundedCTAI(t, db, 2027, "69266", "69", ctai.OpinionFavourable,
			ctai.ActionBilan{Action: "Logement", Associations: []string{"toit  COMMUN", "Les Voisins"}, FundedAssociations: []ctai.FundedAssociation{
				{Name: "Association C-69", AmountCents: 200_000}, // no number: joined to the call-funded association of that name
				{Name: "Toit commun", SIRENOrRNA: "123456789", AmountCents: 300_000}}},
			ctai.ActionBilan{Action: "Langue", FundedAssociations: []ctai.FundedAssociation{{Name: "Toit commun", SIRENOrRNA: "12345678900012", AmountCents: 100_000}}})
		seedFundedCTAI(t, db, 2027, "75056", "75", ctai.OpinionFavourable, // Paris: not the region's, but Toit commun's funding
			ctai.ActionBilan{Action: "Emploi", FundedAssociations: []ctai.FundedAssociation{{Name: "Toit commun", SIRENOrRNA: "123456789", AmountCents: 50_000}}})
		seedFundedCTAI(t, db, 2027, "38185", "38", ctai.OpinionUnfavourable,
			ctai.ActionBilan{Action: "Emploi", FundedAssociations: []ctai.FundedAssociation{{Name: "Refusée", AmountCents: 9_000_000}}})
		seedFundedCTAI(t, db, 2026, "38421", "38", ctai.OpinionFavourable,
			ctai.ActionBilan{Action: "Emploi", FundedAssociations: []ctai.FundedAssociation{{Name: "Financée en 2026", AmountCents: 9_000_000}}})

		got, err := store.NewControls(db).Candidates(ctx, 2027, "84")
		require.NoError(t, err)
		require.Equal(t, []control.Candidate{
			{Subject: control.SubjectConvention, ConventionID: conv, Reference: "C-69", AssociationName: "Association C-69", ProjectTitle: "C-69",
				Department: "69", GrantedCents: 500_000, AssociationCents: 700_000, AssociationConventions: 1, AssociationCTAIs: 1},
			{Subject: control.SubjectCTAI, CTAIRequestID: villeurbanne, CollectiviteName: "Ville 69266", AssociationKey: store.CTAIAssociationKey("Association C-69"),
				AssociationName: "Association C-69", Department: "69", GrantedCents: 200_000, AssociationCents: 700_000, AssociationConventions: 1, AssociationCTAIs: 1},
			{Subject: control.SubjectCTAI, CTAIRequestID: villeurbanne, CollectiviteName: "Ville 69266", AssociationKey: "siren:123456789",
				AssociationName: "Toit commun", Department: "69", GrantedCents: 400_000, AssociationCents: 450_000, AssociationCTAIs: 2},
			{Subject: control.SubjectCTAI, CTAIRequestID: villeurbanne, CollectiviteName: "Ville 69266", AssociationKey: store.CTAIAssociationKey("Les Voisins"),
				AssociationName: "Les Voisins", Department: "69", AssociationCTAIs: 1},
		}, got, "Toit commun's two actions are one candidate; named only, Les Voisins has no amount; an unfavourable CTAI's and 2026's are not candidates")

		paris, err := store.NewControls(db).Candidates(ctx, 2027, "11")
		require.NoError(t, err)
		require.Len(t, paris, 1)
		require.Equal(t, "Toit commun", paris[0].AssociationName)
		require.Equal(t, int64(450_000), paris[0].AssociationCents)

		r, f, err := store.NewControls(db).CTAIAssociation(ctx, villeurbanne, "siren:123456789")
		require.NoError(t, err)
		require.Equal(t, "69266", r.CollectiviteCode)
		require.Equal(t, int64(400_000), f.Cents)
		_, f, err = store.NewControls(db).CTAIAssociation(ctx, villeurbanne, "siren:999999999")
		require.NoError(t, err)
		require.Nil(t, f, "an association the bilan does not name")
		_, _, err = store.NewControls(db).CTAIAssociation(ctx, uuid.NewString(), "siren:123456789")
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

// A CTAI-funded association's control is planned once per CTAI and association
// (its unique subject), beside a convention's; it is audited with its subject,
// the synthesis lists it with its CTAI and amount, and it counts for its
// department: a department whose only candidate is a CTAI association is a gap
// until that control is held.
func TestControlOfACTAIFundedAssociation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewControls(db)
		conv := seedConvention(t, db, 2027, models.LevelDepartmental, "69", models.PhaseSelected, models.ConventionSigned, "C-69", 500_000)
		isere := seedFundedCTAI(t, db, 2027, "38185", "38", ctai.OpinionFavourable,
			ctai.ActionBilan{Action: "Emploi", FundedAssociations: []ctai.FundedAssociation{
				{Name: "Toit commun", SIRENOrRNA: "W381234567", AmountCents: 300_000}, {Name: "Les Voisins", AmountCents: 100_000}}})

		gaps, err := s.Gaps(ctx, 2027, "84", "2027-09-30")
		require.NoError(t, err)
		require.Equal(t, []string{"38", "69"}, []string{gaps[0].Department, gaps[1].Department})
		require.Equal(t, 2, gaps[0].Candidates, "the Isère's two CTAI-funded associations")

		plan := func(key, name string) (*models.Control, bool) {
			t.Helper()
			c, created, err := s.Plan(ctx, &models.Control{ID: uuid.NewString(), Subject: models.ControlOfCTAIAssociation,
				CTAIRequestID: isere, AssociationKey: key, AssociationName: name, Year: 2027, Region: "84", Department: "38",
				PlannedOn: "2027-06-15", Controller: "Inspectrice", State: models.ControlPlanned, FollowUpState: models.FollowUpStateNone})
			require.NoError(t, err)
			return c, created
		}
		toit, created := plan("rna:W381234567", "Toit commun")
		require.True(t, created)
		require.Equal(t, models.CTAISubjectKey(isere, "rna:W381234567"), toit.SubjectKey)
		require.Empty(t, toit.ConventionID)
		again, created := plan("rna:W381234567", "Toit commun")
		require.False(t, created, "one control per CTAI and association")
		require.Equal(t, toit.ID, again.ID)
		_, created = plan(store.CTAIAssociationKey("Les Voisins"), "Les Voisins")
		require.True(t, created, "another association of the same CTAI: no convention, no clash on an empty one")
		byConvention, created, err := s.Plan(ctx, &models.Control{ID: uuid.NewString(), ConventionID: conv, Year: 2027, Region: "84",
			Department: "69", PlannedOn: "2027-06-15", Controller: "Inspectrice", State: models.ControlPlanned, FollowUpState: models.FollowUpStateNone})
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, models.ControlOfConvention, byConvention.Subject)

		audit := auditOf(t, db, store.AuditControl, toit.ID)
		require.Len(t, audit, 1)
		require.Equal(t, "planned", audit[0].Action)
		require.Contains(t, string(audit[0].After), `"ctai_request_id":"`+isere+`"`)
		require.Contains(t, string(audit[0].After), `"association_name":"Toit commun"`)

		lines, err := s.SynthesisLines(ctx, 2027, "84")
		require.NoError(t, err)
		byName := map[string]string{}
		for _, l := range lines {
			byName[l.AssociationName] = l.Reference + " " + centsText(l.GrantedCents)
		}
		require.Equal(t, map[string]string{"Toit commun": "CTAI Ville 38185 300000", "Les Voisins": "CTAI Ville 38185 100000",
			"Association C-69": "C-69 500000"}, byName)

		require.NoError(t, s.RecordResult(ctx, toit.ID, &models.Control{Outcome: models.OutcomeCompliant, Findings: "Conforme",
			DoneOn: "2027-06-15", FollowUpKind: models.FollowUpNone, FollowUpState: models.FollowUpStateNone}))
		gaps, err = s.Gaps(ctx, 2027, "84", "2027-09-30")
		require.NoError(t, err)
		require.Len(t, gaps, 1, "the Isère's CTAI association's control held: only the Rhône is left")
		require.Equal(t, "69", gaps[0].Department)
	})
}

func centsText(cents int64) string { return strconv.FormatInt(cents, 10) }
