package store_test

import (
	"context"
	"fmt"
	"log/slog"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/server"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/outbox"
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
// decided on the locked row). One message of each source, produced for a
// twin of each client through outbox.Produce (the path of every other
// producer), must be decided alike. Both databases.
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
				one     bool // one message through outbox.Produce, not the broadcast
				sub     *beseda.Subscriber
				message *beseda.Message
			}
			var clients []*client
			for _, src := range sources {
				for _, dl := range dialogs {
					for _, shown := range []bool{true, false} {
						for _, queued := range []bool{true, false} {
							for _, one := range []bool{false, true} {
								clients = append(clients, &client{source: src, dialog: dl, shown: shown, queued: queued, one: one})
							}
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
					if !c.one {
						recipients[c.source] = append(recipients[c.source], c.sub.ID)
					}
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
			ob := outbox.NewOutbox[*store.Tx](server.Channels(), beseda.SystemClock{}, slog.New(slog.DiscardHandler), quiet{})
			for _, c := range clients {
				if !c.one {
					continue
				}
				err := db.Update(ctx, func(tx *store.Tx) error {
					subs, err := tx.LockSubscribers(ctx, []int64{c.sub.ID})
					if err != nil {
						return err
					}
					return ob.Produce(ctx, tx, subs[c.sub.ID], &beseda.Message{WorkspaceID: f.ws.ID, SubscriberID: c.sub.ID,
						ChannelID: c.sub.ChannelID, Direction: beseda.DirectionOut, Source: c.source, Text: "one", CreatedAt: now})
				})
				if err != nil {
					t.Fatalf("%+v: %v", c, err)
				}
			}
			for _, c := range clients {
				ms, err := db.FindMessages(ctx, beseda.MessageFilter{WorkspaceID: f.ws.ID, SubscriberID: c.sub.ID, Limit: 10})
				if err != nil {
					t.Fatal(err)
				}
				var got *beseda.Message
				for _, m := range ms {
					if m.BroadcastID != nil || (c.one && m.Text == "one") {
						if got != nil {
							t.Fatalf("%+v: two messages produced", c)
						}
						got = m
					}
				}
				if got == nil {
					t.Fatalf("%+v: no message produced", c)
				}
				want, reason := beseda.Gate(c.source, c.dialog == beseda.DialogActive)
				if want == beseda.MessagePending && c.shown && !c.queued {
					want = beseda.MessageSent
				}
				if got.Status != want || got.Reason != reason || (got.SentAt != nil) != (want == beseda.MessageSent) {
					t.Errorf("%s, dialog %q, shown once stored %v, older pending %v, one message %v: stored %s %q sent at %v; Gate says %s %q",
						c.source, c.dialog, c.shown, c.queued, c.one, got.Status, got.Reason, got.SentAt, want, reason)
				}
			}
		})
	}
}

// quiet is the outbox's news told to nobody: what the outbox stores is
// under test here, not what the product makes of it.
type quiet struct{}

func (quiet) Stored(context.Context, *store.Tx, *beseda.Message) error         { return nil }
func (quiet) Changed(context.Context, *store.Tx, outbox.Change) error          { return nil }
func (quiet) Failed(context.Context, *store.Tx, *beseda.Message, string) error { return nil }
func (quiet) BroadcastProgress(context.Context, *store.Tx, int64, int64, int) error {
	return nil
}
