package whatsapp_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/beseda/beseda"
	"github.com/beseda/beseda/internal/testkit"
	"github.com/beseda/beseda/internal/testkit/fakewhatsapp"
)

// TestWhatsAppDeliveryStatusesOutOfOrder: the Cloud API's status webhooks of
// a message Beseda sent (sent, delivered, read, with its tag) are recorded on
// the message, in the API and as webhook events, each once and only forward:
// a "delivered" that comes after "read", or a report delivered again,
// changes nothing. A "failed" status (131047: the window closed) fails a sent
// message with outside_messaging_window and tells integrations
// (message.failed).
func TestWhatsAppDeliveryStatusesOutOfOrder(t *testing.T) {
	t.Parallel()
	testkit.Each(t, func(t *testing.T, dbURL string) {
		n := newNumber(t, dbURL)
		rc := testkit.NewReceiver(t)
		n.w.Owner.MustDo("POST", "/api/v1/webhooks", map[string]any{"url": rc.URL, "secret": "s3cret",
			"events": []string{"message.delivered", "message.read", "message.failed"}}, 201, nil)
		n.say(t, "wamid.in1", "Hi")
		sub := n.subscriber(t)
		send := func(text string) (beseda.Message, fakewhatsapp.Sent) {
			var m beseda.Message
			n.w.Owner.MustDo("POST", fmt.Sprintf("/api/v1/subscribers/%d/messages", sub.ID), map[string]any{"text": text}, 201, &m)
			var got fakewhatsapp.Sent
			testkit.Eventually(t, 10*time.Second, "the message sent", func() bool {
				for _, s := range n.api.Sent() {
					if s.Text == text {
						got = s
						return n.find(t, sub.ID, m.ID).Status == beseda.MessageSent
					}
				}
				return false
			})
			return m, got
		}
		status := func(s fakewhatsapp.Sent, state string) {
			t.Helper()
			if res := n.post(t, fakewhatsapp.StatusTagged(phoneID, waID, s.ID, state, s.Tag)); res.Status != 200 {
				t.Fatalf("%s status: %d %s", state, res.Status, res.Body)
			}
		}
		m, s := send("Your order shipped")
		if got := n.find(t, sub.ID, m.ID); got.DeliveredAt != nil || got.ReadAt != nil {
			t.Fatalf("just sent: delivered %v, read %v", got.DeliveredAt, got.ReadAt)
		}
		readAt := n.w.Srv.Clock.Now()
		status(s, "read") // before "delivered": Meta does not promise the order
		n.w.Srv.Clock.Advance(time.Minute)
		status(s, "delivered")
		status(s, "read") // again
		status(s, "sent") // late
		got := n.find(t, sub.ID, m.ID)
		if got.Status != beseda.MessageSent || got.ReadAt == nil || !got.ReadAt.Equal(readAt) ||
			got.DeliveredAt == nil || !got.DeliveredAt.Equal(readAt) {
			t.Fatalf("after read, delivered, read, sent: %s, delivered %v, read %v; want both %v",
				got.Status, got.DeliveredAt, got.ReadAt, readAt)
		}

		failed, fs := send("One more thing")
		body := fakewhatsapp.StatusFailed(phoneID, waID, fs.ID, fs.Tag, 131047, "Re-engagement message")
		if res := n.post(t, body); res.Status != 200 {
			t.Fatalf("failed status: %d %s", res.Status, res.Body)
		}
		status(fs, "delivered") // a failed message stays failed
		if got := n.find(t, sub.ID, failed.ID); got.Status != beseda.MessageFailed || got.Reason != beseda.OutsideWindow ||
			got.DeliveredAt != nil {
			t.Fatalf("after a failed status: %s %q, delivered %v", got.Status, got.Reason, got.DeliveredAt)
		}

		// One event per change: read (the first message), failed (the
		// second), and, queued after any wrong extra one, delivered (a third).
		last, ls := send("Last")
		status(ls, "delivered")
		reqs := rc.WaitFor(3)
		var types []string
		for _, r := range reqs {
			var ev struct {
				Type string         `json:"type"`
				Data beseda.Message `json:"data"`
			}
			if err := json.Unmarshal(r.Body, &ev); err != nil {
				t.Fatal(err)
			}
			types = append(types, fmt.Sprintf("%s:%d", ev.Type, ev.Data.ID))
			if ev.Type == "message.failed" && ev.Data.Reason != beseda.OutsideWindow {
				t.Errorf("message.failed without the reason: %+v", ev.Data)
			}
		}
		slices.Sort(types)
		want := []string{fmt.Sprintf("message.delivered:%d", last.ID), fmt.Sprintf("message.failed:%d", failed.ID),
			fmt.Sprintf("message.read:%d", m.ID)}
		if fmt.Sprint(types) != fmt.Sprint(want) {
			t.Errorf("webhook events %v, want %v", types, want)
		}
	})
}

// find reads a message of the client's chat through the API.
func (n *number) find(t *testing.T, subscriberID, id int64) beseda.Message {
	t.Helper()
	for _, m := range n.messages(t, subscriberID) {
		if m.ID == id {
			return m
		}
	}
	t.Fatalf("message %d not in the chat", id)
	return beseda.Message{}
}
