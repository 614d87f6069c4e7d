package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"unicode"
)

// sqlitePool is the application's SQLite as two pools on the same file: one connection
// that writes (every statement but a plain SELECT, and every transaction), and a few
// that only read. SQLite has one writer; in WAL mode readers run beside it and never
// wait for it. One pool of one connection queued each filing's reads (its token, its
// call, its association) behind the other filings' writes; one pool of several made
// writers sleep in SQLite's busy handler while the lock was already free (measured:
// docs/measurements.md, 7 December). Reads outside a transaction see what was committed
// before they began, as on one connection.
type sqlitePool struct {
	write *sql.DB
	read  *sql.DB
}

// openSQLitePool opens path's writer (one connection) and readers (readers connections,
// refused any write: a write misrouted here fails instead of racing the writer).
func openSQLitePool(path string, readers int) (*sqlitePool, error) {
	write, err := sql.Open("sqlite", sqliteDSN(path))
	if err != nil {
		return nil, err
	}
	read, err := sql.Open("sqlite", sqliteDSN(path)+"&_pragma=query_only(1)")
	if err != nil {
		return nil, errors.Join(err, write.Close())
	}
	sizePool(write, 1)
	sizePool(read, readers)
	return &sqlitePool{write: write, read: read}, nil
}

// pool is where query goes: a read-only statement to the readers.
func (p *sqlitePool) pool(query string) *sql.DB {
	if readOnly(query) {
		return p.read
	}
	return p.write
}

// readOnly reports whether query is a plain SELECT. An INSERT … RETURNING, a WITH that
// writes, a PRAGMA, anything else goes to the writer.
func readOnly(query string) bool {
	q := strings.TrimLeftFunc(query, unicode.IsSpace)
	return len(q) >= 6 && strings.EqualFold(q[:6], "SELECT")
}

func (p *sqlitePool) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return p.pool(query).PrepareContext(ctx, query)
}

func (p *sqlitePool) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return p.write.ExecContext(ctx, query, args...)
}

func (p *sqlitePool) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return p.pool(query).QueryContext(ctx, query, args...)
}

func (p *sqlitePool) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	return p.pool(query).QueryRowContext(ctx, query, args...)
}

// BeginTx opens a transaction on the writer: its reads see its own writes.
func (p *sqlitePool) BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error) {
	return p.write.BeginTx(ctx, opts)
}

// GetDBConn is the writer, for what gorm's DB() serves (a health check's ping).
func (p *sqlitePool) GetDBConn() (*sql.DB, error) {
	return p.write, nil
}

// Close closes both pools.
func (p *sqlitePool) Close() error {
	return errors.Join(p.read.Close(), p.write.Close())
}
