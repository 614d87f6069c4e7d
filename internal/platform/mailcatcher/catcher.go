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
