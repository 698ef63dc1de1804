package server

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/beseda/beseda/store"
)

// SecretKeyFile is the key file's name in the data directory.
const SecretKeyFile = "secret.key"

// keyring builds the keys that seal channel and webhook secrets in the
// database (store.Keyring), never stored in it: from BESEDA_SECRET_KEY when
// set (Config.SecretKeys), else from the data directory's key file, made
// with a fresh random key at first start. Either holds base64 keys of 32
// bytes, separated by commas or lines; the first seals, all open.
func keyring(cfg Config) (*store.Keyring, error) {
	text := cfg.SecretKeys
	source := "BESEDA_SECRET_KEY"
	if text == "" {
		path := filepath.Join(cfg.DataDir, SecretKeyFile)
		source = path
		data, err := os.ReadFile(path)
		if errors.Is(err, fs.ErrNotExist) {
			data, err = newKeyFile(path)
		}
		if err != nil {
			return nil, fmt.Errorf("secret key: %w", err)
		}
		text = string(data)
	}
	var fields []string
	for _, line := range strings.Split(text, "\n") {
		if line, _, _ = strings.Cut(line, "#"); strings.TrimSpace(line) != "" {
			fields = append(fields, strings.Split(line, ",")...)
		}
	}
	var keys [][]byte
	for _, field := range fields {
		field = strings.TrimSpace(field)
		if field == "" {
			continue
		}
		key, err := base64.StdEncoding.DecodeString(field)
		if err != nil || len(key) != store.KeySize {
			return nil, fmt.Errorf("secret key in %s: each key must be %d bytes in base64 (openssl rand -base64 32)", source, store.KeySize)
		}
		keys = append(keys, key)
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("secret key: %s holds no key", source)
	}
	return store.NewKeyring(keys...)
}

// newKeyFile writes a key file with one random key, readable by its owner only.
func newKeyFile(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, err
	}
	key := make([]byte, store.KeySize)
	if _, err := rand.Read(key); err != nil {
		return nil, err
	}
	data := []byte("# Beseda's key for channel and webhook secrets. Keep it, and a copy apart from the database backups.\n" +
		base64.StdEncoding.EncodeToString(key) + "\n")
	// Written whole under another name, then linked into place: a process
	// starting at the same moment never reads a half-written file.
	tmp, err := os.CreateTemp(filepath.Dir(path), ".secret-*.key")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp.Name(), path); errors.Is(err, fs.ErrExist) {
		return os.ReadFile(path) // another process made it first
	} else if err != nil {
		return nil, err
	}
	return data, nil
}

// DefaultDataDir is where files live when --data-dir is not given: beside
// an SQLite database, else ./beseda-data.
func DefaultDataDir(dbURL string) string {
	if dbURL == "" {
		dbURL = store.DefaultURL
	}
	if dialect, path, err := store.ParseURL(dbURL); err == nil && dialect == store.SQLite {
		return filepath.Join(filepath.Dir(path), "beseda-data")
	}
	return "beseda-data"
}
