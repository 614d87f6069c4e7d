package store_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// together runs f(i) for i in [0, n) at the same moment and returns each error.
func together(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var start, done sync.WaitGroup
	start.Add(1)
	for i := range n {
		done.Add(1)
		go func() {
			defer done.Done()
			start.Wait()
			errs[i] = f(i)
		}()
	}
	start.Done()
	done.Wait()
	return errs
}

// oneWinner checks that exactly one call succeeded and the others are ErrConflict
// (or isLoss); it returns the winner's index.
func oneWinner(t *testing.T, errs []error, isLoss func(error) bool) int {
	t.Helper()
	winner := -1
	for i, err := range errs {
		switch {
		case err == nil:
			require.Equal(t, -1, winner, "two winners: %d and %d", winner, i)
			winner = i
		case !isLoss(err):
			t.Fatalf("call %d: %v", i, err)
		}
	}
	require.NotEqual(t, -1, winner, "no winner")
	return winner
}

func actorCtx(i int) context.Context {
	id := uint64(100 + i)
	return store.WithActor(context.Background(), store.Actor{Name: fmt.Sprintf("Correspondant %d", i), TokenID: &id})
}

func isConflict(err error) bool { return errors.Is(err, store.ErrConflict) }

func TestTwentySignaturesTogetherOneIsRecordedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := store.NewConventions(db)
		id := seedConvention(t, db, 2027, models.LevelDepartmental, "69", models.PhaseSelected, models.ConventionAwaitingSignature, "CONV-R", 1_000_000)
		at := time.Date(2027, 7, 1, 10, 0, 0, 0, time.UTC)
		errs := together(20, func(i int) error {
			return s.RecordSigned(actorCtx(i), id, fmt.Sprintf("Signataire %d", i), at.Add(time.Duration(i)*time.Second))
		})
		w := oneWinner(t, errs, isConflict)

		conv, err := s.Get(context.Background(), id)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("Signataire %d", w), conv.SignedBy)
		entries := auditOf(t, db, store.AuditConvention, id)
		require.Len(t, entries, 1)
		require.Equal(t, fmt.Sprintf("Correspondant %d", w), entries[0].Actor, "the entry names the winner's caller")
		require.Contains(t, entries[0].After, fmt.Sprintf("Signataire %d", w))

		// The winner's activity retried: the same signature, nothing new.
		require.NoError(t, s.RecordSigned(actorCtx(w), id, conv.SignedBy, at.Add(time.Duration(w)*time.Second)))
		// The same signer at another instant: refused, and no entry.
		require.ErrorIs(t, s.RecordSigned(actorCtx(w), id, conv.SignedBy, at.Add(time.Hour)), store.ErrConflict)
		require.Len(t, auditOf(t, db, store.AuditConvention, id), 1)
	})
}

func TestTwentySelectionsTogetherOneIsRecordedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		ctx := context.Background()
		cid := seedClosedCampaign(t, db)
		app := newApplication(cid, "Ateliers", nil)
		require.NoError(t, db.Create(app).Error)
		s := store.NewApplications(db)
		at := time.Date(2027, 6, 15, 10, 0, 0, 0, time.UTC)
		errs := together(20, func(i int) error {
			return s.RecordSelection(actorCtx(i), cid, []store.DecisionRecord{
				{ApplicationID: app.ID, Decision: "retenu", GrantedCents: int64(1_000_000 + i), Score: 80}}, at.Add(time.Duration(i)*time.Second))
		})
		w := oneWinner(t, errs, isConflict)

		got, err := s.Get(ctx, app.ID)
		require.NoError(t, err)
		require.EqualValues(t, 1_000_000+w, got.GrantedCents, "the winner's decisions, not a later one's")
		entries := auditOf(t, db, store.AuditCampaign, cid)
		require.Len(t, entries, 1)
		require.Equal(t, "selection_recorded", entries[0].Action)
		require.Equal(t, fmt.Sprintf("Correspondant %d", w), entries[0].Actor)

		require.NoError(t, s.RecordSelection(actorCtx(w), cid, []store.DecisionRecord{
			{ApplicationID: app.ID, Decision: "retenu", GrantedCents: int64(1_000_000 + w), Score: 80}}, at.Add(time.Duration(w)*time.Second)),
			"the winner's activity retried")
		require.Len(t, auditOf(t, db, store.AuditCampaign, cid), 1)
	})
}

func TestTwentyCancellationsTogetherOneIsRecordedAndAudited(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		cid := seedClosedCampaign(t, db)
		s := store.NewCampaigns(db)
		at := time.Date(2027, 6, 15, 10, 0, 0, 0, time.UTC)
		errs := together(20, func(i int) error {
			return s.RecordCancelled(actorCtx(i), cid, fmt.Sprintf("Motif %d", i), at)
		})
		w := oneWinner(t, errs, isConflict)

		c, err := s.Get(context.Background(), cid)
		require.NoError(t, err)
		require.Equal(t, fmt.Sprintf("Motif %d", w), c.CancelReason)
		entries := auditOf(t, db, store.AuditCampaign, cid)
		require.Len(t, entries, 1)
		require.Equal(t, "cancelled", entries[0].Action)
		require.Equal(t, fmt.Sprintf("Correspondant %d", w), entries[0].Actor)
		require.NoError(t, s.RecordCancelled(actorCtx(w), cid, c.CancelReason, at), "the winner's activity retried")
		require.Len(t, auditOf(t, db, store.AuditCampaign, cid), 1)
	})
}

func TestTwentyFinancialReportsTogetherOneIsRecorded(t *testing.T) {
	storetest.Each(t, func(t *testing.T, db *gorm.DB) {
		s := store.NewFinancialReports(db)
		expected := func() *models.FinancialReport {
			return &models.FinancialReport{ConventionID: "conv-r", ApplicationID: "app-r", AssociationKey: "siret:1", FiscalYear: 2027,
				DueAt: time.Date(2028, 6, 30, 21, 59, 59, 0, time.UTC)}
		}
		_, err := s.Expect(context.Background(), expected())
		require.NoError(t, err)
		firsts := make([]bool, 20)
		errs := together(20, func(i int) error {
			_, first, err := s.Receive(actorCtx(i), expected(), store.Receipt{At: time.Now(), SpentCents: int64(1_000_000 + i),
				SubsidyUsedCents: 500_000, DocumentReference: "CRF-1"})
			firsts[i] = first
			return err
		})
		w := oneWinner(t, errs, func(err error) bool { return errors.Is(err, store.ErrReportDiffers) })
		require.True(t, firsts[w])
		r, err := s.ByConvention(context.Background(), "conv-r", 2027)
		require.NoError(t, err)
		require.EqualValues(t, 1_000_000+w, r.SpentCents)
		entries := auditOf(t, db, store.AuditConvention, "conv-r")
		require.Len(t, entries, 1)
		require.Equal(t, fmt.Sprintf("Correspondant %d", w), entries[0].Actor)
	})
}

func seedClosedCampaign(t *testing.T, db *gorm.DB) string {
	t.Helper()
	c := newCampaign("69", nil)
	c.Phase = models.PhaseClosed
	require.NoError(t, db.Create(c).Error)
	return c.ID
}
