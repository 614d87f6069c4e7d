package overview

import (
	"context"
	"slices"
	"sync"
	"time"
)

// The national overview is a dozen aggregate queries over the year's calls,
// dossiers, conventions and follow-up tables: tens of milliseconds on a small
// year, far more on a national one, while DIAN's pages and the API may ask for
// it many times a second. The service keeps each year's figures for CacheFor and
// answers from them: at most one computation per year runs at a time (the
// readers that arrive meanwhile wait for it rather than run it again), and every
// answer says when its figures were read (computed_at) and how old they may be
// (max_age_seconds). Nothing invalidates the figures early: the workers write
// from other processes, so the bound is the age, which the answer states.

// DefaultCacheFor is how long `aap api` and `aap dev` keep a year's figures (AAP_OVERVIEW_CACHE).
const DefaultCacheFor = 5 * time.Second

// maxCachedYears bounds the years kept: a year asked once more than this many
// years ago is dropped for the new one (?year= takes any four-digit year).
const maxCachedYears = 8

// computeTimeout bounds a computation that no request's context bounds anymore
// (it serves every reader that waits for it, not only the one that started it).
const computeTimeout = 30 * time.Second

// cache holds the latest figures of each year.
type cache struct {
	mu    sync.Mutex
	years map[int]*cacheEntry
}

// cacheEntry is one year's computation: ready is closed once ov or err is set.
type cacheEntry struct {
	ready chan struct{}
	at    time.Time // when its figures were read
	ov    *Overview
	err   error
}

// cached answers the figures of year computed less than CacheFor ago, or computes them.
func (s *Service) cached(ctx context.Context, year int) (*Overview, error) {
	now := s.Now()
	s.cache.mu.Lock()
	if s.cache.years == nil {
		s.cache.years = map[int]*cacheEntry{}
	}
	e := s.cache.years[year]
	if e == nil || (e.done() && now.Sub(e.at) >= s.CacheFor) {
		e = &cacheEntry{ready: make(chan struct{}), at: now}
		s.cache.evictFor(year)
		s.cache.years[year] = e
		go s.fill(ctx, year, e)
	}
	s.cache.mu.Unlock()
	select {
	case <-e.ready:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	if e.err != nil {
		return nil, e.err
	}
	out := e.ov.clone()
	out.GeneratedAt, out.MaxAgeSeconds = now.UTC(), int(s.CacheFor/time.Second)
	return out, nil
}

// fill computes e's figures, outliving the request that asked first (others may
// wait for them); a failed computation is forgotten so that the next read retries it.
func (s *Service) fill(ctx context.Context, year int, e *cacheEntry) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), computeTimeout)
	defer cancel()
	e.ov, e.err = s.compute(ctx, year, e.at)
	if e.err != nil {
		s.cache.mu.Lock()
		if s.cache.years[year] == e {
			delete(s.cache.years, year)
		}
		s.cache.mu.Unlock()
	}
	close(e.ready)
}

func (e *cacheEntry) done() bool {
	select {
	case <-e.ready:
		return true
	default:
		return false
	}
}

// evictFor makes room for year: past maxCachedYears the year read longest ago goes.
func (c *cache) evictFor(year int) {
	if _, kept := c.years[year]; kept || len(c.years) < maxCachedYears {
		return
	}
	oldest := 0
	for y, e := range c.years {
		if e.done() && (oldest == 0 || e.at.Before(c.years[oldest].at)) {
			oldest = y
		}
	}
	delete(c.years, oldest)
}

// clone copies what a reader may reorder or filter in place (the pages narrow
// the lists to the agent's territory), so that no reader changes the cached figures.
func (ov *Overview) clone() *Overview {
	out := *ov
	out.Regions = slices.Clone(ov.Regions)
	out.Overdue = slices.Clone(ov.Overdue)
	out.Deviations = slices.Clone(ov.Deviations)
	out.TerritoriesFlagged = slices.Clone(ov.TerritoriesFlagged)
	return &out
}
