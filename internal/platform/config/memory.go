package config

import (
	"errors"
	"math"
	"strconv"
	"strings"
)

// DevMemoryLimit is `aap dev`'s soft memory limit when AAP_MEMORY_LIMIT is unset. The
// limit counts the Go runtime's memory only; the process also maps ~160 MB of its own
// code (the embedded Temporal server's), so that 200 MiB keeps the whole engine under
// 400 MB resident with 10,000 open dossiers (README, Measuring), about 110 MB of it live.
const DevMemoryLimit = 200 << 20

// NoMemoryLimit is AAP_MEMORY_LIMIT=off: the runtime's own value for « no limit ».
const NoMemoryLimit = math.MaxInt64

// minMemoryLimit refuses a limit the engine cannot live under: below it the collector
// would run without pause (the runtime caps it at half the CPU, but every request would pay).
const minMemoryLimit = 64 << 20

// memoryUnits are GOMEMLIMIT's suffixes, longest first so that "MiB" is not read as "B".
var memoryUnits = []struct {
	suffix string
	bytes  int64
}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"B", 1}}

// parseMemoryLimit reads a size as GOMEMLIMIT writes it (300MiB, 2GiB) or "off".
func parseMemoryLimit(s string) (int64, error) {
	if strings.EqualFold(s, "off") {
		return NoMemoryLimit, nil
	}
	errBad := errors.New("expected a size of at least 64MiB with its unit (B, KiB, MiB or GiB), e.g. 300MiB or 2GiB, or off")
	for _, u := range memoryUnits {
		digits, ok := strings.CutSuffix(s, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(digits, 10, 64)
		if err != nil || n < 0 || n > math.MaxInt64/u.bytes || n*u.bytes < minMemoryLimit {
			return 0, errBad
		}
		return n * u.bytes, nil
	}
	return 0, errBad
}
