package mailcatcher

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// store writes one message atomically (temporary file, sync, rename) with
// the envelope headers described in the package documentation, then wakes
// up WaitFor.
func (c *Catcher) store(from string, to []string, r io.Reader) (id string, err error) {
	id, now := c.nextID()
	tmp, err := os.CreateTemp(c.dir, tmpPattern)
	if err != nil {
		return "", fmt.Errorf("create temporary file: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()

	w := bufio.NewWriterSize(tmp, 64<<10)
	fmt.Fprintf(w, "%s: %s\r\n", hdrEnvFrom, headerSafe(from))
	for _, rcpt := range to {
		fmt.Fprintf(w, "%s: %s\r\n", hdrEnvTo, headerSafe(rcpt))
	}
	fmt.Fprintf(w, "%s: %s\r\n", hdrReceivedAt, now.Format(time.RFC3339Nano))
	if _, err = io.Copy(w, r); err != nil {
		return "", err
	}
	if err = w.Flush(); err != nil {
		return "", fmt.Errorf("write: %w", err)
	}
	if err = tmp.Sync(); err != nil {
		return "", fmt.Errorf("sync: %w", err)
	}
	if err = tmp.Close(); err != nil {
		return "", fmt.Errorf("close: %w", err)
	}
	if err = os.Rename(tmp.Name(), c.path(id)); err != nil {
		return "", fmt.Errorf("rename: %w", err)
	}
	c.notify()
	return id, nil
}

// headerSafe keeps a value on one header line.
func headerSafe(v string) string {
	return strings.Map(func(r rune) rune {
		if r == '\r' || r == '\n' || r == 0 {
			return ' '
		}
		return r
	}, v)
}

// readSummary reads only the header block of a stored message. On a parse
// error it still returns the id and an arrival time (from the id or the file
// modification time) so that the message stays listed.
func (c *Catcher) readSummary(id string) (Summary, error) {
	f, err := os.Open(c.path(id))
	if err != nil {
		return Summary{ID: id}, err
	}
	defer f.Close()
	var modTime time.Time
	if fi, err := f.Stat(); err == nil {
		modTime = fi.ModTime()
	}
	m, err := mail.ReadMessage(bufio.NewReader(f))
	if err != nil {
		return Summary{ID: id, ReceivedAt: fallbackTime(id, modTime)}, fmt.Errorf("parse headers: %w", err)
	}
	return summaryFromHeader(id, m.Header, modTime), nil
}

// summaryFromHeader builds a Summary from the stored headers.
func summaryFromHeader(id string, h mail.Header, modTime time.Time) Summary {
	s := Summary{
		ID:        id,
		From:      h.Get(hdrEnvFrom),
		Subject:   decodeHeader(h.Get("Subject")),
		MessageID: strings.TrimSpace(h.Get("Message-Id")),
	}
	for _, rcpt := range h[hdrEnvTo] {
		if rcpt = strings.TrimSpace(rcpt); rcpt != "" {
			s.To = append(s.To, rcpt)
		}
	}
	if t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(h.Get(hdrReceivedAt))); err == nil {
		s.ReceivedAt = t
	} else {
		s.ReceivedAt = fallbackTime(id, modTime)
	}
	return s
}

func fallbackTime(id string, modTime time.Time) time.Time {
	if n, ok := nanosFromID(id); ok {
		return time.Unix(0, n)
	}
	return modTime
}

// notify wakes up the WaitFor callers.
func (c *Catcher) notify() {
	c.mu.Lock()
	defer c.mu.Unlock()
	close(c.arrived)
	c.arrived = make(chan struct{})
}

func (c *Catcher) arrivedChan() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.arrived
}

// Count returns the number of caught messages (0 if the directory cannot be
// read).
func (c *Catcher) Count() int {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return 0
	}
	n := 0
	for _, e := range entries {
		if _, ok := idFromFileName(e.Name()); ok && e.Type().IsRegular() {
			n++
		}
	}
	return n
}

// List returns the summaries of all caught messages, newest first. Only the
// headers of each file are read.
func (c *Catcher) List() ([]Summary, error) {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return nil, fmt.Errorf("mailcatcher: read directory: %w", err)
	}
	out := make([]Summary, 0, len(entries))
	for _, e := range entries {
		id, ok := idFromFileName(e.Name())
		if !ok || !e.Type().IsRegular() {
			continue
		}
		s, err := c.readSummary(id)
		if errors.Is(err, os.ErrNotExist) {
			continue // removed meanwhile
		}
		if err != nil {
			c.logger.Warn("unreadable message", "id", id, "error", err)
		}
		out = append(out, s)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID > out[j].ID })
	return out, nil
}

// Get reads and parses one caught message. It returns an error wrapping
// ErrNotFound when the id is unknown or invalid.
func (c *Catcher) Get(id string) (*Message, error) {
	if !validID(id) {
		return nil, fmt.Errorf("invalid message id %q: %w", id, ErrNotFound)
	}
	raw, err := os.ReadFile(c.path(id))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("message %q: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("mailcatcher: read message %q: %w", id, err)
	}
	return parseMessage(id, raw, c.fileModTime(id)), nil
}

// WaitFor waits until at least n messages have been caught or ctx ends, and
// returns List(). When ctx ends first, it returns the current list and an
// error wrapping ctx.Err().
func (c *Catcher) WaitFor(ctx context.Context, n int) ([]Summary, error) {
	for {
		ch := c.arrivedChan() // taken before List so no arrival is missed
		list, err := c.List()
		if err != nil {
			return nil, err
		}
		if len(list) >= n {
			return list, nil
		}
		select {
		case <-ctx.Done():
			return list, fmt.Errorf("mailcatcher: %d message(s) caught, %d awaited: %w", len(list), n, ctx.Err())
		case <-ch:
		}
	}
}

func (c *Catcher) path(id string) string {
	return filepath.Join(c.dir, id+emlExt)
}

func (c *Catcher) fileModTime(id string) time.Time {
	fi, err := os.Stat(c.path(id))
	if err != nil {
		return time.Time{}
	}
	return fi.ModTime()
}
