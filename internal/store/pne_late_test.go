package store_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// §8.4: an association's own « j'ai répondu » is a declaration, not an answer: the
// closure records it as having missed the questionnaire unless the export or a
// correspondent confirmed it.
func TestAPNEDeclarationIsNotAnAnswerUntilConfirmed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		s := store.NewPNEStructures(db)
		seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
			[4]string{"siren:1", "Déclarée", "a@example.org", "retenu"}, [4]string{"siren:2", "Confirmée", "b@example.org", "retenu"})
		rows, err := s.BuildList(ctx, 2027)
		require.NoError(t, err)
		at := time.Date(2027, 4, 2, 8, 0, 0, 0, time.UTC)
		for _, r := range rows {
			got, err := s.Declare(ctx, 2027, r.ID, at)
			require.NoError(t, err)
			require.NotNil(t, got.DeclaredAt)
			require.Nil(t, got.AnsweredAt)
		}
		again, err := s.Declare(ctx, 2027, rows[0].ID, at.Add(time.Hour))
		require.NoError(t, err)
		assert.True(t, again.DeclaredAt.Equal(at), "the first declaration is kept")
		confirmed, err := s.RecordAnswer(ctx, 2027, rows[1].ID, &at)
		require.NoError(t, err)
		assert.Equal(t, store.AnswerByCorrespondent, confirmed.AnswerSource)

		n, answered, err := s.Close(ctx, 2027)
		require.NoError(t, err)
		assert.Equal(t, 2, n)
		assert.Equal(t, 1, answered)
		missed, err := store.NewPNEResults(db).MissedYears(ctx, []string{rows[0].AssociationKey, rows[1].AssociationKey})
		require.NoError(t, err)
		assert.Equal(t, map[string][]int{rows[0].AssociationKey: {2027}}, missed)
	})
}

// An answer after the closure is kept as late, and the year's result follows the
// policy: counted (late_answers_count true) or still a miss (false). An answer at
// the closure's last instant is in time; one a nanosecond later is late.
func TestALatePNEAnswerCountsAsThePolicySays(t *testing.T) {
	closeAt := time.Date(2027, 5, 31, 23, 59, 59, 999999999, time.FixedZone("CEST", 2*3600))
	for _, tc := range []struct {
		name     string
		at       time.Time
		counts   bool
		late     bool
		answered bool
	}{
		{"at the closure", closeAt, false, false, true},
		{"just after, late counts", closeAt.Add(time.Nanosecond), true, true, true},
		{"just after, late does not count", closeAt.Add(time.Nanosecond), false, true, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := storetest.SQLite(t)
			ctx := context.Background()
			s := store.NewPNEStructures(db)
			seedPNECampaign(t, db, 2026, models.LevelDepartmental, "69", models.PhaseSelected,
				[4]string{"siren:1", "A", "a@example.org", "retenu"})
			rows, err := s.BuildList(ctx, 2027)
			require.NoError(t, err)
			_, _, err = s.Close(ctx, 2027)
			require.NoError(t, err)

			at := tc.at
			row, err := s.ConfirmAnswer(ctx, 2027, rows[0].ID, &at, store.AnswerByCorrespondent,
				store.PNEClosure{At: closeAt, LateAnswersCount: tc.counts})
			require.NoError(t, err)
			assert.Equal(t, tc.late, row.AnsweredLate)
			var res models.PNEResult
			require.NoError(t, db.Where("association_key = ? AND year = 2027", "siren:1").Take(&res).Error)
			assert.Equal(t, tc.answered, res.Answered)
			assert.Equal(t, tc.late, res.Late)
			var audit int64
			require.NoError(t, db.Model(&models.AuditEntry{}).Where("entity = ? AND action = ?", store.AuditAssociation, "pne_result_after_closure").Count(&audit).Error)
			assert.EqualValues(t, map[bool]int64{true: 1, false: 0}[tc.answered || tc.late], audit)
		})
	}
}
