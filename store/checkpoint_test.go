package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

// The writer leaves checkpoints to a connection of their own: its own
// threshold is raised to a safety net, and a PASSIVE checkpoint on the
// other connection copies what was committed.
func TestSQLiteCheckpointsOffTheWriter(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	db, err := Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "b.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	var pages int
	if err := db.rw.QueryRowContext(ctx, `PRAGMA wal_autocheckpoint`).Scan(&pages); err != nil {
		t.Fatal(err)
	}
	if pages != writerCheckpointPages {
		t.Errorf("the writer checkpoints after %d pages, want %d", pages, writerCheckpointPages)
	}

	db.checkpoints.runs.end() // what follows is this test's alone
	err = db.Update(ctx, func(tx *Tx) error {
		if _, err := tx.q.ExecContext(ctx, `CREATE TABLE filler (b TEXT)`); err != nil {
			return err
		}
		_, err := tx.q.ExecContext(ctx, `INSERT INTO filler (b) VALUES ($1)`, strings.Repeat("x", 1<<20))
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if copied, err := db.checkpoint(ctx); err != nil || copied < 256 {
		t.Errorf("checkpoint copied %d pages (%v), want the megabyte just written (256 pages)", copied, err)
	}
}
