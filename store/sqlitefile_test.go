package store_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beseda/beseda/store"
)

// TestSQLite_FilesAreTheOwnersOnly: a new database, its -wal and -shm
// files, the serve lock and a backup are readable by their owner only, as
// the data directory and the key file are; a missing directory is made, for
// the owner only too.
func TestSQLite_FilesAreTheOwnersOnly(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "new", "place", "beseda.db")
	db, err := store.Open(ctx, "sqlite:"+path, store.WithServeLock("a test"))
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Backup(ctx, "sqlite:"+path, filepath.Join(dir, "backup.db")); err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string]os.FileMode{
		path: 0o600, path + "-wal": 0o600, path + "-shm": 0o600, store.LockFile(path): 0o600,
		filepath.Join(dir, "backup.db"): 0o600, filepath.Dir(path): 0o700, filepath.Join(dir, "new"): 0o700,
	} {
		info, err := os.Stat(name)
		if err != nil {
			t.Errorf("%s: %v", name, err)
		} else if got := info.Mode().Perm(); got != want {
			t.Errorf("%s is %v, want %v", name, got, want)
		}
	}
	db.Close()
}

// TestSQLite_FileMistakesNameThePath: what stands in the way of the
// database file is said with its path and cause, not as SQLite's "unable to
// open database file (14)".
func TestSQLite_FileMistakesNameThePath(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(file, "beseda.db"), fmt.Sprintf("database %s: %s is not a directory", filepath.Join(file, "beseda.db"), file)},
		{dir, fmt.Sprintf("database %s is a directory, not a database file", dir)},
	} {
		_, err := store.Open(ctx, "sqlite:"+tc.path)
		if err == nil || err.Error() != tc.want {
			t.Errorf("%s: %v\nwant %s", tc.path, err, tc.want)
		}
	}
}

// TestSQLite_OneServerPerDatabase: a second serve lock on a database is
// refused, naming the database and the holder; the lock goes with the
// first one's Close (a killed process's goes with the process: see
// cmd/beseda's TestSQLite_OneProcessPerDatabase).
func TestSQLite_OneServerPerDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "beseda.db")
	first, err := store.Open(ctx, "sqlite:"+path, store.WithServeLock("beseda serve, listening on 127.0.0.1:8080"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = store.Open(ctx, "sqlite:"+path, store.WithServeLock("beseda serve, listening on 127.0.0.1:8081"))
	want := fmt.Sprintf("database %s is in use by beseda serve, listening on 127.0.0.1:8080 (pid %d, since ", path, os.Getpid())
	if err == nil || !strings.HasPrefix(err.Error(), want) ||
		!strings.Contains(err.Error(), "Stop that one first, or run several processes on PostgreSQL") {
		t.Errorf("a second server: %v\nwant %s…", err, want)
	}
	// Tools that may run beside a server (backup, workspace create) take no lock.
	tool, err := store.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatalf("a tool beside the server: %v", err)
	}
	tool.Close()
	first.Close()
	second, err := store.Open(ctx, "sqlite:"+path, store.WithServeLock("beseda serve, listening on 127.0.0.1:8081"))
	if err != nil {
		t.Fatalf("after the first closed: %v", err)
	}
	second.Close()
}
