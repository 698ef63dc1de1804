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
	first, err := keyring(Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	info, err := os.Stat(filepath.Join(dir, SecretKeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", info.Mode().Perm())
	}
	second, err := keyring(Config{DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	sealed := first.Seal("channels.config", []byte("x"))
	if plain, err := second.Open("channels.config", sealed); err != nil || string(plain) != "x" {
		t.Fatalf("a second start does not open the first one's secrets: %v", err)
	}
}

func TestSecretKeysFromTheEnvironment(t *testing.T) {
	t.Parallel()
	k1 := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 32)))
	k2 := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("b", 32)))
	ring, err := keyring(Config{SecretKeys: k2 + "," + k1, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := store.NewKeyring([]byte(strings.Repeat("a", 32)))
	if _, err := ring.Open("w", old.Seal("w", []byte("x"))); err != nil {
		t.Errorf("the second key does not open: %v", err)
	}
	if !strings.HasPrefix(ring.Seal("w", []byte("x")), "sealed:v1:"+store.KeyID([]byte(strings.Repeat("b", 32)))) {
		t.Error("the first key does not seal")
	}
	for _, bad := range []string{"not base64!", base64.StdEncoding.EncodeToString([]byte("short")), " , "} {
		if _, err := keyring(Config{SecretKeys: bad}); err == nil {
			t.Errorf("BESEDA_SECRET_KEY=%q was taken", bad)
		}
	}
}
