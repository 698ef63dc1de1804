package store_test

import (
	"context"
	"strings"
	"testing"

	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestMigration11_KeepsChannelsAndTheirReferences upgrades a database of the
// previous version holding a channel with a subscriber and an inbound update:
// migration 00011 (on SQLite a rebuild of channels with foreign keys off)
// keeps every row and reference, leaves foreign keys on, drops the CHECK on
// channels.kind, and the channel is on.
func TestMigration11_KeepsChannelsAndTheirReferences(t *testing.T) {
	t.Parallel()
	testkit.EachEmpty(t, func(t *testing.T, dbURL string) {
		ctx := context.Background()
		raw, _ := schemaAt(t, dbURL, 10)
		for _, q := range []string{
			`INSERT INTO workspaces (id, name, created_at) VALUES (7, 'Old shop', 1)`,
			`INSERT INTO channels (id, workspace_id, kind, name, key, config, created_at) VALUES (3, 7, 'telegram', 'Bot', 'k3', '{"bot_token":"x"}', 1)`,
			`INSERT INTO subscribers (id, workspace_id, channel_id, external_id, name, name_key, created_at) VALUES (5, 7, 3, '42', 'Ivan', 'ivan', 1)`,
			`INSERT INTO inbound_updates (channel_id, update_key, received_at) VALUES (3, 'update:1', 1)`,
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
		ch, err := db.FindChannel(ctx, 3)
		if err != nil || ch.Kind != "telegram" || ch.Name != "Bot" || ch.Key != "k3" || ch.Config.Get("bot_token") != "x" || !ch.Enabled {
			t.Fatalf("the channel after the upgrade: %+v %v", ch, err)
		}
		sub, err := db.FindSubscriberByExternalID(ctx, 3, "42")
		if err != nil || sub.ID != 5 || sub.ChannelKind != "telegram" {
			t.Errorf("its subscriber: %+v %v", sub, err)
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			// A kind the schema never heard of is the registry's business now.
			if err := tx.Exec(ctx, `INSERT INTO channels (workspace_id, kind, name, key, created_at) VALUES (7, 'newkind', 'N', 'k4', 1)`); err != nil {
				return err
			}
			fresh, err := tx.RecordInbound(ctx, 3, "update:1", testkit.NewClock().Now())
			if err != nil || fresh {
				t.Errorf("the inbound update recorded before the upgrade is forgotten: %v %v", fresh, err)
			}
			return nil
		})
		if err != nil {
			t.Fatalf("a channel of a new kind: %v", err)
		}
		err = db.Update(ctx, func(tx *store.Tx) error {
			return tx.Exec(ctx, `INSERT INTO subscribers (workspace_id, channel_id, external_id, name, name_key, created_at)
				VALUES (7, 999, 'x', 'x', 'x', 1)`)
		})
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "foreign key") {
			t.Errorf("foreign keys are not enforced after the upgrade: %v", err)
		}
	})
}
