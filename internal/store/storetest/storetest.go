// Package storetest gives tests a migrated database: SQLite always, and
// PostgreSQL too when AAP_TEST_DATABASE_URL is set (CI sets it).
package storetest

import (
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/url"
	"os"
	"testing"

	"gorm.io/gorm"

	"github.com/dian-p104/aap/internal/store"
)

// PostgresURLVar names the variable that points the store tests at PostgreSQL.
const PostgresURLVar = "AAP_TEST_DATABASE_URL"

// SQLite returns a migrated SQLite database in a temporary directory.
func SQLite(t testing.TB) *gorm.DB {
	t.Helper()
	return openMigrated(t, "", t.TempDir())
}

// Postgres returns a migrated PostgreSQL database in a schema of its own, dropped
// at cleanup, or skips the test when AAP_TEST_DATABASE_URL is not set.
func Postgres(t testing.TB) *gorm.DB {
	t.Helper()
	base := os.Getenv(PostgresURLVar)
	if base == "" {
		t.Skipf("%s not set: PostgreSQL tests skipped (.ci/run sets it)", PostgresURLVar)
	}
	admin, err := store.Open(base, "", slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	schema := "test_" + randomHex(6)
	if err := admin.Exec("CREATE SCHEMA " + schema).Error; err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = admin.Exec("DROP SCHEMA " + schema + " CASCADE").Error
		_ = store.Close(admin)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return openMigrated(t, u.String(), "")
}

// openMigrated opens a database, closed at cleanup, and brings its schema up to date.
func openMigrated(t testing.TB, databaseURL, dataDir string) *gorm.DB {
	t.Helper()
	db, err := store.Open(databaseURL, dataDir, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = store.Close(db) })
	if err := store.Migrate(db); err != nil {
		t.Fatal(err)
	}
	return db
}

// Each runs f against every database available: SQLite, and PostgreSQL when configured.
func Each(t *testing.T, f func(t *testing.T, db *gorm.DB)) {
	t.Run("sqlite", func(t *testing.T) { f(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { f(t, Postgres(t)) })
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
