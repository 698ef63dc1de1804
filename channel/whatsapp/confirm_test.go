package whatsapp_test

import (
	"context"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/channel/whatsapp"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
	"github.com/beseda/beseda/store"
)

// TestD3_WhatsAppConfirmsASendACrashCutOff: a send was in flight when its
// deliverer died. The next deliverer does not know whether it reached the
// Cloud API, so it waits for the message's status webhook, which carries the
// tag Beseda sent it with: with the status, the message is sent, once; with
// none within ConfirmWait, it is sent again, marked resent. Never lost.
func TestD3_WhatsAppConfirmsASendACrashCutOff(t *testing.T) {
	t.Parallel()
	for _, reported := range []bool{true, false} {
		name := map[bool]string{true: "the platform reports it", false: "no report comes"}[reported]
		t.Run(name, func(t *testing.T) {
			testkit.Each(t, func(t *testing.T, dbURL string) {
				n := newNumber(t, dbURL)
				n.say(t, "wamid.in1", "Hi")
				sub := n.subscriber(t)
				ctx := context.Background()
				srv := n.w.Srv
				sentAt := srv.Clock.Now()
				m := beseda.Message{WorkspaceID: n.w.WorkspaceID, SubscriberID: sub.ID, ChannelID: n.ch.ID,
					Direction: beseda.DirectionOut, Source: beseda.SourceSystem, Text: "was in flight",
					Status: beseda.MessagePending, CreatedAt: sentAt}
				err := srv.DB.Update(ctx, func(tx *store.Tx) error {
					if err := tx.CreateMessage(ctx, &m); err != nil {
						return err
					}
					if _, err := tx.ClaimMessage(ctx, m.ID, sentAt); err != nil {
						return err
					}
					// The lease of a deliverer that died holding it.
					return tx.Exec(ctx, `INSERT INTO delivery_leases (channel_id, holder, expires_at) VALUES ($1, 'dead/1', $2)`,
						n.ch.ID, sentAt.Add(time.Second).UnixMilli())
				})
				if err != nil {
					t.Fatal(err)
				}
				find := func() *beseda.Message {
					got, err := srv.DB.FindMessageByID(ctx, n.w.WorkspaceID, m.ID)
					if err != nil {
						t.Fatal(err)
					}
					return got
				}
				srv.Clock.Advance(2 * time.Second) // the dead holder's lease runs out
				if _, err := srv.Deliveries.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
				testkit.Eventually(t, 10*time.Second, "the send put back, waiting for the platform's report", func() bool {
					got := find()
					return got.SendingAt == nil && got.NextAttemptAt != nil
				})
				if got := find(); got.Status != beseda.MessagePending || !got.NextAttemptAt.Equal(sentAt.Add(whatsapp.ConfirmWait)) {
					t.Fatalf("in the wait: %s, next attempt %v; want pending until %v", got.Status, got.NextAttemptAt,
						sentAt.Add(whatsapp.ConfirmWait))
				}
				if reported {
					body := fakewhatsapp.StatusTagged(phoneID, waID, "wamid.out1", "sent", beseda.SendTag(m.ID))
					if res := n.post(t, body); res.Status != 200 {
						t.Fatalf("status webhook: %d %s", res.Status, res.Body)
					}
					if got := find(); got.Status != beseda.MessageSent || got.Resent || got.ExternalID != "wamid.out1" {
						t.Fatalf("after the report: %s, resent %v, id %q", got.Status, got.Resent, got.ExternalID)
					}
				}
				srv.Clock.Advance(whatsapp.ConfirmWait)
				if !reported {
					testkit.Eventually(t, 10*time.Second, "sent again", func() bool { return find().Status == beseda.MessageSent })
					if got := find(); !got.Resent {
						t.Errorf("sent again without the resent mark")
					}
				}
				// The deliverer has nothing else to do; give it a moment to
				// show a wrong send.
				srv.Clock.Advance(time.Minute)
				if _, err := srv.Deliveries.Sweep(ctx); err != nil {
					t.Fatal(err)
				}
				want := map[bool]int{true: 0, false: 1}[reported]
				testkit.Eventually(t, 10*time.Second, "the sends settled", func() bool { return srv.Deliveries.Deliverers() == 0 })
				if sent := n.api.Sent(); len(sent) != want {
					t.Errorf("%d sends to the Cloud API, want %d: %+v", len(sent), want, sent)
				}
				for _, s := range n.api.Sent() {
					if s.Tag != beseda.SendTag(m.ID) {
						t.Errorf("sent with tag %q, want %q", s.Tag, beseda.SendTag(m.ID))
					}
				}
			})
		})
	}
}
