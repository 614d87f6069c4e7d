package auth

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// Keyed by client address, the buckets stay bounded: once maxBuckets are kept, the
// buckets refilled to the full are forgotten, and a busy one is kept with its count.
func TestRateLimiterForgetsIdleBuckets(t *testing.T) {
	l := NewRateLimiter(2)
	now := time.Date(2027, 3, 1, 9, 0, 0, 0, time.UTC)
	l.Allow(0, now)
	l.Allow(0, now) // key 0 spent its budget
	for id := uint64(1); id < maxBuckets; id++ {
		l.Allow(id, now)
	}
	assert.Len(t, l.buckets, maxBuckets, "nothing forgotten below the bound")

	later := now.Add(31 * time.Second) // one request a 30 s refilled: keys 1… are full again, key 0 is not
	ok, _ := l.Allow(maxBuckets, later)
	assert.True(t, ok)
	assert.Len(t, l.buckets, 2, "the full buckets are forgotten; the spent one and the new one are kept")
	assert.Less(t, l.buckets[0].tokens, 2.0, "the spent bucket keeps its count")
}
