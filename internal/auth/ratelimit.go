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
