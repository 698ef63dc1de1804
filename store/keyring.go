package store

import (
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
	current string // id of the sealing key
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
		k.aeads[id] = aead
	}
	return k, nil
}

// KeyID names a key without revealing it: the first bytes of its SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// sealedPrefix starts every sealed value: "sealed:v1:KEYID:BASE64".
const sealedPrefix = "sealed:v1:"

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
	if k == nil {
		return nil, fmt.Errorf("%s is sealed and no key was given", where)
	}
	id, data, ok := strings.Cut(rest, ":")
	aead := k.aeads[id]
	if !ok || aead == nil {
		return nil, fmt.Errorf("%s is sealed with key %s, which this server does not have", where, id)
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
// database was opened without one (tools that write no secrets). Empty
// values stay empty.
func (r reader) seal(where string, plain []byte) string {
	if r.keys == nil || len(plain) == 0 {
		return string(plain)
	}
	return r.keys.Seal(where, plain)
}

func (r reader) open(where, stored string) ([]byte, error) {
	return r.keys.Open(where, stored)
}
