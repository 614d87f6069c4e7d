package activities

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.temporal.io/sdk/temporal"

	"github.com/dian-p104/aap/internal/store"
	"github.com/dian-p104/aap/internal/store/storetest"
)

// storeError against the errors PostgreSQL really answers: what retrying
// cannot fix is non-retryable with its type, the rest is retried.
func TestStoreErrorClassifiesPostgreSQLErrors(t *testing.T) {
	db := storetest.Postgres(t)
	require.NoError(t, db.Exec(`CREATE TABLE door_t (k text UNIQUE, n int CHECK (n > 0), v text NOT NULL)`).Error)
	require.NoError(t, db.Exec(`INSERT INTO door_t VALUES ('a', 1, 'x')`).Error)
	for _, tc := range []struct {
		name, sql string
		args      []any
		sqlState  string
		want      string // "" : retried
	}{
		{"NUL byte", `INSERT INTO door_t VALUES (?, 2, 'x')`, []any{"b\x00"}, "22021", ErrTypeInvalidData},
		{"not a number", `SELECT ?::int`, []any{"douze"}, "22P02", ErrTypeInvalidData},
		{"number out of range", `SELECT 2147483647::int + 1`, nil, "22003", ErrTypeInvalidData},
		{"unique key taken", `INSERT INTO door_t VALUES ('a', 2, 'x')`, nil, "23505", ErrTypeDuplicate},
		{"check constraint", `INSERT INTO door_t VALUES ('c', 0, 'x')`, nil, "23514", ErrTypeInvalidData},
		{"not null", `INSERT INTO door_t VALUES ('d', 1, NULL)`, nil, "23502", ErrTypeInvalidData},
		{"undefined table (a missing migration: fixed by deploying)", `SELECT * FROM door_absent`, nil, "42P01", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dbErr := db.Exec(tc.sql, tc.args...).Error
			if tc.sqlState != "" {
				var pg *pgconn.PgError
				require.True(t, errors.As(dbErr, &pg), "%T %v", dbErr, dbErr)
				require.Equal(t, tc.sqlState, pg.Code, pg.Message)
			}
			err := storeError(fmt.Errorf("record: %w", dbErr))
			var appErr *temporal.ApplicationError
			if tc.want == "" {
				assert.False(t, errors.As(err, &appErr), "retried: %v", err)
				return
			}
			require.True(t, errors.As(err, &appErr), "%T %v", err, err)
			assert.True(t, appErr.NonRetryable())
			assert.Equal(t, tc.want, appErr.Type())
		})
	}
	assert.Nil(t, storeError(nil))
	requireType := func(err error, want string) {
		var appErr *temporal.ApplicationError
		require.True(t, errors.As(storeError(err), &appErr), "%v", err)
		assert.Equal(t, want, appErr.Type())
	}
	requireType(store.ErrNotFound, ErrTypeNotFound)
	for _, transient := range []error{context.DeadlineExceeded, &pgconn.PgError{Code: "40001"}, &pgconn.PgError{Code: "40P01"},
		&pgconn.PgError{Code: "57P01"}, errors.New("dial tcp 127.0.0.1:5432: connect: connection refused")} {
		var appErr *temporal.ApplicationError
		assert.False(t, errors.As(storeError(transient), &appErr), "%v must be retried", transient)
	}
}
