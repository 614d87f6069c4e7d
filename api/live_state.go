package api

import (
	"context"
	"errors"
	"time"

	"github.com/gin-gonic/gin"
	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// The state of a call or a dossier that GET answers is the database's: every
// phase the workflow enters is recorded by an activity before the workflow takes
// it (campaign.recordPhase, recordCancel, recordSelection; the dossier's
// RecordApplicationState and CancelDossier), so the database is never behind the
// phase the workflow announces; at most it is ahead of it for the instant between
// the record and the announcement. A read then costs one row, not a Temporal query
// (a round trip API → frontend → history → matching → worker that, at 200 reads a
// second on a shared machine, made the p99 reach hundreds of milliseconds and many
// answers fall back). The answer says so: state_source "database" and
// state_recorded_at, when that state was recorded.
//
// ?live=1 asks the workflow (a Temporal query) for what only it holds: the
// dossier's accusé de réception, its convention and compte-rendu financier as it
// follows them, a notice not delivered. It answers state_source "workflow", or,
// when the workflow cannot answer in time, the recorded state with state_source
// "database" and state_fallback naming why (and logs it): never a possibly stale
// state presented as live. Under load the queries are bounded: at most
// maxLiveQueries run at once; a read past that answers at once from the database
// with state_fallback "busy" rather than queueing into the query's timeout.

// Where the state of an answer comes from.
const (
	stateFromDatabase = "database"
	stateFromWorkflow = "workflow"
)

// recordedAt is when a state was recorded: its own instant, or the row's creation
// for the state it was created in.
func recordedAt(recorded *time.Time, created time.Time) *time.Time {
	if recorded != nil {
		return recorded
	}
	if created.IsZero() {
		return nil
	}
	return &created
}

// liveParam reads ?live=: 1 or true asks the workflow, 0, false or nothing reads the database.
func liveParam(c *gin.Context) (bool, error) {
	switch c.Query("live") {
	case "", "0", "false":
		return false, nil
	case "1", "true":
		return true, nil
	}
	return false, ValidationProblem([]FieldError{{Field: "live", Rule: "enum",
		Message: "live : valeurs possibles 1 (état demandé au workflow) ou 0 (état enregistré en base)"}})
}

// queryTimeout bounds a live-state query: past it the recorded state is shown.
const queryTimeout = 3 * time.Second

// maxLiveQueries bounds the live-state queries in flight in one API process.
const maxLiveQueries = 64

// Reasons of a fallback to the database.
const (
	fallbackTimeout     = "timeout"     // the workflow did not answer within queryTimeout
	fallbackBusy        = "busy"        // maxLiveQueries were already in flight
	fallbackUnavailable = "unavailable" // Temporal or the workflow answered an error
	// fallbackNotStarted: the workflow has not run its first task. A dossier's starts at its
	// call's closure (its start delay): until then the recorded state is the whole state.
	fallbackNotStarted = "not_started"
)

var errLiveQueriesBusy = errors.New("too many live-state queries in flight")

// liveQuerySlots is the process's bound on live queries (one API process, one bound).
var liveQuerySlots = make(chan struct{}, maxLiveQueries)

// queryState asks a workflow for its state through the named query.
func queryState[T any](ctx context.Context, c client.Client, workflowID, query string) (T, error) {
	var st T
	select {
	case liveQuerySlots <- struct{}{}:
		defer func() { <-liveQuerySlots }()
	default:
		return st, errLiveQueriesBusy
	}
	ctx, cancel := context.WithTimeout(ctx, queryTimeout)
	defer cancel()
	res, err := c.QueryWorkflow(ctx, workflowID, "", query)
	if err == nil {
		err = res.Get(&st)
	}
	return st, err
}

// fallbackReason names why a live-state query failed.
func fallbackReason(err error) string {
	var deadline *serviceerror.DeadlineExceeded
	var notReady *serviceerror.WorkflowNotReady
	switch {
	case errors.As(err, &notReady):
		return fallbackNotStarted
	case errors.Is(err, errLiveQueriesBusy):
		return fallbackBusy
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &deadline):
		return fallbackTimeout
	}
	return fallbackUnavailable
}
