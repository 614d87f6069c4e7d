package store

import (
	"context"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"gorm.io/gorm"
)

func TestOnlyAPlainSelectIsRead(t *testing.T) {
	for query, read := range map[string]bool{
		"SELECT * FROM applications":                       true,
		"\n\t  select count(*) from campaigns":             true,
		"INSERT INTO emails (key) VALUES (?) RETURNING id": false,
		"WITH x AS (SELECT 1) UPDATE t SET a = 1":          false,
		"PRAGMA journal_mode":                              false,
		"UPDATE applications SET state = ?":                false,
		"SELEC":                                            false,
		"":                                                 false,
	} {
		require.Equal(t, read, readOnly(query), "%q", query)
	}
}

// A read outside a transaction neither waits for a write in progress nor sees it; once the
// write commits, the next read sees it. A write can only go through the writer.
func TestReadsDoNotWaitForTheWriter(t *testing.T) {
	db, err := Open("", t.TempDir(), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { _ = Close(db) })
	require.NoError(t, db.Exec("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)").Error)

	tx := db.Begin()
	require.NoError(t, tx.Error)
	require.NoError(t, tx.Exec("INSERT INTO notes (body) VALUES ('en cours')").Error)

	// On one connection this read would wait for the transaction: bounded, it fails.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var n int64
	require.NoError(t, db.WithContext(ctx).Table("notes").Count(&n).Error)
	require.Zero(t, n, "not committed yet")

	require.NoError(t, tx.Commit().Error)
	require.NoError(t, db.Table("notes").Count(&n).Error)
	require.EqualValues(t, 1, n)

	pool := db.ConnPool.(*sqlitePool)
	_, err = pool.read.Exec("INSERT INTO notes (body) VALUES ('égaré')")
	require.ErrorContains(t, err, "readonly", "the readers refuse a write")
	require.NoError(t, db.Transaction(func(tx *gorm.DB) error {
		return tx.Exec("INSERT INTO notes (body) VALUES ('écrit')").Error
	}))
	require.NoError(t, db.Table("notes").Count(&n).Error)
	require.EqualValues(t, 2, n)
}
