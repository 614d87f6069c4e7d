package overview_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/overview"
	"github.com/dian-p104/aap/internal/store/storetest"
	"github.com/dian-p104/aap/models"
)

// clock is a settable clock for the cache's age.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time      { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Add(d time.Duration) { c.mu.Lock(); defer c.mu.Unlock(); c.now = c.now.Add(d) }

// cachedService is service with a 5 s cache on clk, counting its computations.
func cachedService(t *testing.T, db *gorm.DB, clk *clock) (*overview.Service, *atomic.Int32) {
	svc := service(t, db)
	svc.Now, svc.CacheFor = clk.Now, 5*time.Second
	var computed atomic.Int32
	svc.Sources = append(svc.Sources, overview.Source{Name: "count", Collect: func(context.Context, *gorm.DB, overview.Query, overview.Adder) error {
		computed.Add(1)
		return nil
	}})
	return svc, &computed
}

// Within its age the cache answers the same figures, though the database changed,
// and says when they were read; at the age it reads them again.
func TestOverviewCacheAnswersTheSameFiguresUntilItsAge(t *testing.T) {
	db := storetest.SQLite(t)
	y := buildYear(t, db)
	clk := &clock{now: june2024}
	svc, computed := cachedService(t, db, clk)
	ctx := context.Background()

	first, err := svc.Overview(ctx, 2024)
	require.NoError(t, err)
	require.EqualValues(t, 4, first.National.Figures[overview.DossiersFiled], "the cancelled dossier does not count")
	assert.Equal(t, june2024, first.ComputedAt)
	assert.Equal(t, 5, first.MaxAgeSeconds)

	y.f.dossier(y.rhone, dossier{theme: "langue", requested: 1_000_00, state: models.ApplicationDeposited})
	clk.Add(5*time.Second - time.Millisecond)
	again, err := svc.Overview(ctx, 2024)
	require.NoError(t, err)
	assert.Equal(t, first.National.Figures, again.National.Figures, "just under its age: the same figures")
	assert.Equal(t, june2024, again.ComputedAt, "read when the first answer was")
	assert.Equal(t, june2024.Add(5*time.Second-time.Millisecond), again.GeneratedAt)
	assert.EqualValues(t, 1, computed.Load())

	clk.Add(time.Millisecond)
	fresh, err := svc.Overview(ctx, 2024)
	require.NoError(t, err)
	assert.EqualValues(t, 5, fresh.National.Figures[overview.DossiersFiled], "at its age: read again")
	assert.Equal(t, june2024.Add(5*time.Second), fresh.ComputedAt)
	assert.EqualValues(t, 2, computed.Load())

	other, err := svc.Overview(ctx, 2023)
	require.NoError(t, err)
	assert.Zero(t, other.National.Figures[overview.DossiersFiled], "each year its own figures")
	assert.EqualValues(t, 3, computed.Load())
}

// A reader that filters the lists of its answer (the pages narrow them to the
// agent's territory) leaves the cached figures whole for the next one.
func TestOverviewCacheHandsEachReaderItsOwnLists(t *testing.T) {
	db := storetest.SQLite(t)
	buildYear(t, db)
	svc, _ := cachedService(t, db, &clock{now: june2024})
	first, err := svc.Overview(t.Context(), 2024)
	require.NoError(t, err)
	require.NotEmpty(t, first.Overdue)
	regions, overdue := len(first.Regions), len(first.Overdue)
	first.Overdue = first.Overdue[:0]
	first.Regions[0] = overview.Area{Code: "XX"}

	second, err := svc.Overview(t.Context(), 2024)
	require.NoError(t, err)
	assert.Len(t, second.Overdue, overdue)
	assert.Len(t, second.Regions, regions)
	assert.NotEqual(t, "XX", second.Regions[0].Code)
}

// Readers arriving together share one computation; without a cache each computes.
func TestOverviewCacheComputesOnceForConcurrentReaders(t *testing.T) {
	db := storetest.SQLite(t)
	buildYear(t, db)
	svc, computed := cachedService(t, db, &clock{now: june2024})
	var wg sync.WaitGroup
	for range 16 {
		wg.Go(func() {
			ov, err := svc.Overview(t.Context(), 2024)
			assert.NoError(t, err)
			assert.EqualValues(t, 4, ov.National.Figures[overview.DossiersFiled])
		})
	}
	wg.Wait()
	assert.EqualValues(t, 1, computed.Load())

	svc.CacheFor = 0
	for range 2 {
		ov, err := svc.Overview(t.Context(), 2024)
		require.NoError(t, err)
		assert.Zero(t, ov.MaxAgeSeconds)
		assert.Equal(t, ov.GeneratedAt, ov.ComputedAt)
	}
	assert.EqualValues(t, 3, computed.Load(), "no cache: computed for every answer")
}

// A failed computation is not kept: the next reader computes again.
func TestOverviewCacheForgetsAFailure(t *testing.T) {
	db := storetest.SQLite(t)
	buildYear(t, db)
	svc, computed := cachedService(t, db, &clock{now: june2024})
	fail := true
	svc.Sources = append(svc.Sources, overview.Source{Name: "flaky", Collect: func(context.Context, *gorm.DB, overview.Query, overview.Adder) error {
		if fail {
			return assert.AnError
		}
		return nil
	}})
	_, err := svc.Overview(t.Context(), 2024)
	require.ErrorIs(t, err, assert.AnError)
	fail = false
	_, err = svc.Overview(t.Context(), 2024)
	require.NoError(t, err)
	assert.EqualValues(t, 2, computed.Load())
}
