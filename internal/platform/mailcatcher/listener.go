package mailcatcher

import (
	"fmt"
	"log/slog"
	"net"
	"strings"
	"sync"
)

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
