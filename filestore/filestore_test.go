package filestore_test

import (
	"archive/zip"
	"bytes"
	"errors"
	"image"
	"image/png"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/beseda/beseda/filestore"
)

// files lists every regular file under dir, relative to it.
func files(t *testing.T, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, path)
			out = append(out, rel)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestFileStore_WritesAreAtomic: a staged file is only under tmp/ until
// committed, then only in place under its key; a discarded or refused one
// leaves nothing.
func TestFileStore_WritesAreAtomic(t *testing.T) {
	dataDir := t.TempDir()
	d, err := filestore.Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	root := filepath.Join(dataDir, "attachments")
	data := []byte("hello, file")
	s, err := d.Stage(bytes.NewReader(data), 100)
	if err != nil {
		t.Fatal(err)
	}
	if s.Size != int64(len(data)) || len(s.SHA256) != 64 || string(s.Head) != string(data) || len(s.Key) != 32 {
		t.Errorf("staged %+v", s)
	}
	if got := files(t, root); len(got) != 1 || !strings.HasPrefix(got[0], "tmp"+string(filepath.Separator)) {
		t.Errorf("before commit: %v", got)
	}
	if _, err := d.Open(s.Key); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("open before commit: %v", err)
	}
	if err := s.Commit(); err != nil {
		t.Fatal(err)
	}
	s.Discard() // after a commit: nothing
	want := filepath.Join(s.Key[0:2], s.Key[2:4], s.Key)
	if got := files(t, root); len(got) != 1 || got[0] != want {
		t.Errorf("after commit: %v, want %s", got, want)
	}
	f, err := d.Open(s.Key)
	if err != nil {
		t.Fatal(err)
	}
	back, _ := io.ReadAll(f)
	f.Close()
	if !bytes.Equal(back, data) {
		t.Errorf("read back %q", back)
	}

	// Over the limit: refused, nothing left.
	if _, err := d.Stage(bytes.NewReader(make([]byte, 101)), 100); !errors.Is(err, filestore.ErrTooLarge) {
		t.Errorf("101 bytes over a limit of 100: %v", err)
	}
	// Exactly the limit is taken.
	exact, err := d.Stage(bytes.NewReader(make([]byte, 100)), 100)
	if err != nil {
		t.Fatalf("exactly the limit: %v", err)
	}
	exact.Discard()
	// A body cut short: refused, nothing left.
	if _, err := d.Stage(iotest.TimeoutReader(bytes.NewReader(make([]byte, 10000))), 1<<20); err == nil {
		t.Error("a failing reader was staged")
	}
	if got := files(t, root); len(got) != 1 {
		t.Errorf("refused and discarded uploads left files: %v", got)
	}

	if err := d.Remove(s.Key); err != nil {
		t.Fatal(err)
	}
	if err := d.Remove(s.Key); err != nil {
		t.Errorf("removing twice: %v", err)
	}
	for _, key := range []string{"../../secret.key", "", "zz" + strings.Repeat("0", 30)} {
		if _, err := d.Open(key); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%q): %v", key, err)
		}
	}
}

// TestFileStore_SweepTemp removes temporary files older than the cutoff
// (what a crash mid-upload leaves) and keeps newer ones.
func TestFileStore_SweepTemp(t *testing.T) {
	dataDir := t.TempDir()
	d, err := filestore.Open(dataDir)
	if err != nil {
		t.Fatal(err)
	}
	tmp := filepath.Join(dataDir, "attachments", "tmp")
	old, fresh := filepath.Join(tmp, "upload-old"), filepath.Join(tmp, "upload-fresh")
	for _, p := range []string{old, fresh} {
		if err := os.WriteFile(p, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	now := time.Now()
	if err := os.Chtimes(old, now.Add(-48*time.Hour), now.Add(-48*time.Hour)); err != nil {
		t.Fatal(err)
	}
	n, err := d.SweepTemp(now.Add(-24 * time.Hour))
	if err != nil || n != 1 {
		t.Fatalf("swept %d, %v", n, err)
	}
	if _, err := os.Stat(old); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the old file stays: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the fresh file is gone: %v", err)
	}
}

func pngBytes(t *testing.T) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, image.NewRGBA(image.Rect(0, 0, 2, 2))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipBytes(t *testing.T, name string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	w, _ := z.Create(name)
	w.Write([]byte("<x/>"))
	z.Close()
	return b.Bytes()
}

// TestFileStore_SniffsTheBytes: the type comes from the bytes; a name's
// extension only says which office format a ZIP or OLE container holds.
func TestFileStore_SniffsTheBytes(t *testing.T) {
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 64)...)
	heic := append([]byte{0, 0, 0, 24, 'f', 't', 'y', 'p', 'h', 'e', 'i', 'c'}, make([]byte, 16)...)
	for _, tc := range []struct {
		name string
		head []byte
		want string
	}{
		{"photo.txt", pngBytes(t), "image/png"},
		{"photo.png", pngBytes(t), "image/png"},
		{"page.png", []byte("<!DOCTYPE html><html><script>alert(1)</script></html>"), "text/html; charset=utf-8"},
		{"notes.txt", []byte("<script>alert(1)</script>"), "text/html; charset=utf-8"},
		{"readme.txt", []byte("just words\n"), "text/plain; charset=utf-8"},
		{"report.pdf", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), "application/pdf"},
		{"report.docx", zipBytes(t, "[Content_Types].xml"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"},
		{"sheet.xlsx", zipBytes(t, "[Content_Types].xml"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"},
		{"archive.zip", zipBytes(t, "a.txt"), "application/zip"},
		{"fake.docx", []byte("not a zip at all"), "text/plain; charset=utf-8"},
		{"old.doc", ole, "application/msword"},
		{"old.bin", ole, "application/octet-stream"},
		{"iphone.heic", heic, "image/heic"},
		{"icon.svg", []byte(`<?xml version="1.0"?><!-- x --><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`), "image/svg+xml"},
		{"bare.svg", []byte(`<svg viewBox="0 0 1 1"></svg>`), "image/svg+xml"},
		{"data.csv", []byte("a,b\n1,2\n"), "text/csv; charset=utf-8"},
		{"data.csv", pngBytes(t), "image/png"},
		{"blob", []byte{0x00, 0x01, 0x02, 0xff}, "application/octet-stream"},
	} {
		if got := filestore.Sniff(tc.head, tc.name); got != tc.want {
			t.Errorf("Sniff(%s) = %q, want %q", tc.name, got, tc.want)
		}
	}
}
