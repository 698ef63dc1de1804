package store_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestSecretKeys_TheDatabaseRemembersItsKeys: every write that seals
// records its key's id (never the key); re-sealing with a new key first
// leaves only the new id; a web chat's empty config needs no key at all.
func TestSecretKeys_TheDatabaseRemembersItsKeys(t *testing.T) {
	testkit.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
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
		ids := func(db *store.DB) []string {
			t.Helper()
			got, err := db.SecretKeyIDs(ctx)
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		oldKey, newKey := key(1), key(2)
		db := open(oldKey)
		f := newFixture(t, db) // its web chat: an empty config
		if got := ids(db); len(got) != 0 {
			t.Errorf("a web chat's empty config needs key %v", got)
		}
		ch := &beseda.Channel{WorkspaceID: f.ws.ID, Kind: "telegram", Name: "Bot", Enabled: true, Key: "tg" + uniqueEmail(),
			Config: beseda.ChannelConfig{"bot_token": "1:x"}, CreatedAt: time.Now()}
		if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateChannel(ctx, ch) }); err != nil {
			t.Fatal(err)
		}
		if got := ids(db); !slices.Equal(got, []string{store.KeyID(oldKey)}) {
			t.Errorf("after sealing a channel the database names keys %v, want [%s]", got, store.KeyID(oldKey))
		}
		secrets, err := db.Secrets(ctx)
		if err != nil || len(secrets) != 1 || secrets[0].Where != store.SecretChannelConfig || secrets[0].ID != ch.ID ||
			secrets[0].Kind != "telegram" || secrets[0].Name != "Bot" || secrets[0].KeyID != store.KeyID(oldKey) {
			t.Errorf("secrets: %+v %v", secrets, err)
		}
		db.Close()

		db = open(newKey, oldKey)
		defer db.Close()
		if _, err := db.ResealSecrets(ctx); err != nil {
			t.Fatal(err)
		}
		if got := ids(db); !slices.Equal(got, []string{store.KeyID(newKey)}) {
			t.Errorf("after re-sealing the database names keys %v, want only the new one", got)
		}
	})
}

// TestSigningSecret_IsSealed: the installation's signing secret (rating
// buttons, file links) is sealed like the other secrets: a copy of the
// database alone does not read it, and a value stored in the clear by an
// earlier version is sealed at the next re-seal and keeps its value.
func TestSigningSecret_IsSealed(t *testing.T) {
	testkit.Each(t, func(t *testing.T, url string) {
		ctx := context.Background()
		ring, _ := store.NewKeyring(key(1))
		db, err := store.Open(ctx, url, store.WithKeyring(ring))
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		secret, err := db.InstallationSecret(ctx, "signing_secret", func() string { return "the signing secret" })
		if err != nil || secret != "the signing secret" {
			t.Fatalf("%q %v", secret, err)
		}
		raw := func(k string) string {
			var v string
			if err := db.WriteDB().QueryRowContext(ctx, `SELECT value FROM installation WHERE key = $1`, k).Scan(&v); err != nil {
				t.Fatal(err)
			}
			return v
		}
		if v := raw("signing_secret"); strings.Contains(v, "signing") || store.SealedWith(v) != store.KeyID(key(1)) {
			t.Errorf("stored as %q", v)
		}
		if again, err := db.InstallationSecret(ctx, "signing_secret", func() string { return "another" }); err != nil || again != secret {
			t.Errorf("a second start got %q %v", again, err)
		}

		// A copy of the database without the key.
		copyOnly, err := store.Open(ctx, url)
		if err != nil {
			t.Fatal(err)
		}
		defer copyOnly.Close()
		_, err = copyOnly.InstallationSecret(ctx, "signing_secret", func() string { return "x" })
		var missing *store.MissingKeyError
		if !errors.As(err, &missing) || missing.KeyID != store.KeyID(key(1)) {
			t.Errorf("without the key: %v", err)
		}

		// A value of an earlier version, in the clear.
		if err := db.Update(ctx, func(tx *store.Tx) error {
			return tx.Exec(ctx, `INSERT INTO installation (key, value) VALUES ('old_secret', 'plain old value')`)
		}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.ResealSecrets(ctx); err != nil {
			t.Fatal(err)
		}
		if v := raw("old_secret"); store.SealedWith(v) != store.KeyID(key(1)) {
			t.Errorf("the old value is stored as %q", v)
		}
		if v, err := db.InstallationSecret(ctx, "old_secret", func() string { return "new" }); err != nil || v != "plain old value" {
			t.Errorf("the old value reads %q %v", v, err)
		}
	})
}

// TestMigration19_NamesTheKeysOfSealedValues: a database of the previous
// version learns the ids of the keys its values are sealed with.
func TestMigration19_NamesTheKeysOfSealedValues(t *testing.T) {
	testkit.EachEmpty(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		raw, _ := schemaAt(t, dbURL, 16)
		a, b := store.KeyID(key(1)), store.KeyID(key(2))
		for _, q := range []string{
			`INSERT INTO workspaces (id, name, created_at) VALUES (7, 'Old shop', 1)`,
			`INSERT INTO users (id, workspace_id, email, name, role, password_hash, created_at) VALUES (1, 7, 'o@x.test', 'O', 'owner', 'x', 1)`,
			`INSERT INTO channels (id, workspace_id, kind, name, key, config, created_at) VALUES (1, 7, 'web', 'Web', 'k1', 'sealed:v1:` + a + `:AAAA', 1)`,
			`INSERT INTO channels (id, workspace_id, kind, name, key, config, created_at) VALUES (2, 7, 'web', 'Web 2', 'k2', '{}', 1)`,
			`INSERT INTO webhooks (id, workspace_id, url, secret, created_by, created_at) VALUES (1, 7, 'https://x.test', 'sealed:v1:` + b + `:BBBB', 1, 1)`,
		} {
			if _, err := raw.ExecContext(ctx, q); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}
		raw.Close()
		db, err := store.Open(ctx, dbURL)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		want := []string{a, b}
		slices.Sort(want)
		if got, err := db.SecretKeyIDs(ctx); err != nil || !slices.Equal(got, want) {
			t.Errorf("after the upgrade the database names keys %v (%v), want %v", got, err, want)
		}
	})
}
