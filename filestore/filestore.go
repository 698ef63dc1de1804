// Package filestore keeps the bytes of uploaded files on disk, under
// DATA_DIR/attachments: each file at ab/cd/<key>, where the key is random
// and says nothing of the file. Writes are atomic: a file is written whole
// under tmp/, synced, and only then renamed into place, so a file in place
// is always complete. Databases keep the metadata (store); this package
// knows nothing of workspaces, messages or who may read what.
//
// It also tells what a file is from its first bytes (Sniff): a client's word
// for the type is never taken.
package filestore

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"time"
)

// ErrTooLarge is Stage's error for a file over its limit.
var ErrTooLarge = errors.New("filestore: the file is over the limit")

// sniffLen is how much of a file's start Sniff looks at.
const sniffLen = 512

// Dir is the directory the files live in.
type Dir struct {
	root string // DATA_DIR/attachments
	tmp  string // files being written; the same file system, so that rename is atomic
}

// Open returns the file store under dataDir, making its directories (for
// the server's user only) if needed.
func Open(dataDir string) (*Dir, error) {
	root := filepath.Join(dataDir, "attachments")
	d := &Dir{root: root, tmp: filepath.Join(root, "tmp")}
	if err := os.MkdirAll(d.tmp, 0o700); err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	return d, nil
}

// Root is the directory holding the files.
func (d *Dir) Root() string { return d.root }

// Staged is a file written under tmp/, not yet in place. Commit moves it into
// place; Discard (always safe to defer) removes it unless it was committed.
type Staged struct {
	d         *Dir
	tmpPath   string
	committed bool

	Key    string
	Size   int64
	SHA256 string // hex
	Head   []byte // the first bytes, for Sniff
}

// Stage writes r to a temporary file, reading at most limit bytes: a longer
// r is refused with ErrTooLarge. The file is synced to disk before Stage
// returns. Errors reading r are returned as they are (wrapped).
func (d *Dir) Stage(r io.Reader, limit int64) (*Staged, error) {
	f, err := os.CreateTemp(d.tmp, "upload-*")
	if err != nil {
		return nil, fmt.Errorf("filestore: %w", err)
	}
	s := &Staged{d: d, tmpPath: f.Name()}
	fail := func(err error) (*Staged, error) {
		f.Close()
		os.Remove(s.tmpPath)
		return nil, err
	}
	h := sha256.New()
	head := &headWriter{max: sniffLen}
	n, err := io.Copy(io.MultiWriter(f, h, head), io.LimitReader(r, limit+1))
	if err != nil {
		return fail(fmt.Errorf("filestore: read the upload: %w", err))
	}
	if n > limit {
		return fail(ErrTooLarge)
	}
	if err := f.Sync(); err != nil {
		return fail(fmt.Errorf("filestore: %w", err))
	}
	if err := f.Close(); err != nil {
		os.Remove(s.tmpPath)
		return nil, fmt.Errorf("filestore: %w", err)
	}
	s.Key, s.Size, s.SHA256, s.Head = newKey(), n, hex.EncodeToString(h.Sum(nil)), head.b
	return s, nil
}

// Commit moves the file into place under its key.
func (s *Staged) Commit() error {
	path := s.d.path(s.Key)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	if err := os.Rename(s.tmpPath, path); err != nil {
		return fmt.Errorf("filestore: %w", err)
	}
	s.committed = true
	// The rename is durable once its directory is synced; a failure here
	// leaves the file in place, which is what a crash might do too.
	if dir, err := os.Open(filepath.Dir(path)); err == nil {
		_ = dir.Sync()
		dir.Close()
	}
	return nil
}

// Discard removes the temporary file unless it was committed.
func (s *Staged) Discard() {
	if s != nil && !s.committed {
		os.Remove(s.tmpPath)
	}
}

// Open opens a file for reading; a key that is not one of ours (or whose
// file is gone) is fs.ErrNotExist.
func (d *Dir) Open(key string) (*os.File, error) {
	if !validKey(key) {
		return nil, fs.ErrNotExist
	}
	return os.Open(d.path(key))
}

// Remove deletes a file; one already gone is no error.
func (d *Dir) Remove(key string) error {
	if !validKey(key) {
		return nil
	}
	if err := os.Remove(d.path(key)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("filestore: %w", err)
	}
	return nil
}

// SweepTemp removes temporary files last written before cutoff: what uploads
// cut short by a crash left behind. Times are the file system's own.
func (d *Dir) SweepTemp(cutoff time.Time) (int, error) {
	entries, err := os.ReadDir(d.tmp)
	if err != nil {
		return 0, fmt.Errorf("filestore: %w", err)
	}
	n := 0
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || e.IsDir() || !info.ModTime().Before(cutoff) {
			continue
		}
		if err := os.Remove(filepath.Join(d.tmp, e.Name())); err == nil {
			n++
		}
	}
	return n, nil
}

func (d *Dir) path(key string) string { return filepath.Join(d.root, key[0:2], key[2:4], key) }

// newKey is 128 random bits in hex: a name that tells nothing and is never
// reused.
func newKey() string {
	b := make([]byte, 16)
	if _, err := rand.Read(b); err != nil {
		panic("filestore: random source failed: " + err.Error())
	}
	return hex.EncodeToString(b)
}

func validKey(key string) bool {
	if len(key) != 32 {
		return false
	}
	_, err := hex.DecodeString(key)
	return err == nil
}

// headWriter keeps the first max bytes written to it.
type headWriter struct {
	b   []byte
	max int
}

func (w *headWriter) Write(p []byte) (int, error) {
	if room := w.max - len(w.b); room > 0 {
		w.b = append(w.b, p[:min(room, len(p))]...)
	}
	return len(p), nil
}
