package store_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/rules/ctai"
	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// proposedCTAI stores a request of year whose proposal is recorded, ready for DIAN's opinion.
func proposedCTAI(t *testing.T, s *store.CTAIRequests, year int, code string) string {
	t.Helper()
	r := ctaiRow(code, ctai.KindNew)
	r.Year, r.WorkflowID = year, fmt.Sprintf("aap/ctai/%d/%s", year, r.ID)
	_, _, err := s.Create(context.Background(), r)
	require.NoError(t, err)
	require.NoError(t, s.RecordProposal(context.Background(), r.ID, ctai.Proposal{Opinion: ctai.OpinionFavourable}, time.Now()))
	return r.ID
}

func favourable(cents int64, motivation string) ctai.Decision {
	return ctai.Decision{Opinion: ctai.OpinionFavourable, DelegatedCents: cents, Motivation: motivation}
}

func isEnvelopeExceeded(err error) bool {
	var e *store.EnvelopeExceededError
	return errors.As(err, &e)
}

// §3.5: « dans la limite de l'enveloppe financière annuelle disponible ». Two
// favourable opinions on two requests, recorded at the same instant, each
// within what is left of the envelope but together beyond it: the second is
// checked with the first's amount and, without motivation, refused with the
// envelope's figures; motivated, it is recorded beyond the envelope.
func TestCTAIEnvelopeTwoOpinionsTogetherOneWithoutMotivation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := store.NewCTAIRequests(db)
		const envelope = 1_000_000
		for round := range 3 {
			year := 2030 + round
			earlier := proposedCTAI(t, s, year, "69001")
			require.NoError(t, s.RecordDecision(actorCtx(9), earlier, favourable(600_000, ""), envelope, time.Now()))
			ids := []string{proposedCTAI(t, s, year, "69002"), proposedCTAI(t, s, year, "69003")}
			errs := together(2, func(i int) error {
				return s.RecordDecision(actorCtx(i), ids[i], favourable(300_000, ""), envelope, time.Now())
			})
			w := oneWinner(t, errs, isEnvelopeExceeded)
			var exceeded *store.EnvelopeExceededError
			require.ErrorAs(t, errs[1-w], &exceeded)
			assert.Equal(t, store.EnvelopeExceededError{UsedCents: 900_000, DelegatedCents: 300_000, EnvelopeCents: envelope}, *exceeded,
				"the loser sees the winner's amount")

			loser, err := s.Get(context.Background(), ids[1-w])
			require.NoError(t, err)
			assert.Equal(t, models.CTAIProposed, loser.State, "the refused opinion changed nothing")
			assert.Len(t, auditOf(t, db, store.AuditCTAIRequest, loser.ID), 2, "filing and proposal only")
			used, err := s.EnvelopeUsed(context.Background(), year, loser.ID)
			require.NoError(t, err)
			assert.EqualValues(t, 900_000, used)

			require.NoError(t, s.RecordDecision(actorCtx(1-w), loser.ID, favourable(300_000, "Métropole : 2 000 CIR."), envelope, time.Now()),
				"motivated, beyond the envelope")
			used, err = s.EnvelopeUsed(context.Background(), year, "")
			require.NoError(t, err)
			assert.EqualValues(t, 1_200_000, used)
		}
	})
}

// At the envelope exactly an opinion needs no motivation; one cent beyond it
// does; an unfavourable opinion uses nothing; an envelope not set is never passed.
func TestCTAIEnvelopeAtTheLimitAndJustPast(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := store.NewCTAIRequests(db)
		ctx := actorCtx(1)
		const envelope = 1_000_000
		past := proposedCTAI(t, s, 2040, "69001")
		require.True(t, isEnvelopeExceeded(s.RecordDecision(ctx, past, favourable(envelope+1, ""), envelope, time.Now())), "one cent past")
		refused := proposedCTAI(t, s, 2040, "69002")
		require.NoError(t, s.RecordDecision(ctx, refused, ctai.Decision{Opinion: ctai.OpinionUnfavourable, Motivation: "Bilan absent"}, envelope, time.Now()))
		require.NoError(t, s.RecordDecision(ctx, past, favourable(envelope, ""), envelope, time.Now()), "at the envelope")
		more := proposedCTAI(t, s, 2040, "69003")
		require.True(t, isEnvelopeExceeded(s.RecordDecision(ctx, more, favourable(1, ""), envelope, time.Now())), "nothing left")
		require.NoError(t, s.RecordDecision(ctx, more, favourable(1, ""), 0, time.Now()), "no envelope set: nothing to pass")
		used, err := s.EnvelopeUsed(context.Background(), 2040, "")
		require.NoError(t, err)
		assert.EqualValues(t, envelope+1, used)
	})
}
