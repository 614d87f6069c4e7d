package api

import (
	"context"
	"errors"
	"time"

	"go.temporal.io/api/serviceerror"
	"go.temporal.io/sdk/client"
)

// The live state of a call or a dossier is its workflow's: GET asks the workflow
// (a Temporal query) and answers state_source "workflow". The database holds the
// state last recorded by the workflow's activities, which can be behind it (a
// phase decided, its activity not yet run). When the workflow cannot answer in
// time the API still answers, from the database, and says so: state_source
// "database" and state_fallback naming why (and logs it). Never a possibly stale
// state presented as live.
//
// Under load the queries are bounded: at most maxLiveQueries run at once (each
// one a round trip API → frontend → history → matching → worker); a read past
// that answers at once from the database with state_fallback "busy" rather
// than queueing into the query's timeout.

// queryTimeout bounds a live-state query: past it the recorded state is shown.
const queryTimeout = 3 * time.Second

// maxLiveQueries bounds the live-state queries in flight in one API process.
const maxLiveQueries = 64

// Reasons of a fallback to the database.
const (
	fallbackTimeout     = "timeout"     // the workflow did not answer within queryTimeout
	fallbackBusy        = "busy"        // maxLiveQueries were already in flight
	fallbackUnavailable = "unavailable" // Temporal or the workflow answered an error
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
	switch {
	case errors.Is(err, errLiveQueriesBusy):
		return fallbackBusy
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &deadline):
		return fallbackTimeout
	}
	return fallbackUnavailable
}
