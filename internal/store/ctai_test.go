package store_test

import (
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

func ctaiRow(code, kind string) *models.CTAIRequest {
	id := uuid.NewString()
	return &models.CTAIRequest{ID: id, WorkflowID: "aap/ctai/2027/" + id, Year: 2027, Kind: kind,
		CollectiviteCode: code, CollectiviteName: "Villeurbanne", CollectiviteEmail: "ctai@villeurbanne.example",
		Territory: "69", Actions: []ctai.Action{{Title: "Logement", Domain: "logement", BudgetCents: 100}},
		RequestedCents: 100, State: models.CTAIFiled, FiledAt: time.Now().UTC()}
}

func TestCTAIRequestsOnePerCollectiviteYearAndKind(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		{
			s := store.NewCTAIRequests(db)
			ctx := t.Context()
			first, created, err := s.Create(ctx, ctaiRow("69266", ctai.KindNew))
			require.NoError(t, err)
			require.True(t, created)
			again, created, err := s.Create(ctx, ctaiRow("69266", ctai.KindNew))
			require.NoError(t, err)
			assert.False(t, created, "the same collectivité, year and kind is the same request")
			assert.Equal(t, first.ID, again.ID)
			_, created, err = s.Create(ctx, ctaiRow("69266", ctai.KindRenewal))
			require.NoError(t, err)
			assert.True(t, created, "another kind is another request")

			ev := ctai.Proposal{Opinion: ctai.OpinionUnfavourable, Outcomes: []ctai.Outcome{{Rule: ctai.RuleBilan, Message: "Aucun bilan"}}}
			at := time.Date(2027, 3, 1, 10, 0, 0, 0, time.UTC)
			require.NoError(t, s.RecordProposal(ctx, first.ID, ev, at))
			require.NoError(t, s.RecordProposal(ctx, first.ID, ev, at.Add(time.Hour)), "recording again is harmless")
			got, err := s.Get(ctx, first.ID)
			require.NoError(t, err)
			assert.Equal(t, models.CTAIProposed, got.State)
			assert.Equal(t, ctai.OpinionUnfavourable, got.ProposedOpinion)
			assert.Empty(t, got.Opinion, "DIAN has not decided")
			assert.Equal(t, ev.Outcomes, got.Outcomes)
			assert.True(t, got.ProposedAt.Equal(at), "the first date stays")
			assert.Equal(t, first.Actions, got.Actions)

			rows, err := s.ListYear(ctx, 2027)
			require.NoError(t, err)
			assert.Len(t, rows, 2)
			_, err = s.Get(ctx, uuid.NewString())
			assert.ErrorIs(t, err, store.ErrNotFound)
		}
	})
}
