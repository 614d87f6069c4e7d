package ds

import (
	"errors"
	"time"
)

// Kinds of failure, which say what retrying can do.
const (
	// KindUnavailable: DS did not answer, or answered 5xx: retry with backoff.
	KindUnavailable = "unavailable"
	// KindRateLimited: DS answered 429: retry after RetryAfter.
	KindRateLimited = "rate_limited"
	// KindRefused: DS refused the request (token, unknown démarche, a decision it
	// does not allow): retrying cannot help.
	KindRefused = "refused"
)

// Error is a failed call to DS.
type Error struct {
	Kind       string
	Message    string
	RetryAfter time.Duration
}

func (e *Error) Error() string { return "démarches simplifiées (" + e.Kind + ") : " + e.Message }

// KindOf returns the kind of a DS error, or KindUnavailable for any other error.
func KindOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Kind
	}
	return KindUnavailable
}
