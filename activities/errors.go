package activities

import (
	"errors"

	"github.com/jackc/pgx/v5/pgconn"
	"go.temporal.io/sdk/temporal"
	"modernc.org/sqlite"

	"github.com/dian-p104/aap/internal/store"
)

// ErrTypeInvalidData marks a value the database refuses (PostgreSQL's data
// exceptions, class 22: a NUL byte is 22021, a malformed number 22P02; a CHECK
// or NOT NULL constraint): the same value is refused again, retrying cannot help.
const ErrTypeInvalidData = "InvalidData"

// ErrTypeDuplicate marks a write breaking a unique constraint that the
// activity does not handle as idempotency: retrying writes the same row again.
const ErrTypeDuplicate = "Duplicate"

// ErrTypeConflict marks a write another command already won (the record left
// the state the write needs): retrying cannot help.
const ErrTypeConflict = "Conflict"

// storeError is the one classification of the store's errors for Temporal:
// an error retrying cannot fix (a missing record, a value or a write the
// database refuses for what it is) becomes non-retryable with its type, so
// the workflow's handler gets it at once instead of an activity retried for
// ever; anything else (a connection lost, a deadlock, a serialization
// failure, a timeout) stays retryable.
func storeError(err error) error {
	if err == nil {
		return nil
	}
	errType := permanentStoreError(err)
	if errType == "" {
		return err
	}
	return temporal.NewNonRetryableApplicationError(err.Error(), errType, err)
}

// permanentStoreError is the type of an error retrying cannot fix, or "".
func permanentStoreError(err error) string {
	if errors.Is(err, store.ErrNotFound) {
		return ErrTypeNotFound
	}
	if errors.Is(err, store.ErrConflict) {
		return ErrTypeConflict
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch {
		case pg.Code == "23505": // unique_violation
			return ErrTypeDuplicate
		case pg.Code == "23502", pg.Code == "23514": // not_null_violation, check_violation
			return ErrTypeInvalidData
		case len(pg.Code) == 5 && pg.Code[:2] == "22": // data_exception and its subclasses
			return ErrTypeInvalidData
		}
		return ""
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case 2067, 1555: // SQLITE_CONSTRAINT_UNIQUE, SQLITE_CONSTRAINT_PRIMARYKEY
			return ErrTypeDuplicate
		case 275, 1299: // SQLITE_CONSTRAINT_CHECK, SQLITE_CONSTRAINT_NOTNULL
			return ErrTypeInvalidData
		}
	}
	return ""
}
