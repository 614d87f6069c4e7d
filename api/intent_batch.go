package api

import (
	"context"
	"sync"
)

// intentBatcher clears the start intents of the dossiers filed at the same moment in one
// write (group commit): at concurrency the filings' second writes were as many SQLite
// transactions, each waiting its turn for the write lock. A filing still answers only once
// its dossier's intent is cleared (a list read after the 201 shows the dossier, as before);
// while one batch is written, the next one gathers every filing that arrives meanwhile.
// Its zero value is ready; it holds no goroutine of its own.
type intentBatcher struct {
	mu   sync.Mutex
	open *intentBatch // gathering, written once the batch before it is
	busy bool         // a batch is being written
}

// intentBatch is one write's dossiers; ready is closed when it may be written.
type intentBatch struct {
	ids   []string
	ready chan struct{}
	once  sync.Once
	err   error
}

// clear clears id's start intent with whatever batch it joins and returns that write's
// error. It waits for the write even if ctx ends (the batch's other filings count on it);
// the wait is bounded by the writes' own (SQLite's busy timeout, the pool's).
func (q *intentBatcher) clear(ctx context.Context, id string, write func(context.Context, []string) error) error {
	q.mu.Lock()
	b := q.open
	if b == nil {
		b = &intentBatch{ready: make(chan struct{})}
		q.open = b
		if !q.busy {
			q.busy = true
			close(b.ready)
		}
	}
	b.ids = append(b.ids, id)
	q.mu.Unlock()
	<-b.ready
	b.once.Do(func() { q.write(context.WithoutCancel(ctx), b, write) })
	return b.err
}

// write writes b (closed to new dossiers first), then lets the batch gathered meanwhile go.
func (q *intentBatcher) write(ctx context.Context, b *intentBatch, write func(context.Context, []string) error) {
	q.mu.Lock()
	if q.open == b {
		q.open = nil
	}
	ids := b.ids
	q.mu.Unlock()
	b.err = write(ctx, ids)
	q.mu.Lock()
	if q.open != nil {
		close(q.open.ready)
	} else {
		q.busy = false
	}
	q.mu.Unlock()
}
