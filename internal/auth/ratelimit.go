package auth

import (
	"math"
	"sync"
	"time"
)

// RateLimiter allows each token a number of requests per minute (a token
// bucket refilled continuously). It is per process: with N API replicas behind
// a load balancer, a token gets at most N times the limit.
type RateLimiter struct {
	perMinute int
	mu        sync.Mutex
	buckets   map[uint64]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

// NewRateLimiter allows perMinute requests a minute per token; 0 disables the limit.
func NewRateLimiter(perMinute int) *RateLimiter {
	return &RateLimiter{perMinute: perMinute, buckets: map[uint64]*bucket{}}
}

// Allow takes one request from the token's bucket; when it is empty it returns
// false and how long until the next request is allowed.
func (l *RateLimiter) Allow(tokenID uint64, now time.Time) (bool, time.Duration) {
	if l == nil || l.perMinute <= 0 {
		return true, 0
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	capacity := float64(l.perMinute)
	perSecond := capacity / 60
	b := l.buckets[tokenID]
	if b == nil {
		l.forgetIdle(now, capacity, perSecond)
		b = &bucket{tokens: capacity, at: now}
		l.buckets[tokenID] = b
	}
	b.tokens = math.Min(capacity, b.tokens+now.Sub(b.at).Seconds()*perSecond)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / perSecond * float64(time.Second))
	return false, wait
}

// maxBuckets bounds the buckets kept: keyed by client address (the public filing form),
// they would otherwise grow with every address ever seen.
const maxBuckets = 10_000

// forgetIdle drops, once maxBuckets are kept, the buckets refilled to the full: forgetting
// them changes nothing, a new one starts full.
func (l *RateLimiter) forgetIdle(now time.Time, capacity, perSecond float64) {
	if len(l.buckets) < maxBuckets {
		return
	}
	for id, b := range l.buckets {
		if b.tokens+now.Sub(b.at).Seconds()*perSecond >= capacity {
			delete(l.buckets, id)
		}
	}
}
