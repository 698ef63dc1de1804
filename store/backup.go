package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
)

// ErrBackupPostgres is returned by Backup for a PostgreSQL database, whose
// own tools (pg_dump) make consistent copies.
var ErrBackupPostgres = errors.New("backup copies SQLite databases only")

// Backup writes a consistent copy of the SQLite database at dbURL to the file
// to, while other connections (a running server) go on writing: VACUUM INTO
// reads one snapshot of the database, WAL included. The copy is written next
// to to and linked into place at the end, so to is never overwritten, nor
// left half-written. It applies no migrations to the source.
func Backup(ctx context.Context, dbURL, to string) error {
	dialect, path, err := ParseURL(dbURL)
	if err != nil {
		return err
	}
	if dialect != SQLite {
		return ErrBackupPostgres
	}
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("backup: no database at %s: %w", path, err)
	}
	if _, err := os.Lstat(to); err == nil {
		return fmt.Errorf("backup: %s already exists; choose a new file", to)
	} else if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("backup: %w", err)
	}
	suffix := make([]byte, 6)
	_, _ = rand.Read(suffix)
	tmp := filepath.Join(filepath.Dir(to), "."+filepath.Base(to)+".partial-"+hex.EncodeToString(suffix))
	// Made empty here, readable by its owner only, as the database is:
	// VACUUM INTO fills an empty file and keeps its mode.
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("backup: cannot write %s: %w", to, unwrapPath(err))
	}
	f.Close()
	defer os.Remove(tmp)

	// A plain connection: no migrations, no WAL switch (the file keeps its
	// mode), and a wait for the server's write lock rather than an error.
	src, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	defer src.Close()
	if _, err := src.ExecContext(ctx, `VACUUM INTO $1`, tmp); err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	if err := syncFile(tmp); err != nil { // VACUUM INTO leaves the copy to the OS's cache
		return fmt.Errorf("backup: %w", err)
	}
	// A hard link fails if to appeared meanwhile, where a rename would replace it.
	if err := os.Link(tmp, to); err != nil {
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("backup: %s already exists; choose a new file", to)
		}
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
