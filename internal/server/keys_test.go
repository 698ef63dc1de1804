package server

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/beseda/beseda/store"
)

// TestSecretKeyFile: without BESEDA_SECRET_KEY the first start makes a key
// file only its owner can read, and later starts use the same key.
func TestSecretKeyFile(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "data")
	first, err := LoadKeys("", dir, true)
	if err != nil || !first.Made {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, SecretKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	second, err := LoadKeys("", dir, true)
	if err != nil || second.Made {
		t.Fatal(err)
	}
	sealed := first.Ring.Seal("channels.config", []byte("x"))
	if plain, err := second.Ring.Open("channels.config", sealed); err != nil || string(plain) != "x" {
		t.Fatalf("a second start does not open the first one's secrets: %v", err)
	}
}

func TestSecretKeysFromTheEnvironment(t *testing.T) {
	t.Parallel()
	k1 := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 32)))
	k2 := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("b", 32)))
	keys, err := LoadKeys(k2+","+k1, t.TempDir(), true)
	if err != nil {
		t.Fatal(err)
	}
	ring := keys.Ring
	old, _ := store.NewKeyring([]byte(strings.Repeat("a", 32)))
	if _, err := ring.Open("w", old.Seal("w", []byte("x"))); err != nil {
		t.Errorf("the second key does not open: %v", err)
	}
	if !strings.HasPrefix(ring.Seal("w", []byte("x")), "sealed:v1:"+store.KeyID([]byte(strings.Repeat("b", 32)))) {
		t.Error("the first key does not seal")
	}
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("short")), " , "} {
		if _, err := LoadKeys(bad, t.TempDir(), true); err == nil {
			t.Errorf("BESEDA_SECRET_KEY=%q was taken", bad)
		}
	}
}

// TestDefaultDataDir: beside an SQLite database; for PostgreSQL a directory
// named after the server and the database, which does not depend on the
// working directory: systemd's STATE_DIRECTORY, else XDG_DATA_HOME, else
// ~/.local/share.
func TestDefaultDataDir(t *testing.T) {
	t.Setenv("STATE_DIRECTORY", "")
	t.Setenv("XDG_DATA_HOME", "/xdg")
	t.Setenv("HOME", "/home/ops")
	for _, tc := range []struct{ url, want string }{
		{"", "beseda-data"},
		{"sqlite:/var/lib/beseda/beseda.db", "/var/lib/beseda/beseda-data"},
		{"data/x.db", "data/beseda-data"},
		{"postgres://beseda:pw@db.internal/beseda", "/xdg/beseda/db.internal-beseda"},
		{"postgres://beseda@db.internal:5432/beseda", "/xdg/beseda/db.internal-beseda"},
		{"postgres://beseda@127.0.0.1:5433/shop?sslmode=disable", "/xdg/beseda/127.0.0.1-5433-shop"},
		{"postgres:///beseda?host=/var/run/postgresql", "/xdg/beseda/var_run_postgresql-beseda"},
	} {
		if got, err := DefaultDataDir(tc.url); err != nil || got != tc.want {
			t.Errorf("DefaultDataDir(%q) = %q %v, want %q", tc.url, got, err, tc.want)
		}
	}
	t.Setenv("XDG_DATA_HOME", "")
	if got, _ := DefaultDataDir("postgres://b@db/beseda"); got != "/home/ops/.local/share/beseda/db-beseda" {
		t.Errorf("without XDG_DATA_HOME: %q", got)
	}
	t.Setenv("STATE_DIRECTORY", "/var/lib/beseda")
	if got, _ := DefaultDataDir("postgres://b@db/beseda"); got != "/var/lib/beseda" {
		t.Errorf("as a systemd service: %q", got)
	}
	t.Setenv("STATE_DIRECTORY", "")
	t.Setenv("HOME", "")
	if _, err := DefaultDataDir("postgres://b@db/beseda"); err == nil || !strings.Contains(err.Error(), "give --data-dir (or BESEDA_DATA_DIR)") {
		t.Errorf("without a home: %v", err)
	}
}

// TestDataDirMistakes: a data directory that cannot be made or written is
// named, with the cause and the fix, before the keys are looked at.
func TestDataDirMistakes(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ dir, want string }{
		{file, "data directory " + file + " is not a directory; give --data-dir (or BESEDA_DATA_DIR) a directory this user may write"},
		{filepath.Join(file, "data"), "data directory " + filepath.Join(file, "data") + ": not a directory; give --data-dir"},
	} {
		_, err := New(t.Context(), Config{DB: "sqlite:" + filepath.Join(dir, "beseda.db"), DataDir: tc.dir})
		if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
			t.Errorf("--data-dir %s: %v\nwant %s", tc.dir, err, tc.want)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "beseda.db")); err == nil {
		t.Error("the database was made although the data directory is unusable")
	}
	made := filepath.Join(dir, "new", "data")
	if abs, wasMade, err := prepareDataDir(made); err != nil || !wasMade || abs != made {
		t.Fatalf("a missing data directory: %q %v %v", abs, wasMade, err)
	}
	if info, err := os.Stat(made); err != nil || info.Mode().Perm() != 0o700 {
		t.Errorf("a made data directory: %v %v", info.Mode(), err)
	}
}
