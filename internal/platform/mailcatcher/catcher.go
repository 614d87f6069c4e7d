// Package mailcatcher is the mail catcher of the engine's development mode,
// a tiny Mailpit: a real SMTP listener (no authentication, no TLS) that
// accepts every message from any sender to any recipient, keeps it as an
// .eml file in a directory, and shows the caught messages on French web
// pages registered on a gin router.
//
// Because it is a real SMTP server, the engine's SMTP client delivers to it
// exactly as it would to a production relay; FailNext additionally lets
// tests simulate temporary (4xx) or permanent (5xx) refusals.
//
// # Storage format
//
// Each caught message is one file "<id>.eml" in Options.Dir, where <id> is a
// 19-digit zero-padded Unix timestamp in nanoseconds, a dash and a 6-digit
// counter (for example "1767225600000000000-000001"), so that file names sort
// by arrival. The file holds the message exactly as received on the wire
// (CRLF line endings, dot-stuffing removed), preceded by these headers added
// by the catcher, which keep the SMTP envelope:
//
//	X-Catcher-Envelope-From: <MAIL FROM address, empty for the null sender>
//	X-Catcher-Envelope-To: <one header per RCPT TO address>
//	X-Catcher-Received-At: <arrival time, RFC 3339 with nanoseconds>
//
// Files are written atomically: the message is streamed into a hidden
// temporary file ".incoming-*.tmp" in the same directory, synced, then
// renamed to its final name. Leftover temporary files (after a crash) are
// removed at Start. Files are therefore kept across restarts, and .eml files
// dropped into the directory by hand are listed as well.
package mailcatcher

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

const (
	// DefaultAddr is the listen address used when Options.Addr is empty.
	DefaultAddr = "127.0.0.1:1025"
	// MaxMessageBytes is the largest message accepted (25 MiB).
	MaxMessageBytes = 25 << 20

	readTimeout   = 2 * time.Minute
	writeTimeout  = time.Minute
	shutdownGrace = 10 * time.Second
	maxRecipients = 1000

	emlExt        = ".eml"
	tmpPrefix     = ".incoming-"
	tmpPattern    = tmpPrefix + "*.tmp"
	hdrEnvFrom    = "X-Catcher-Envelope-From"
	hdrEnvTo      = "X-Catcher-Envelope-To"
	hdrReceivedAt = "X-Catcher-Received-At"
)

// ErrNotFound is returned by Get when no message has the given id (or when
// the id is not a valid message id, e.g. contains a path separator or "..").
var ErrNotFound = errors.New("mailcatcher: message not found")

// Options configures Start.
type Options struct {
	Addr   string       // listen address, e.g. "127.0.0.1:1025"; "127.0.0.1:0" picks a free port
	Dir    string       // where .eml files are kept (created if missing)
	Logger *slog.Logger // may be nil (slog.Default())
}

// Summary describes one caught message.
type Summary struct {
	ID         string    // file name stem, sortable by arrival
	ReceivedAt time.Time // arrival time
	From       string    // envelope MAIL FROM
	To         []string  // envelope RCPT TO
	Subject    string    // decoded (RFC 2047) Subject header
	MessageID  string    // Message-ID header, as written (usually with angle brackets)
}

// Catcher is a running mail catcher. It is safe for concurrent use.
type Catcher struct {
	dir    string
	logger *slog.Logger
	srv    *smtp.Server
	ln     *trackingListener

	serveDone chan struct{}
	closeOnce sync.Once
	closeErr  error

	mu       sync.Mutex
	lastNano int64         // last timestamp used in an id (ids are strictly increasing)
	seq      uint64        // per-process counter used in ids
	arrived  chan struct{} // closed and replaced whenever a message is stored
	failLeft int           // FailNext: number of messages still to refuse
	failCode int
	failMsg  string
}

// Start creates the storage directory if needed, starts listening on
// opts.Addr and serves SMTP in a goroutine. It returns once the listener is
// open, so Addr is immediately usable.
func Start(opts Options) (*Catcher, error) {
	if opts.Dir == "" {
		return nil, errors.New("mailcatcher: Options.Dir is required")
	}
	logger := opts.Logger
	if logger == nil {
		logger = slog.Default()
	}
	addr := opts.Addr
	if addr == "" {
		addr = DefaultAddr
	}
	if err := os.MkdirAll(opts.Dir, 0o750); err != nil {
		return nil, fmt.Errorf("mailcatcher: create directory: %w", err)
	}

	c := &Catcher{
		dir:       opts.Dir,
		logger:    logger.With("component", "mailcatcher"),
		serveDone: make(chan struct{}),
		arrived:   make(chan struct{}),
	}
	if err := c.scanDir(); err != nil {
		return nil, err
	}

	l, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("mailcatcher: listen on %s: %w", addr, err)
	}
	c.ln = newTrackingListener(l)

	srv := smtp.NewServer(&backend{c: c})
	srv.Domain = "mailcatcher.localhost"
	srv.MaxMessageBytes = MaxMessageBytes
	srv.MaxRecipients = maxRecipients
	srv.AllowInsecureAuth = true
	srv.EnableSMTPUTF8 = true
	srv.ReadTimeout = readTimeout
	srv.WriteTimeout = writeTimeout
	srv.ErrorLog = slogAdapter{c.logger}
	c.srv = srv

	go func() {
		defer close(c.serveDone)
		if err := srv.Serve(c.ln); err != nil && !errors.Is(err, net.ErrClosed) && !errors.Is(err, smtp.ErrServerClosed) {
			c.logger.Error("SMTP server stopped", "error", err)
		}
	}()
	c.logger.Info("mail catcher started", "addr", c.Addr(), "dir", c.dir)
	return c, nil
}

// scanDir removes temporary files left by a crash and initialises lastNano
// from the existing ids so that new ids sort after them.
func (c *Catcher) scanDir() error {
	entries, err := os.ReadDir(c.dir)
	if err != nil {
		return fmt.Errorf("mailcatcher: read directory: %w", err)
	}
	for _, e := range entries {
		name := e.Name()
		if e.Type().IsRegular() && strings.HasPrefix(name, tmpPrefix) {
			if err := os.Remove(filepath.Join(c.dir, name)); err != nil {
				c.logger.Warn("cannot remove a temporary file", "file", name, "error", err)
			}
			continue
		}
		if id, ok := idFromFileName(name); ok {
			if n, ok := nanosFromID(id); ok && n > c.lastNano {
				c.lastNano = n
			}
		}
	}
	return nil
}

// Addr returns the actual listen address (host:port).
func (c *Catcher) Addr() string {
	return c.ln.Addr().String()
}

// Close stops accepting connections and waits for the running SMTP sessions
// to end. Sessions still open after a grace period (10s) are cut. Close is
// idempotent.
func (c *Catcher) Close() error {
	c.closeOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		// Close the listener first: if Serve has not yet handed it to the SMTP
		// server, Shutdown alone would not stop it and serveDone would never close.
		_ = c.ln.Close()
		err := c.srv.Shutdown(ctx)
		<-c.serveDone // no Accept can be in progress after this
		if errors.Is(err, context.DeadlineExceeded) {
			c.logger.Warn("SMTP sessions still open at shutdown: closing them")
			c.ln.closeAll()
			err = nil
		}
		c.ln.wait()
		if err != nil && !errors.Is(err, net.ErrClosed) {
			c.closeErr = fmt.Errorf("mailcatcher: close: %w", err)
		}
		c.logger.Info("mail catcher stopped", "addr", c.ln.Addr().String())
	})
	return c.closeErr
}

// FailNext makes the next n delivered messages be refused at DATA time with
// the given SMTP code (4xx = temporary, 5xx = permanent) and message, to test
// senders' retry logic. Codes outside 400–599 are replaced by 451. n <= 0
// clears a pending failure.
func (c *Catcher) FailNext(n int, code int, message string) {
	if code < 400 || code > 599 {
		code = 451
	}
	if message == "" {
		message = "Simulated failure (mailcatcher FailNext)"
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if n <= 0 {
		c.failLeft, c.failCode, c.failMsg = 0, 0, ""
		return
	}
	c.failLeft, c.failCode, c.failMsg = n, code, message
}

// takeFailure consumes one pending FailNext refusal, if any.
func (c *Catcher) takeFailure() *smtp.SMTPError {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.failLeft <= 0 {
		return nil
	}
	c.failLeft--
	return &smtp.SMTPError{
		Code:         c.failCode,
		EnhancedCode: smtp.EnhancedCode{c.failCode / 100, 0, 0},
		Message:      c.failMsg,
	}
}

// nextID returns a new, strictly increasing message id and the arrival time.
func (c *Catcher) nextID() (string, time.Time) {
	now := time.Now()
	c.mu.Lock()
	defer c.mu.Unlock()
	n := now.UnixNano()
	if n <= c.lastNano {
		n = c.lastNano + 1
	}
	c.lastNano = n
	c.seq++
	return fmt.Sprintf("%019d-%06d", n, c.seq%1_000_000), now
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

// slogAdapter lets go-smtp report its internal errors through slog.
type slogAdapter struct{ l *slog.Logger }

func (a slogAdapter) Printf(format string, v ...interface{}) {
	a.l.Warn("smtp: " + strings.TrimSpace(fmt.Sprintf(format, v...)))
}

func (a slogAdapter) Println(v ...interface{}) {
	a.l.Warn("smtp: " + strings.TrimSpace(fmt.Sprintln(v...)))
}

// trackingListener remembers the accepted connections so that Close can wait
// for them to end and cut them after the grace period.
type trackingListener struct {
	net.Listener
	mu    sync.Mutex
	conns map[*trackedConn]struct{}
	wg    sync.WaitGroup
}

func newTrackingListener(l net.Listener) *trackingListener {
	return &trackingListener{Listener: l, conns: make(map[*trackedConn]struct{})}
}

func (l *trackingListener) Accept() (net.Conn, error) {
	nc, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	tc := &trackedConn{Conn: nc, l: l}
	l.mu.Lock()
	l.conns[tc] = struct{}{}
	l.wg.Add(1)
	l.mu.Unlock()
	return tc, nil
}

// closeAll cuts every open connection; the session goroutines then end and
// close their trackedConn.
func (l *trackingListener) closeAll() {
	l.mu.Lock()
	defer l.mu.Unlock()
	for tc := range l.conns {
		_ = tc.Conn.Close()
	}
}

func (l *trackingListener) wait() { l.wg.Wait() }

type trackedConn struct {
	net.Conn
	l    *trackingListener
	once sync.Once
}

func (tc *trackedConn) Close() error {
	err := tc.Conn.Close()
	tc.once.Do(func() {
		tc.l.mu.Lock()
		delete(tc.l.conns, tc)
		tc.l.mu.Unlock()
		tc.l.wg.Done()
	})
	return err
}
