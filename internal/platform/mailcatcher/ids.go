package mailcatcher

import (
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// nextID returns a new, strictly increasing message id and the arrival time it
// encodes. The clock is read under the lock and the time returned is the id's
// own, so that ids and arrival times sort alike even for sessions that finish
// at the same moment (reading the clock before the lock let a later id carry
// an earlier time).
func (c *Catcher) nextID() (string, time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := time.Now().UnixNano()
	if n <= c.lastNano {
		n = c.lastNano + 1
	}
	c.lastNano = n
	c.seq++
	return fmt.Sprintf("%019d-%06d", n, c.seq%1_000_000), time.Unix(0, n)
}

// idFromFileName returns the id of a stored message file name.
func idFromFileName(name string) (string, bool) {
	id, ok := strings.CutSuffix(name, emlExt)
	if !ok || !validID(id) {
		return "", false
	}
	return id, true
}

// validID refuses empty ids, hidden names, path separators, ".." and
// control characters, so that an id always names a file directly inside the
// storage directory.
func validID(id string) bool {
	if id == "" || len(id) > 200 || strings.HasPrefix(id, ".") || strings.Contains(id, "..") {
		return false
	}
	for _, r := range id {
		if r == '/' || r == '\\' || r == ':' || r < 0x20 || r == 0x7f {
			return false
		}
	}
	return filepath.IsLocal(id + emlExt)
}

// nanosFromID extracts the timestamp of an id produced by nextID.
func nanosFromID(id string) (int64, bool) {
	head, _, _ := strings.Cut(id, "-")
	if len(head) != 19 {
		return 0, false
	}
	n, err := strconv.ParseInt(head, 10, 64)
	if err != nil || n <= 0 {
		return 0, false
	}
	return n, true
}
