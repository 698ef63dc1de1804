package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/store"
)

// TestG1_BroadcastProductionDecidesAsGate runs the statement that produces a
// broadcast batch (its CASE decides held, dropped or sent per recipient, with
// no row making a round trip through Go) against the Go rule beseda.Gate,
// over every combination: each outgoing source's decision handed to the
// statement × the client's dialog (none, active, or one that was active and
// is now paused or completed — the column the statement reads is kept by the
// dialogs' triggers) × a channel shown once stored or one with a sender × an
// older message of the client still pending or not. The stored status,
// reason and sent time must be Gate's, with a deliverable message sent at
// once where the client sees it once stored unless older ones wait (G1, G3:
// decided on the locked row). Both databases.
func TestG1_BroadcastProductionDecidesAsGate(t *testing.T) {
	t.Parallel()
	sources := []beseda.Source{beseda.SourceManager, beseda.SourceFunnel, beseda.SourceBroadcast,
		beseda.SourceAISupport, beseda.SourceSystem}
	dialogs := []beseda.DialogStatus{"", beseda.DialogActive, beseda.DialogPaused, beseda.DialogCompleted}
	for _, d := range testkit.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			db := testkit.OpenDB(t, d)
			f := newFixture(t, db)
			ctx := context.Background()
			now := time.Now().UTC().Truncate(time.Millisecond)
			web := f.sub.ChannelID // shown once stored
			bot := &beseda.Channel{WorkspaceID: f.ws.ID, Kind: "telegram", Name: "Bot", Enabled: true,
				Key: "k" + uniqueEmail(), CreatedAt: now}
			if err := db.Update(ctx, func(tx *store.Tx) error { return tx.CreateChannel(ctx, bot) }); err != nil {
				t.Fatal(err)
			}
			type client struct {
				source  beseda.Source
				dialog  beseda.DialogStatus
				shown   bool
				queued  bool
				sub     *beseda.Subscriber
				message *beseda.Message
			}
			var clients []*client
			for _, src := range sources {
				for _, dl := range dialogs {
					for _, shown := range []bool{true, false} {
						for _, queued := range []bool{true, false} {
							clients = append(clients, &client{source: src, dialog: dl, shown: shown, queued: queued})
						}
					}
				}
			}
			recipients := map[beseda.Source][]int64{}
			err := db.Update(ctx, func(tx *store.Tx) error {
				for i, c := range clients {
					c.sub = &beseda.Subscriber{WorkspaceID: f.ws.ID, ChannelID: bot.ID, ExternalID: fmt.Sprint("g", i),
						Name: "C", CreatedAt: now}
					if c.shown {
						c.sub.ChannelID = web
					}
					if err := tx.CreateSubscriber(ctx, c.sub); err != nil {
						return err
					}
					recipients[c.source] = append(recipients[c.source], c.sub.ID)
					if c.dialog != "" {
						dl := f.dialog(beseda.DialogActive)
						dl.SubscriberID = c.sub.ID
						if err := tx.CreateDialog(ctx, dl); err != nil {
							return err
						}
						if c.dialog != beseda.DialogActive {
							dl.Status = c.dialog
							if err := tx.SaveDialog(ctx, dl); err != nil {
								return err
							}
						}
					}
					if c.queued {
						err := tx.CreateMessage(ctx, &beseda.Message{WorkspaceID: f.ws.ID, SubscriberID: c.sub.ID,
							ChannelID: c.sub.ChannelID, Direction: beseda.DirectionOut, Source: beseda.SourceManager,
							AuthorID: &f.user.ID, Text: "older", Status: beseda.MessagePending, CreatedAt: now})
						if err != nil {
							return err
						}
					}
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			// One broadcast per source, produced in one batch with that
			// source's decision.
			for _, src := range sources {
				b := &beseda.Broadcast{Text: "news " + string(src), CreatedAt: now}
				err := db.Update(ctx, func(tx *store.Tx) error {
					if err := tx.CreateBroadcast(ctx, f.ws.ID, b, f.user.ID, recipients[src]); err != nil {
						return err
					}
					c, err := tx.LockBroadcast(ctx, b.ID)
					if err != nil {
						return err
					}
					batch, err := tx.ProduceBroadcastBatch(ctx, beseda.BroadcastBatch{BroadcastID: b.ID,
						WorkspaceID: c.WorkspaceID, AllSubscribers: c.AllSubscribers, Text: c.Text, After: c.Cursor,
						Limit: 1000, Gate: beseda.GateFor(src), ShownOnStore: []int64{web}, At: now})
					if err == nil && batch.Recipients != len(recipients[src]) {
						err = fmt.Errorf("%d recipients produced, want %d", batch.Recipients, len(recipients[src]))
					}
					return err
				})
				if err != nil {
					t.Fatalf("%s: %v", src, err)
				}
			}
			for _, c := range clients {
				ms, err := db.FindMessages(ctx, beseda.MessageFilter{WorkspaceID: f.ws.ID, SubscriberID: c.sub.ID, Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				var got *beseda.Message
				for _, m := range ms {
					if m.BroadcastID != nil {
						if got != nil {
							t.Fatalf("%+v: two messages of the broadcast", c)
						}
						got = m
					}
				}
				if got == nil {
					t.Fatalf("%+v: no message of the broadcast", c)
				}
				want, reason := beseda.Gate(c.source, c.dialog == beseda.DialogActive)
				if want == beseda.MessagePending && c.shown && !c.queued {
					want = beseda.MessageSent
				}
				if got.Status != want || got.Reason != reason || (got.SentAt != nil) != (want == beseda.MessageSent) {
					t.Errorf("%s, dialog %q, shown once stored %v, older pending %v: stored %s %q sent at %v; Gate says %s %q",
						c.source, c.dialog, c.shown, c.queued, got.Status, got.Reason, got.SentAt, want, reason)
				}
			}
		})
	}
}
