package store_test

import (
	"bytes"
	"context"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, store.KeySize) }

func TestKeyringSealsAndOpens(t *testing.T) {
	t.Parallel()
	k, err := store.NewKeyring(key(1))
	if err != nil {
		t.Fatal(err)
	}
	sealed := k.Seal("channels.config", []byte(`{"bot_token":"123:abc"}`))
	if strings.Contains(sealed, "abc") || !strings.HasPrefix(sealed, "sealed:v1:") {
		t.Fatalf("sealed value shows the secret or has no prefix: %s", sealed)
	}
	if again := k.Seal("channels.config", []byte(`{"bot_token":"123:abc"}`)); again == sealed {
		t.Error("two seals of one value are equal: the nonce is not fresh")
	}
	plain, err := k.Open("channels.config", sealed)
	if err != nil || string(plain) != `{"bot_token":"123:abc"}` {
		t.Fatalf("open: %q, %v", plain, err)
	}
	if _, err := k.Open("webhooks.secret", sealed); err == nil {
		t.Error("a value sealed for one column opened for another")
	}
	other, _ := store.NewKeyring(key(2))
	if _, err := other.Open("channels.config", sealed); err == nil {
		t.Error("a value opened with a key that did not seal it")
	}
	tampered := sealed[:len(sealed)-2] + "AA"
	if _, err := k.Open("channels.config", tampered); err == nil {
		t.Error("a tampered value opened")
	}
	if plain, err := k.Open("channels.config", `{}`); err != nil || string(plain) != `{}` {
		t.Errorf("a value stored before sealing: %q, %v", plain, err)
	}
	if _, err := store.NewKeyring(key(1)[:16]); err == nil {
		t.Error("a 16-byte key was taken")
	}
}

// TestChannelSecretsAreSealedAndRotate: a channel's config never reaches the
// database in clear; a new key put first re-seals everything at start, after
// which the old key can go.
func TestChannelSecretsAreSealedAndRotate(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := testkit.NewMigratedDatabase(t, d)
			open := func(keys ...[]byte) *store.DB {
				t.Helper()
				ring, err := store.NewKeyring(keys...)
				if err != nil {
					t.Fatal(err)
				}
				db, err := store.Open(ctx, url, store.WithKeyring(ring))
				if err != nil {
					t.Fatal(err)
				}
				return db
			}
			raw := func(db *store.DB, id int64) string {
				t.Helper()
				var config string
				if err := db.WriteDB().QueryRowContext(ctx, `SELECT config FROM channels WHERE id = $1`, id).Scan(&config); err != nil {
					t.Fatal(err)
				}
				return config
			}
			oldKey, newKey := key(1), key(2)
			db := open(oldKey)
			f := newFixture(t, db)
			ch := &beseda.Channel{WorkspaceID: f.ws.ID, Kind: "telegram", Name: "Bot", Enabled: true, Key: "tg" + uniqueEmail(),
				Config:    beseda.ChannelConfig{"bot_token": "123456:secret-token-value-1234567890", "webhook_secret": "hook"},
				CreatedAt: time.Now()}
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateChannel(ctx, ch) }); err != nil {
				t.Fatal(err)
			}
			if stored := raw(db, ch.ID); strings.Contains(stored, "secret-token") || !strings.HasPrefix(stored, "sealed:v1:"+store.KeyID(oldKey)) {
				t.Fatalf("the config is stored as %q", stored)
			}
			db.Close()

			db = open(newKey, oldKey)
			n, err := db.ResealSecrets(ctx)
			if err != nil || n < 1 {
				t.Fatalf("reseal: %d, %v", n, err)
			}
			if stored := raw(db, ch.ID); !strings.HasPrefix(stored, "sealed:v1:"+store.KeyID(newKey)) {
				t.Fatalf("after rotation the config is stored as %q", stored)
			}
			if n, err := db.ResealSecrets(ctx); err != nil || n != 0 {
				t.Errorf("a second reseal changed %d values (%v)", n, err)
			}
			db.Close()

			db = open(newKey)
			defer db.Close()
			got, err := db.FindChannel(ctx, ch.ID)
			if err != nil || !maps.Equal(got.Config, ch.Config) {
				t.Fatalf("with only the new key: %+v, %v", got, err)
			}
			old := open(oldKey)
			defer old.Close()
			if _, err := old.FindChannel(ctx, ch.ID); err == nil {
				t.Error("the old key alone still opens the rotated secrets")
			}
		})
	}
}
