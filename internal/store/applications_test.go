package store_test

import (
	"context"
	"testing"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

func newApplication(campaignID, titleKey string, key *string) *models.Application {
	id := uuid.NewString()
	return &models.Application{
		ID: id, CampaignID: campaignID, WorkflowID: "aap/2027/dep-69/" + campaignID + "/dossier/" + id, Year: 2027,
		AssociationKey: "siret:73282932000074", SIRET: "73282932000074", AssociationName: "Accueil",
		AssociationEmail: "contact@accueil.example.org", CERSigned: true, Title: titleKey, TitleKey: titleKey,
		Theme: "langue", RequestedCents: 1_500_000, TotalBudgetCents: 3_000_000,
		CoFinancing: []models.CoFinancing{{Funder: "Ville", AmountCents: 100}}, State: models.ApplicationDeposited,
		IdempotencyKey: key,
	}
}

// callID stores a call and returns its ID: a dossier's reference needs its call.
func callID(t *testing.T, db *gorm.DB) string {
	t.Helper()
	c := newCampaign("69", nil)
	require.NoError(t, db.Create(c).Error)
	return c.ID
}

func TestApplicationsSameDossierIsOneDossier(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		campaign := callID(t, db)
		first, created, err := s.Create(ctx, newApplication(campaign, "ateliers", nil))
		require.NoError(t, err)
		require.True(t, created)

		same, created, err := s.Create(ctx, newApplication(campaign, "ateliers", nil))
		require.NoError(t, err)
		require.False(t, created, "same association, call and title")
		require.Equal(t, first.ID, same.ID)

		key := "k-1"
		keyed, created, err := s.Create(ctx, newApplication(campaign, "autre projet", &key))
		require.NoError(t, err)
		require.True(t, created)
		replay, created, err := s.Create(ctx, newApplication(campaign, "titre changé", &key))
		require.NoError(t, err)
		require.False(t, created, "same Idempotency-Key")
		require.Equal(t, keyed.ID, replay.ID)

		// The replays took no number: the next dossier's follows the last one filed.
		next, created, err := s.Create(ctx, newApplication(campaign, "emploi", nil))
		require.NoError(t, err)
		require.True(t, created)
		require.Equal(t, []string{"AAP-2027-69-0001", "AAP-2027-69-0002", "AAP-2027-69-0003"},
			[]string{first.Reference, keyed.Reference, next.Reference})

		require.EqualValues(t, 3, callTotal(t, s, campaign))
	})
}

func TestApplicationsFlagDoubleFundingAcrossCallsOfTheSameYear(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		departmental, regional, otherYear := callID(t, db), callID(t, db), callID(t, db)
		first, _, err := s.Create(ctx, newApplication(departmental, "ateliers", nil))
		require.NoError(t, err)
		require.Empty(t, first.DoubleFundingWith)

		next := newApplication(otherYear, "ateliers", nil)
		next.Year = 2028
		_, _, err = s.Create(ctx, next)
		require.NoError(t, err)
		require.Empty(t, next.DoubleFundingWith, "another year is no double funding")

		twin, _, err := s.Create(ctx, newApplication(regional, "ateliers", nil))
		require.NoError(t, err)
		require.Equal(t, []string{first.ID}, twin.DoubleFundingWith)
		reread, err := s.Get(ctx, first.ID)
		require.NoError(t, err)
		require.Equal(t, []string{twin.ID}, reread.DoubleFundingWith)

		other, _, err := s.Create(ctx, newApplication(regional, "un autre projet", nil))
		require.NoError(t, err)
		require.Empty(t, other.DoubleFundingWith)
	})
}

func TestApplicationsListFiltersByStateAndTheme(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		campaign := callID(t, db)
		a, _, err := s.Create(ctx, newApplication(campaign, "ateliers", nil))
		require.NoError(t, err)
		b := newApplication(campaign, "emploi", nil)
		b.Theme = "emploi"
		_, _, err = s.Create(ctx, b)
		require.NoError(t, err)
		require.NoError(t, s.RecordState(ctx, a.ID, models.ApplicationUnderReview))

		page, total, err := s.List(ctx, store.ApplicationFilter{CampaignID: campaign, State: models.ApplicationUnderReview, Limit: 10})
		require.NoError(t, err)
		require.EqualValues(t, 1, total)
		require.Equal(t, a.ID, page[0].ID)
		_, total, err = s.List(ctx, store.ApplicationFilter{CampaignID: campaign, Theme: "emploi", Limit: 10})
		require.NoError(t, err)
		require.EqualValues(t, 1, total)
		require.ErrorIs(t, s.RecordState(ctx, uuid.NewString(), models.ApplicationUnderReview), store.ErrNotFound)
	})
}

// A dossier refused by another unique index (its workflow ID taken) is an error, not a
// replay and not a « not found », and stores nothing.
func TestApplicationsRefusedByAnotherUniqueIndexIsAnError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewApplications(db)
		campaign := callID(t, db)
		first, _, err := s.Create(ctx, newApplication(campaign, "ateliers", nil))
		require.NoError(t, err)

		clash := newApplication(campaign, "emploi", nil)
		clash.WorkflowID = first.WorkflowID
		_, created, err := s.Create(ctx, clash)
		require.Error(t, err)
		require.NotErrorIs(t, err, store.ErrNotFound)
		require.False(t, created)
		require.EqualValues(t, 1, callTotal(t, s, campaign))
	})
}

// callTotal is how many dossiers the call's list counts.
func callTotal(t *testing.T, s *store.Applications, campaign string) int64 {
	t.Helper()
	_, total, err := s.List(context.Background(), store.ApplicationFilter{CampaignID: campaign, Limit: 1})
	require.NoError(t, err)
	return total
}
