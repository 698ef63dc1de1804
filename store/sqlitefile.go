package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// prepareSQLite makes sure the database file can be opened for writing
// before SQLite tries, so that a mistake is named by its path and its cause
// rather than as "unable to open database file (14)". A missing database is
// created here, readable by its owner only (0600): SQLite gives its -wal and
// -shm files the database's mode. A missing directory is created too (0700).
func prepareSQLite(path string) error {
	abs, err := filepath.Abs(path)
	if err != nil {
		return fmt.Errorf("database %s: %w", path, err)
	}
	dir := filepath.Dir(abs)
	if info, err := os.Stat(dir); err == nil && !info.IsDir() {
		return fmt.Errorf("database %s: %s is not a directory", abs, dir)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("database %s: cannot create its directory: %w", abs, unwrapPath(err))
	}
	_, statErr := os.Stat(abs)
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE, 0o600)
	switch {
	case err == nil:
		f.Close()
	case errors.Is(statErr, fs.ErrNotExist):
		return fmt.Errorf("database %s: cannot create it: %w (the directory %s must be writable by this user)", abs, unwrapPath(err), dir)
	case errors.Is(err, syscall.EISDIR):
		return fmt.Errorf("database %s is a directory, not a database file", abs)
	default:
		return fmt.Errorf("database %s: cannot open it for writing: %w", abs, unwrapPath(err))
	}
	// SQLite makes PATH-wal and PATH-shm beside the database.
	probe, err := os.CreateTemp(dir, ".beseda-write-check-*")
	if err != nil {
		return fmt.Errorf("database %s: its directory %s is not writable by this user (SQLite keeps %s-wal and %s-shm there): %w",
			abs, dir, filepath.Base(abs), filepath.Base(abs), unwrapPath(err))
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// unwrapPath drops the *PathError's own path and operation: the messages
// above name the path themselves.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// LockFile is the lock a serving process holds on an SQLite database.
func LockFile(path string) string { return path + ".lock" }

// lockSQLite takes the lock of a served SQLite database: only one process
// may serve one (SQLite has one writer, and a server frees delivery leases
// at start on that assumption). The lock is flock(2) on PATH.lock, held for
// the process's lifetime: the kernel drops it when the process ends,
// however it ends, so a killed server never leaves a stale lock. The file
// tells who holds it: by ("beseda serve, listening on ADDR"), pid, since.
func lockSQLite(path, by string) (*os.File, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	name := LockFile(abs)
	f, err := os.OpenFile(name, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("database %s: cannot open its lock file %s: %w", abs, name, unwrapPath(err))
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(name)
		f.Close()
		if errors.Is(err, syscall.EWOULDBLOCK) {
			return nil, fmt.Errorf("database %s is in use by %s; on SQLite one process at a time serves a database "+
				"(the lock is %s). Stop that one first, or run several processes on PostgreSQL", abs, describeHolder(string(holder)), name)
		}
		return nil, fmt.Errorf("database %s: cannot lock %s: %w", abs, name, err)
	}
	if err := f.Truncate(0); err == nil {
		fmt.Fprintf(f, "by: %s\npid: %d\nsince: %s\n", strings.ReplaceAll(by, "\n", " "), os.Getpid(),
			time.Now().UTC().Format(time.RFC3339))
	}
	return f, nil
}

// describeHolder reads a lock file as "beseda serve, listening on
// 127.0.0.1:8080 (pid 1234, since …)".
func describeHolder(s string) string {
	fields := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(line, ": "); ok {
			fields[k] = strings.TrimSpace(v)
		}
	}
	who := fields["by"]
	if who == "" {
		who = "another process"
	}
	var more []string
	if _, err := strconv.Atoi(fields["pid"]); err == nil {
		more = append(more, "pid "+fields["pid"])
	}
	if fields["since"] != "" {
		more = append(more, "since "+fields["since"])
	}
	if len(more) > 0 {
		who += " (" + strings.Join(more, ", ") + ")"
	}
	return who
}
