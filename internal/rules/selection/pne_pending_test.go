package selection

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// A rule's year not closed yet counts as missed, provisionally: the block holds
// only while every year is missed or pending, and is final once none is pending.
func TestPNEBlockedPending(t *testing.T) {
	r24, r25 := rules2024(), rules2025()
	off := r25
	off.PNEMissesBlockingRenewal = 0
	cases := []struct {
		name            string
		rules           Rules
		missed, pending []int
		years, provYrs  []int
		blocked         bool
	}{
		{"2025: pending 2025 blocks provisionally", r25, nil, []int{2025}, []int{2025}, []int{2025}, true},
		{"2025: missed 2025 blocks for good", r25, []int{2025}, nil, []int{2025}, nil, true},
		{"2025: nothing pending nor missed", r25, nil, nil, nil, nil, false},
		{"2025: a pending later year does not count", r25, nil, []int{2026}, nil, nil, false},
		{"2025: a missed earlier year alone does not count", r25, []int{2024}, nil, nil, nil, false},
		{"2024: missed 2023, pending 2024: provisional", r24, []int{2023}, []int{2024}, []int{2023, 2024}, []int{2024}, true},
		{"2024: answered 2023, pending 2024: no block", r24, nil, []int{2024}, nil, nil, false},
		{"2024: missed 2023 and 2024: final", r24, []int{2023, 2024}, nil, []int{2023, 2024}, nil, true},
		{"2024: both pending: provisional on both", r24, nil, []int{2023, 2024}, []int{2023, 2024}, []int{2023, 2024}, true},
		{"rule off", off, nil, []int{2025}, nil, nil, false},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			years, pending, blocked := PNEBlockedPending(c.rules, c.missed, c.pending)
			assert.Equal(t, c.blocked, blocked)
			assert.Equal(t, c.years, years)
			assert.Equal(t, c.provYrs, pending)
		})
	}
	assert.Equal(t, []int{2023, 2024}, PNEYears(r24))
	assert.Equal(t, []int{2025}, PNEYears(r25))
	assert.Empty(t, PNEYears(off))
}
