// Package benchenv reads a benchmark's size from the environment: `.ci/run` runs every
// benchmark once on a small size (AAP_BENCH_* variables), a person at full size by default
// (README "Measuring").
package benchenv

import (
	"os"
	"strconv"
	"testing"
)

// Size is the whole number the variable name holds, def when it is unset; anything else
// than a whole number of at least atLeast stops the benchmark with a message naming it.
func Size(tb testing.TB, name string, def, atLeast int) int {
	tb.Helper()
	v := os.Getenv(name)
	if v == "" {
		return def
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < atLeast {
		tb.Fatalf("%s=%q: a whole number, %d at least", name, v, atLeast)
	}
	return n
}
