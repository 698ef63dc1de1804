package store_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestWebhookSecretsAreSealedAndRotate: a webhook's secret is sealed at
// rest, re-sealed with a new key at start, and opened for delivery with it.
func TestWebhookSecretsAreSealedAndRotate(t *testing.T) {
	t.Parallel()
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			url := testkit.NewMigratedDatabase(t, d)
			open := func(keys ...[]byte) *store.DB {
				t.Helper()
				ring, _ := store.NewKeyring(keys...)
				db, err := store.Open(ctx, url, store.WithKeyring(ring))
				if err != nil {
					t.Fatal(err)
				}
				return db
			}
			raw := func(db *store.DB, id int64) string {
				t.Helper()
				var s string
				if err := db.WriteDB().QueryRowContext(ctx, `SELECT secret FROM webhooks WHERE id = $1`, id).Scan(&s); err != nil {
					t.Fatal(err)
				}
				return s
			}
			oldKey, newKey := key(1), key(2)
			db := open(oldKey)
			f := newFixture(t, db)
			now := time.Now().UTC().Truncate(time.Millisecond)
			w := &beseda.Webhook{WorkspaceID: f.ws.ID, URL: "https://example.com/hook", Events: []beseda.WebhookEventType{beseda.WebhookDialogCreated},
				Secret: []byte("the webhook secret"), CreatedAt: now}
			err := db.Update(ctx, func(tx *store.Tx) error {
				if err := tx.CreateWebhook(ctx, w, f.user.ID); err != nil {
					return err
				}
				_, err := tx.QueueWebhookDelivery(ctx, w, "evt_1", beseda.WebhookTest, []byte(`{}`), now)
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if s := raw(db, w.ID); strings.Contains(s, "webhook secret") || !strings.HasPrefix(s, "sealed:v1:"+store.KeyID(oldKey)) {
				t.Fatalf("stored as %q", s)
			}
			db.Close()

			db = open(newKey, oldKey)
			if n, err := db.ResealSecrets(ctx); err != nil || n < 1 {
				t.Fatalf("reseal: %d, %v", n, err)
			}
			if s := raw(db, w.ID); !strings.HasPrefix(s, "sealed:v1:"+store.KeyID(newKey)) {
				t.Fatalf("after rotation stored as %q", s)
			}
			db.Close()

			db = open(newKey)
			defer db.Close()
			claimed, err := db.ClaimWebhookDeliveries(ctx, "test", now, now.Add(time.Minute), 10)
			if err != nil || len(claimed) != 1 || string(claimed[0].Secret) != "the webhook secret" || claimed[0].URL != w.URL {
				t.Fatalf("claimed with the new key: %+v, %v", claimed, err)
			}
			// Leased: nobody else gets it meanwhile.
			if again, err := db.ClaimWebhookDeliveries(ctx, "other", now, now.Add(time.Minute), 10); err != nil || len(again) != 0 {
				t.Errorf("claimed twice: %d, %v", len(again), err)
			}
		})
	}
}
