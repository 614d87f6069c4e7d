// Package store opens the application database (SQLite or PostgreSQL through
// gorm, the same code for both), migrates its schema, and holds the queries the
// API and the activities share.
package store

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"gorm.io/driver/postgres"
	"gorm.io/driver/sqlite"
	"gorm.io/gorm"
	"gorm.io/gorm/logger"

	// The pure-Go SQLite driver, registered as "sqlite". The embedded Temporal
	// server links the same module; a second driver registering "sqlite" would panic.
	_ "modernc.org/sqlite"
)

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found")

// Open connects to PostgreSQL when databaseURL is set, else to SQLite at dataDir/aap.db.
func Open(databaseURL, dataDir string, log *slog.Logger) (*gorm.DB, error) {
	gormConf := &gorm.Config{
		Logger: logger.NewSlogLogger(log, logger.Config{
			SlowThreshold:             500 * time.Millisecond,
			LogLevel:                  logger.Warn,
			IgnoreRecordNotFoundError: true,
		}),
		NowFunc: func() time.Time { return time.Now().UTC() },
	}
	if databaseURL != "" {
		db, err := gorm.Open(postgres.Open(databaseURL), gormConf)
		if err != nil {
			return nil, fmt.Errorf("open PostgreSQL: %w", err)
		}
		sqlDB, err := db.DB()
		if err != nil {
			return nil, err
		}
		sizePool(sqlDB, 20)
		return db, registerCallbacks(db)
	}
	if err := os.MkdirAll(dataDir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	pool, err := openSQLitePool(filepath.Join(dataDir, "aap.db"), sqliteReaders)
	if err != nil {
		return nil, fmt.Errorf("open SQLite: %w", err)
	}
	db, err := gorm.Open(sqlite.Dialector{Conn: pool}, gormConf)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("open SQLite: %w", err), pool.Close())
	}
	return db, registerCallbacks(db)
}

// sqliteReaders is how many connections read the application's SQLite beside its writer.
const sqliteReaders = 2

// registerCallbacks registers the callbacks every connection needs.
func registerCallbacks(db *gorm.DB) error {
	if err := registerReferences(db); err != nil {
		return err
	}
	return registerDossierCount(db)
}

// sqliteDSN sets WAL (readers beside one writer), a busy timeout (writers wait
// instead of failing) and immediate transactions (a writer takes the lock at
// BEGIN, so two read-then-write transactions cannot deadlock on upgrade).
func sqliteDSN(path string) string {
	return "file:" + path + "?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)" +
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(ON)&_txlock=immediate&_time_format=sqlite"
}

// sizePool keeps up to n connections open, each closed after five idle minutes.
func sizePool(sqlDB *sql.DB, n int) {
	sqlDB.SetMaxOpenConns(n)
	sqlDB.SetMaxIdleConns(n)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
}

// Close releases the connections.
func Close(db *gorm.DB) error {
	if pool, ok := db.ConnPool.(*sqlitePool); ok {
		return pool.Close()
	}
	sqlDB, err := db.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}
