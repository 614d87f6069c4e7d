package store_test

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

func newCampaign(territory string, key *string) *models.Campaign {
	id := uuid.NewString()
	return &models.Campaign{
		ID: id, WorkflowID: "aap/2027/dep-" + territory + "/" + id, Year: 2027,
		Level: models.LevelDepartmental, Territory: territory, Title: "AAP intégration",
		BudgetCents: 12_500_050, Themes: []string{"langue", "emploi"},
		PublishAt: time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC), CloseAt: time.Date(2027, 5, 31, 21, 0, 0, 0, time.UTC),
		AGIRArticulation: "Complémentaire d'AGIR", Indicators: []string{"nombre de bénéficiaires"},
		EvaluationCriteria: []string{"assiduité"}, ContactEmail: "ddets@example.gouv.fr",
		PolicyName: "2025", Phase: models.PhaseScheduled, IdempotencyKey: key,
	}
}

func TestCampaignsRoundTrip(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewCampaigns(db)
		c := newCampaign("69", nil)
		_, created, err := s.Create(ctx, c)
		require.NoError(t, err)
		require.True(t, created)

		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, int64(12_500_050), got.BudgetCents)
		require.Equal(t, []string{"langue", "emploi"}, got.Themes)
		require.True(t, got.CloseAt.Equal(c.CloseAt))

		_, err = s.Get(ctx, uuid.NewString())
		require.ErrorIs(t, err, store.ErrNotFound)
	})
}

func TestCampaignsIdempotencyKeyGivesOneCampaign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewCampaigns(db)
		key := "req-42"
		var wg sync.WaitGroup
		ids := make([]string, 4)
		for i := range ids {
			wg.Add(1)
			go func() {
				defer wg.Done()
				stored, _, err := s.Create(ctx, newCampaign("69", &key))
				require.NoError(t, err)
				ids[i] = stored.ID
			}()
		}
		wg.Wait()
		for _, id := range ids {
			require.Equal(t, ids[0], id)
		}
		_, total, err := s.List(ctx, store.CampaignFilter{Limit: 10})
		require.NoError(t, err)
		require.EqualValues(t, 1, total)
	})
}

func TestCampaignsListFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewCampaigns(db)
		for _, territory := range []string{"69", "69", "13"} {
			_, _, err := s.Create(ctx, newCampaign(territory, nil))
			require.NoError(t, err)
		}
		page, total, err := s.List(ctx, store.CampaignFilter{Territory: "69", Limit: 1})
		require.NoError(t, err)
		require.EqualValues(t, 2, total)
		require.Len(t, page, 1)

		_, total, err = s.List(ctx, store.CampaignFilter{Year: 2026, Limit: 10})
		require.NoError(t, err)
		require.EqualValues(t, 0, total)
	})
}

func TestRecordPhaseKeepsTheFirstInstant(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewCampaigns(db)
		c := newCampaign("69", nil)
		_, _, err := s.Create(ctx, c)
		require.NoError(t, err)

		first := time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)
		require.NoError(t, s.RecordPhase(ctx, c.ID, models.PhasePublished, first))
		require.NoError(t, s.RecordPhase(ctx, c.ID, models.PhasePublished, first.Add(time.Hour)))
		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, models.PhasePublished, got.Phase)
		require.True(t, got.PublishedAt.Equal(first), "got %v", got.PublishedAt)

		_, total, err := s.List(ctx, store.CampaignFilter{Phase: models.PhasePublished, Limit: 10})
		require.NoError(t, err)
		require.EqualValues(t, 1, total)

		require.ErrorIs(t, s.RecordPhase(ctx, uuid.NewString(), models.PhaseClosed, first), store.ErrNotFound)
	})
}

// A phase written after the call's cancellation (a retried or late write) leaves the cancellation.
func TestRecordPhaseDoesNotOverwriteACancellation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewCampaigns(db)
		c := newCampaign("69", nil)
		_, _, err := s.Create(ctx, c)
		require.NoError(t, err)
		at := time.Date(2027, 1, 15, 9, 0, 0, 0, time.UTC)
		require.NoError(t, s.RecordPhase(ctx, c.ID, models.PhasePublished, at))
		require.NoError(t, s.RecordCancelled(ctx, c.ID, "Enveloppe redéployée", at.Add(time.Hour)))

		require.NoError(t, s.RecordPhase(ctx, c.ID, models.PhaseClosed, at.Add(2*time.Hour)), "a late write is not an error")
		got, err := s.Get(ctx, c.ID)
		require.NoError(t, err)
		require.Equal(t, models.PhaseCancelled, got.Phase)
		require.Equal(t, "Enveloppe redéployée", got.CancelReason)
		require.Nil(t, got.ClosedAt, "the closure was not recorded")
	})
}

func TestCheckSchemaRefusesAnUnmigratedDatabase(t *testing.T) {
	db, err := store.Open("", t.TempDir(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	defer store.Close(db)
	require.ErrorContains(t, store.CheckSchema(db), "run `aap migrate`")
	require.NoError(t, store.Migrate(db))
	require.NoError(t, store.CheckSchema(db))
	require.NoError(t, store.Migrate(db), "migrating twice is a no-op")
}
