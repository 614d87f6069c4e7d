package api

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// recordingWrites is a write function that records each batch; the first write waits for
// release, so that the filings arriving meanwhile gather into the next batch.
type recordingWrites struct {
	mu      sync.Mutex
	batches [][]string
	started chan struct{}
	release chan struct{}
	fail    error
}

func (w *recordingWrites) write(ctx context.Context, ids []string) error {
	if err := ctx.Err(); err != nil {
		return err // a database write fails on a cancelled context
	}
	w.mu.Lock()
	first := len(w.batches) == 0
	w.batches = append(w.batches, slices.Clone(ids))
	w.mu.Unlock()
	if first && w.started != nil {
		close(w.started)
		<-w.release
	}
	return w.fail
}

// While one batch is written, the filings arriving meanwhile are written together in one
// write, each dossier exactly once, and each filing answers only after its own write.
func TestIntentBatcherGathersTheFilingsOfTheSameMomentIntoOneWrite(t *testing.T) {
	var q intentBatcher
	w := &recordingWrites{started: make(chan struct{}), release: make(chan struct{})}
	first := make(chan error)
	go func() { first <- q.clear(context.Background(), "d0", w.write) }()
	<-w.started

	const waiting = 10
	var wg sync.WaitGroup
	errs := make(chan error, waiting)
	for i := 1; i <= waiting; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- q.clear(context.Background(), fmt.Sprintf("d%d", i), w.write)
		}()
	}
	// Every waiting filing has joined the gathering batch before the first write ends.
	require.Eventually(t, func() bool {
		q.mu.Lock()
		defer q.mu.Unlock()
		return q.open != nil && len(q.open.ids) == waiting
	}, 5*time.Second, 5*time.Millisecond)
	select {
	case <-errs:
		t.Fatal("a filing answered before its dossier's write")
	default:
	}
	close(w.release)
	require.NoError(t, <-first)
	wg.Wait()
	close(errs)
	for err := range errs {
		require.NoError(t, err)
	}
	require.Len(t, w.batches, 2, "one write for the first dossier, one for the ten gathered meanwhile")
	assert.Equal(t, []string{"d0"}, w.batches[0])
	assert.ElementsMatch(t, []string{"d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10"}, w.batches[1])

	// Alone, a filing is written at once, by itself, and the batcher is idle again after.
	require.NoError(t, q.clear(context.Background(), "d11", w.write))
	require.Len(t, w.batches, 3)
	assert.Equal(t, []string{"d11"}, w.batches[2])
	assert.False(t, q.busy)
	assert.Nil(t, q.open)
}

// A failed write is every filing's of its batch (each logs it; the reconciler clears the
// intents later), and the next batch is written all the same.
func TestIntentBatcherGivesAFailedWriteToItsBatchAndGoesOn(t *testing.T) {
	var q intentBatcher
	refused := errors.New("database is locked")
	w := &recordingWrites{fail: refused}
	require.ErrorIs(t, q.clear(context.Background(), "d1", w.write), refused)
	w.fail = nil
	require.NoError(t, q.clear(context.Background(), "d2", w.write))
	assert.Equal(t, [][]string{{"d1"}, {"d2"}}, w.batches)
}

// A filing whose request is cancelled while it waits still has its dossier written.
func TestIntentBatcherWritesTheDossierOfACancelledRequest(t *testing.T) {
	var q intentBatcher
	w := &recordingWrites{}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	require.NoError(t, q.clear(ctx, "d1", w.write))
	assert.Equal(t, [][]string{{"d1"}}, w.batches)
}
