package messenger_test

import (
	"context"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakegraph"
	"github.com/beseda/beseda/store"
)

// TestD3_MessengerEchoConfirmsASend: every message goes with Beseda's tag in
// its metadata, and the page's echo of it (message_echoes) carries the tag
// back: an echo of a message whose send a crash cut off records it as sent,
// so it is not sent again.
func TestD3_MessengerEchoConfirmsASend(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		p := newPage(t, dbURL)
		p.say(t, "m_in1", "Hi")
		sub := p.subscriber(t)
		var out beseda.Message
		p.w.Owner.MustDo("POST", testkit.Path("/api/v1/subscribers/%d/messages", sub.ID), map[string]string{"text": "Hello"}, 201, &out)
		testkit.Eventually(t, 10*time.Second, "sent", func() bool { return len(p.api.Sent()) == 1 })
		if got := p.api.Sent()[0].Metadata; got != beseda.SendTag(out.ID) {
			t.Errorf("sent with metadata %q, want %q", got, beseda.SendTag(out.ID))
		}

		// A send in flight whose deliverer died: the echo settles it.
		ctx := context.Background()
		srv := p.w.Srv
		m := beseda.Message{WorkspaceID: p.w.WorkspaceID, SubscriberID: sub.ID, ChannelID: p.ch.ID,
			Direction: beseda.DirectionOut, Source: beseda.SourceSystem, Text: "was in flight",
			Status: beseda.MessagePending, CreatedAt: srv.Clock.Now()}
		err := srv.DB.Update(ctx, func(tx *store.Tx) error {
			if err := tx.CreateMessage(ctx, &m); err != nil {
				return err
			}
			_, err := tx.ClaimMessage(ctx, m.ID, srv.Clock.Now())
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		if res := p.post(t, fakegraph.EchoTagged(pageID, psid, "m_echo1", beseda.SendTag(m.ID))); res.Status != 200 {
			t.Fatalf("echo: %d %s", res.Status, res.Body)
		}
		got, err := srv.DB.FindMessageByID(ctx, p.w.WorkspaceID, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != beseda.MessageSent || got.ExternalID != "m_echo1" || got.Resent {
			t.Errorf("after the echo: %s, id %q, resent %v; want sent as m_echo1", got.Status, got.ExternalID, got.Resent)
		}
		// An echo of a message of the page's own (no tag) stores nothing.
		if res := p.post(t, fakegraph.EchoEvent(pageID, psid, "m_echo2", "typed on the page")); res.Status != 200 {
			t.Fatalf("echo: %d %s", res.Status, res.Body)
		}
		if msgs := p.messages(t, sub.ID); len(msgs) != 3 {
			t.Errorf("%d messages, want 3 (the echo of the page's own message stores none)", len(msgs))
		}
	})
}
