package store

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// Keyring seals the secrets the store keeps (bot tokens, app secrets,
// webhook signing secrets) with AES-256-GCM, so that a copy of the database
// — a leaked backup, a read-only injection — does not hand them over. The
// keys never enter the database: the server reads them from the environment
// or a key file (see internal/server).
//
// The first key seals; every key opens, so keys rotate by putting a new key
// first, re-sealing (DB.ResealSecrets) and then dropping the old one.
type Keyring struct {
	current string   // id of the sealing key
	ids     []string // every key's id, the sealing key's first
	aeads   map[string]cipher.AEAD
}

// KeySize is the length of a key: AES-256.
const KeySize = 32

// NewKeyring returns a keyring that seals with keys[0] and opens with any.
func NewKeyring(keys ...[]byte) (*Keyring, error) {
	if len(keys) == 0 {
		return nil, errors.New("keyring: no key")
	}
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, key := range keys {
		if len(key) != KeySize {
			return nil, fmt.Errorf("keyring: key %d is %d bytes, want %d", i+1, len(key), KeySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(key)
		if i == 0 {
			k.current = id
		}
		if k.aeads[id] == nil {
			k.ids = append(k.ids, id)
		}
		k.aeads[id] = aead
	}
	return k, nil
}

// KeyID names a key without revealing it: the first bytes of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// IDs names the keys, the one that seals first.
func (k *Keyring) IDs() []string { return append([]string(nil), k.ids...) }

// Has reports whether the keyring holds the key of the id.
func (k *Keyring) Has(id string) bool { return k != nil && k.aeads[id] != nil }

// sealedPrefix starts every sealed value: "sealed:v1:KEYID:BASE64".
const sealedPrefix = "sealed:v1:"

// SealedWith returns the id of the key a stored value is sealed with, or ""
// when it is not sealed.
func SealedWith(stored string) string {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return ""
	}
	id, _, _ := strings.Cut(rest, ":")
	return id
}

// MissingKeyError is a value sealed with a key the server does not have.
type MissingKeyError struct {
	Where string // "channels.config"
	KeyID string
}

func (e *MissingKeyError) Error() string {
	return fmt.Sprintf("%s is sealed with key %s, which this server does not have", e.Where, e.KeyID)
}

// Seal encrypts plain for the place it is stored in (where, e.g.
// "channels.config"), which is authenticated with it so that a sealed value
// cannot be moved to another column.
func (k *Keyring) Seal(where string, plain []byte) string {
	aead := k.aeads[k.current]
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	if _, err := rand.Read(nonce); err != nil {
		panic("keyring: random source failed: " + err.Error())
	}
	sealed := aead.Seal(nonce, nonce, plain, []byte(where))
	return sealedPrefix + k.current + ":" + base64.RawURLEncoding.EncodeToString(sealed)
}

// Open decrypts a value sealed by Seal for the same place. A value that was
// never sealed (stored before sealing existed) is returned as it is.
func (k *Keyring) Open(where, stored string) ([]byte, error) {
	rest, ok := strings.CutPrefix(stored, sealedPrefix)
	if !ok {
		return []byte(stored), nil
	}
	id, data, ok := strings.Cut(rest, ":")
	if k == nil || k.aeads[id] == nil {
		return nil, &MissingKeyError{Where: where, KeyID: id}
	}
	aead := k.aeads[id]
	if !ok {
		return nil, fmt.Errorf("%s: malformed sealed value", where)
	}
	raw, err := base64.RawURLEncoding.DecodeString(data)
	if err != nil || len(raw) < aead.NonceSize() {
		return nil, fmt.Errorf("%s: malformed sealed value", where)
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], []byte(where))
	if err != nil {
		return nil, fmt.Errorf("%s: sealed value does not open with key %s: %w", where, id, err)
	}
	return plain, nil
}

// IsSealedBy reports whether a stored value is sealed with the keyring's
// current key (nothing to re-seal).
func (k *Keyring) IsSealedBy(stored string) bool {
	return strings.HasPrefix(stored, sealedPrefix+k.current+":")
}

// seal stores a secret value: sealed with the keyring, or as it is when the
// database was opened without one (tools; the server seals such values at
// its next start). Empty values stay empty. The key's id is recorded in the
// transaction (secret_keys), once.
func (tx *Tx) seal(ctx context.Context, where string, plain []byte) string {
	if tx.keys == nil || len(plain) == 0 {
		return string(plain)
	}
	if !tx.keyRecorded {
		tx.keyRecorded = true
		tx.Defer(ctx, `INSERT INTO secret_keys (key_id) VALUES ($1) ON CONFLICT (key_id) DO NOTHING`, tx.keys.current)
	}
	return tx.keys.Seal(where, plain)
}

func (r reader) open(where, stored string) ([]byte, error) {
	return r.keys.Open(where, stored)
}
